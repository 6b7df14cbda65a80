"""The branches' meetings (三会一课: branch assemblies, committee and group meetings, party lectures, theme
days, the yearly organizational life meeting and appraisal), with their attendees, less what a branch
missed."""

import math
import random
from datetime import date
from datetime import timedelta

from members.models import CadrePost
from members.models import MeetingKind

from .rolls import Batch
from .rolls import BranchRoll
from .rolls import CountyRolls

Kind = MeetingKind

ATTENDANCE = (0.6, 0.95)
QUARTER_MISSED_SHARE = 0.17  # of branches each year: a quarter's assembly or lecture not held
MONTH_MISSED_SHARE = 0.1  # of branches each year: a month's committee, group meeting or theme day not held
YEARLY_MISSED_SHARE = 0.05  # of branches each year: no organizational life meeting or no appraisal

MEETING_TOPICS = {
    Kind.THEME_DAY: (
        "重温入党誓词，开展主题党日活动", "党员志愿服务：清理村内垃圾死角", "走访慰问困难党员和老党员",
        "学习《中国共产党章程》", "人居环境整治义务劳动", "移风易俗宣传进农户", "防汛防火安全隐患排查",
        "参观廉政教育基地", "党员设岗定责履职情况交流", "观看党员教育电教片",
    ),
    Kind.COMMITTEE: (
        "研究本月重点工作安排", "研究发展党员工作", "研究村集体经济项目实施方案", "研究困难群众帮扶名单",
        "研究党费收缴和使用情况", "研究“四议两公开”事项", "研究后备干部培养工作", "研究矛盾纠纷排查化解",
    ),
    Kind.GROUP: (
        "学习上级会议精神", "组织党员交流学习体会", "分片联系农户情况汇总", "讨论党员先锋岗履职",
        "通报党小组党员思想动态",
    ),
    Kind.LECTURE: (
        "书记讲党课：发挥党支部战斗堡垒作用", "党课：做合格党员，当致富先锋", "党课：学习党的基本理论",
        "党课：《中国共产党农村基层组织工作条例》解读", "党课：弘扬优良作风，密切党群关系",
        "党课：乡村振兴战略与村集体经济发展",
    ),
    Kind.ASSEMBLY: (
        "通报季度支部工作", "讨论接收预备党员", "讨论预备党员转正", "党费收缴情况公示",
        "讨论确定入党积极分子", "通报村级重大事项决策情况",
    ),
    Kind.LIFE_MEETING: ("{year}年度组织生活会",),
    Kind.APPRAISAL: ("{year}年度民主评议党员",),
}  # fmt: skip
MINUTES = (
    "会议传达了上级有关精神，与会党员结合实际作了交流发言。",
    "会议按议程逐项进行，形成一致意见，会后抓好落实。",
    "会议学习了有关文件，安排部署了下一阶段工作。",
)


class Meetings(CountyRolls):
    def meetings(self) -> Batch:
        rng, batch = self.rng("meetings"), Batch()
        for branch in self.branches:
            roll = self.roll[branch.pk]
            base = rng.uniform(0.68, 0.88)
            theme_day = rng.randint(1, 10)
            chair = self.chair(rng, branch)
            for year in self.years:
                for kind, held in self.meeting_plan(rng, year, theme_day):
                    expected = roll.expected(held)
                    if held > self.today or not expected:
                        continue
                    attendees = self.attendees(rng, roll, held, expected, base)
                    batch.add(
                        {
                            "organization_id": branch.pk,
                            "kind": kind,
                            "held_on": held,
                            "topic": rng.choice(MEETING_TOPICS[kind]).format(year=year - 1),
                            "speaker": self.speaker(rng, branch, kind, held) or chair,
                            "members_expected": expected,
                            "attendee_count": len(attendees),
                            "minutes": f"应到{expected}人，实到{len(attendees)}人。{rng.choice(MINUTES)}",
                        },
                        attendees=attendees,
                    )
        return batch

    def meeting_plan(self, rng: random.Random, year: int, theme_day: int) -> list[tuple[str, date]]:
        """The year's meetings, less what this branch missed."""
        plan = []
        for month in range(1, 13):
            plan.append((Kind.THEME_DAY, month, date(year, month, min(28, theme_day + rng.randint(0, 3)))))
            plan.append((Kind.COMMITTEE, month, date(year, month, rng.randint(1, 28))))
            plan.append((Kind.GROUP, month, date(year, month, rng.randint(1, 28))))
        for quarter in range(1, 5):
            for kind in (Kind.LECTURE, Kind.ASSEMBLY):
                month = 3 * quarter - 2 + rng.randint(0, 2)
                plan.append((kind, quarter, date(year, month, rng.randint(1, 28))))
        life = date(year, rng.randint(1, 2), rng.randint(5, 25))
        plan.append((Kind.LIFE_MEETING, 0, life))
        plan.append((Kind.APPRAISAL, 0, life + timedelta(days=rng.randint(0, 3))))
        missed = set()
        if rng.random() < QUARTER_MISSED_SHARE:
            kinds = rng.choice(((Kind.ASSEMBLY,), (Kind.LECTURE,), (Kind.ASSEMBLY, Kind.LECTURE)))
            quarter = rng.randint(1, 4)
            missed |= {(kind, quarter) for kind in kinds}
        if rng.random() < MONTH_MISSED_SHARE:
            kind = rng.choice((Kind.THEME_DAY, Kind.COMMITTEE, Kind.GROUP))
            missed |= {(kind, month) for month in rng.sample(range(1, 13), rng.randint(1, 2))}
        if rng.random() < YEARLY_MISSED_SHARE:
            missed.add((rng.choice((Kind.LIFE_MEETING, Kind.APPRAISAL)), 0))
        return sorted(
            ((kind, held) for kind, slot, held in plan if (kind, slot) not in missed),
            key=lambda item: (item[1], item[0]),
        )

    def attendees(self, rng, roll: BranchRoll, held: date, expected: int, base: float) -> list[int]:
        """60-95% of the members on the roll that day, mobile members (online) after those at home."""
        low, high = math.ceil(ATTENDANCE[0] * expected), math.floor(ATTENDANCE[1] * expected)
        rate = min(ATTENDANCE[1], max(ATTENDANCE[0], rng.gauss(base, 0.05)))
        count = min(max(round(rate * expected), low), high) if low <= high else low
        local, away = roll.present(held)
        count = min(count, len(local) + len(away))
        chosen = rng.sample(local, min(count, len(local)))
        chosen += rng.sample(away, count - len(chosen))
        return sorted(member.pk for member in chosen)

    def chair(self, rng, branch) -> str:
        """Who chairs where no secretary post is recorded (outside villages and communities)."""
        people = [m for m in self.roll[branch.pk].local if m.full and 30 <= m.age <= 58]
        people = people or self.roll[branch.pk].members
        return rng.choice(people).name if people else ""

    def speaker(self, rng, branch, kind, held) -> str:
        if kind == Kind.LECTURE and rng.random() < 0.3:
            guests = self.serving(branch.pk, (CadrePost.FIRST_SECRETARY, CadrePost.INSTRUCTOR), held)
            if guests:
                return rng.choice(guests).name
        secretaries = self.serving(branch.pk, (CadrePost.SECRETARY,), held)
        return secretaries[0].name if secretaries else ""
