"""A year of branch activity for the demo county (``manage.py seed_demo``): meetings with attendance
(三会一课), trainings at county, township and village level, household visit logs of the village two
committees, the secretaries' monthly study records and township leaders' contact points — for the whole
previous year and the current one up to ``today``, deterministic per seed and day.

Every record keeps the rules the services enforce: attendees are on the roll of the meeting's branch (and had
joined by then), training attendees lie within the organizer's subtree, visits fall within the cadre's term,
no date is in the future. Most branches and cadres meet the quotas; some fall short (a missed quarter's
assembly or lecture, a township with one training, a cadre below 50 households, a leader under 90 days in
the village) so the alerts have something to show. Meetings, trainings, visits and study records go through
``demo.bulk.insert_with_history``: the rows ``bulk_create_with_history`` would write, faster.
"""

import bisect
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from simple_history.utils import bulk_create_with_history

from branches.models import COMMITTEE_KINDS, RURAL_FIELDS, Organization, OrganizationField
from members.models import (
    Cadre,
    CadrePost,
    ContactPoint,
    Gender,
    Meeting,
    MeetingKind,
    Member,
    MemberCategory,
    MemberStatus,
    ReserveCadre,
    StudyRecord,
    Training,
    TrainingAudience,
    TrainingLevel,
    VisitLog,
)
from members.models.cadres import BRANCH_POSTS, VILLAGE_COMMITTEE_POSTS

from .bulk import insert_m2m_with_history, insert_with_history
from .members import BATCH_SIZE, age_on
from .organizations import DemoTree
from .population import GIVEN_NAME_CHARACTERS, SURNAMES
from .records import day_between, demo_years

Field = OrganizationField
Kind = MeetingKind
Audience = TrainingAudience
TWO_COMMITTEES = BRANCH_POSTS | VILLAGE_COMMITTEE_POSTS

ATTENDANCE = (0.6, 0.95)
QUARTER_MISSED_SHARE = 0.17  # of branches each year: a quarter's assembly or lecture not held
MONTH_MISSED_SHARE = 0.1  # of branches each year: a month's committee, group meeting or theme day not held
YEARLY_MISSED_SHARE = 0.05  # of branches each year: no organizational life meeting or no appraisal
SECRETARY_TRAINING = {"county": 52, "township": 28, "both": 12, "none": 8}  # per secretary and year
WEAK_TOWNSHIPS = (1, 2)  # townships with one training in the previous year
VILLAGE_TRAININGS = {0: 4, 1: 8, 2: 55, 3: 33}  # trainings a village branch holds in a year
VISITS_SHORT_SHARE = 0.17  # of cadre-years: below 50 households (or below that pace)
HOUSEHOLDS = (52, 68)  # households a year of the others
REVISIT_SHARE = 0.07  # of households: visited a second time
VISIT_CONCERN_SHARE = 0.18
HOUSEHOLD_POOL = 240  # households of a village a cadre may visit
STUDY_LAX_SHARE = 0.22  # of secretary-years: below the study targets
CONTACT_LEADERS = (5, 8)  # township leaders with a contact village
CONTACT_SHORT_SHARE = 0.22  # of leaders each year: under 90 days in the village

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
TRAINING_TOPICS = {
    (TrainingLevel.COUNTY, Audience.SECRETARIES): "全县村（社区）党组织书记示范培训班",
    (TrainingLevel.COUNTY, Audience.TWO_COMMITTEES): "全县村“两委”干部能力提升培训班",
    (TrainingLevel.COUNTY, Audience.RESERVE): "全县村级后备干部集中培训班",
    (TrainingLevel.TOWNSHIP, Audience.SECRETARIES): "{place}村党组织书记轮训班",
    (TrainingLevel.TOWNSHIP, Audience.MEMBERS): "{place}农村党员冬春集中培训",
    (TrainingLevel.TOWNSHIP, Audience.TWO_COMMITTEES): "{place}村“两委”干部业务培训",
    (TrainingLevel.VILLAGE, Audience.MEMBERS): "{place}党员集中学习培训",
    (TrainingLevel.VILLAGE, Audience.VILLAGERS): "{place}实用技术培训：{skill}",
    (TrainingLevel.VILLAGE, Audience.TWO_COMMITTEES): "{place}“两委”班子学习会",
}
SKILLS = ("马铃薯高产栽培", "肉羊科学养殖", "错季蔬菜种植", "燕麦种植技术", "电商销售", "奶牛疫病防治")
CONCERNS = (
    ("反映村内道路破损，雨天出行困难", "已报乡镇列入道路修缮计划"),
    ("咨询城乡居民医疗保险缴费", "当场讲解政策，协助线上缴费"),
    ("反映自来水水压不足", "联系水务站检修管网"),
    ("申请危房改造", "协助准备材料报乡镇审核"),
    ("反映土地确权面积有误", "会同包村干部实地复核"),
    ("咨询养老保险待遇领取", "协助办理待遇领取资格认证"),
    ("反映邻里宅基地纠纷", "村调解委员会组织双方调解"),
    ("希望开展种养殖技术培训", "纳入村级实用技术培训计划"),
    ("反映路灯损坏", "已联系维修"),
    ("家庭因病生活困难，申请临时救助", "协助申请临时救助"),
    ("反映惠农补贴未到账", "与乡镇财政所核对发放情况"),
)
PENDING = "已上报乡镇，正在协调解决"
CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1..99 as written in group names: 三, 十二, 二十一."""
    tens, ones = divmod(number, 10)
    if not tens:
        return CHINESE_DIGITS[ones]
    return f"{'' if tens == 1 else CHINESE_DIGITS[tens]}十{CHINESE_DIGITS[ones] if ones else ''}"


class RollMember(NamedTuple):
    pk: int
    branch_id: int
    name: str
    joined_on: date
    lost: bool  # lost contact: on the roll, never at a meeting
    mobile: bool
    full: bool
    age: int


class Post(NamedTuple):
    pk: int
    organization_id: int
    post: str
    member_id: int | None
    name: str
    started_on: date
    ended_on: date | None

    def serving(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    def span(self, first: date, last: date) -> tuple[date, date] | None:
        """The part of [first, last] within the term, or None."""
        start, end = max(first, self.started_on), min(last, self.ended_on or last)
        return (start, end) if start <= end else None


class Reserve(NamedTuple):
    organization_id: int
    member_id: int | None
    entered_on: date
    left_on: date | None  # promoted or removed

    def in_roster(self, day: date) -> bool:
        return self.entered_on <= day and (self.left_on is None or self.left_on > day)


class BranchRoll:
    """A branch's roll sorted by joining date, so "on the roll on day D" is a prefix."""

    def __init__(self, members: list[RollMember]):
        ordered = sorted(members, key=lambda m: (m.joined_on, m.pk))
        self.members = ordered
        self.joined = [m.joined_on for m in ordered]
        self.local = [m for m in ordered if not m.mobile and not m.lost]
        self.local_joined = [m.joined_on for m in self.local]
        self.away = [m for m in ordered if m.mobile and not m.lost]
        self.away_joined = [m.joined_on for m in self.away]

    def expected(self, day: date) -> int:
        return bisect.bisect_right(self.joined, day)

    def present(self, day: date) -> tuple[list[RollMember], list[RollMember]]:
        """(members at home, mobile members in touch) on the roll on ``day``."""
        return (
            self.local[: bisect.bisect_right(self.local_joined, day)],
            self.away[: bisect.bisect_right(self.away_joined, day)],
        )


@dataclass
class ActivityCounts:
    meetings: int = 0
    attendances: int = 0
    trainings: int = 0
    visits: int = 0
    study_records: int = 0
    contact_points: int = 0
    roll_counts: dict[int, int] = field(default_factory=dict)


@dataclass
class Batch:
    """Rows for one model and its many-to-many pairs (row index, related pk) by field name."""

    rows: list[dict] = field(default_factory=list)
    pairs: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, row: dict, **related: list[int]) -> None:
        index = len(self.rows)
        self.rows.append(row)
        for name, pks in related.items():
            self.pairs.setdefault(name, []).extend((index, pk) for pk in pks)


class ActivityBuilder:
    def __init__(self, *, tree: DemoTree, seed: int, today: date):
        self.tree = tree
        self.seed = seed
        self.today = today
        self.years = demo_years(today)
        self.branches = tree.member_branches
        self.rural = [branch for branch in self.branches if branch.field in RURAL_FIELDS]
        self.townships = list(
            Organization.objects.filter(kind__in=COMMITTEE_KINDS, parent=tree.county).order_by("code")
        )
        members: dict[int, list[RollMember]] = {branch.pk: [] for branch in self.branches}
        rows = (
            Member.objects.on_roll()
            .filter(branch__path__startswith=tree.county.path)
            .order_by("pk")
            .values_list(
                "pk", "branch_id", "name", "joined_on", "status", "is_mobile", "category", "birth_date"
            )
        )
        self.members: dict[int, RollMember] = {}
        for pk, branch_id, name, joined, status, mobile, category, born in rows:
            member = RollMember(
                pk,
                branch_id,
                name,
                joined,
                status == MemberStatus.LOST_CONTACT,
                mobile,
                category == MemberCategory.FULL,
                age_on(born, today),
            )
            members[branch_id].append(member)
            self.members[pk] = member
        self.roll = {pk: BranchRoll(found) for pk, found in members.items()}
        self.posts: dict[int, list[Post]] = {}
        cadres = Cadre.objects.filter(organization__path__startswith=tree.county.path).order_by("pk")
        for row in cadres.values_list(
            "pk", "organization_id", "post", "member_id", "name", "started_on", "ended_on"
        ):
            post = Post(*row)
            self.posts.setdefault(post.organization_id, []).append(post)
        self.reserves = [
            Reserve(organization, member, entered, promoted or removed)
            for organization, member, entered, promoted, removed in ReserveCadre.objects.filter(
                organization__path__startswith=tree.county.path
            )
            .order_by("pk")
            .values_list("organization_id", "member_id", "entered_on", "promoted_on", "removed_on")
        ]

    def rng(self, topic: str) -> random.Random:
        return random.Random(f"partybuild-demo-{self.seed}-{topic}")

    def year_span(self, year: int) -> tuple[date, date]:
        return date(year, 1, 1), min(date(year, 12, 31), self.today)

    def serving(self, organization_id: int, posts, day: date) -> list[Post]:
        return [p for p in self.posts.get(organization_id, ()) if p.post in posts and p.serving(day)]

    # --- meetings (三会一课) ---------------------------------------------------------------------

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

    # --- trainings -------------------------------------------------------------------------------

    def trainings(self) -> Batch:
        rng, batch = self.rng("trainings"), Batch()
        weak = {
            t.pk for t in rng.sample(self.townships, min(len(self.townships), rng.randint(*WEAK_TOWNSHIPS)))
        }
        for year in self.years:
            modes = self.secretary_modes(rng)
            self.county_trainings(rng, batch, year, modes)
            for township in self.townships:
                only_one = year == self.years[0] and township.pk in weak
                self.township_trainings(rng, batch, year, township, modes, only_one)
            for branch in self.rural:
                self.village_trainings(rng, batch, year, branch)
        return batch

    def secretary_modes(self, rng) -> dict[int, str]:
        """Branch pk -> where its secretary is trained this year; each township trains at least one."""
        options = list(SECRETARY_TRAINING)
        modes = {b.pk: rng.choices(options, weights=list(SECRETARY_TRAINING.values()))[0] for b in self.rural}
        for township in self.townships:
            under = [b for b in self.rural if b.parent_id == township.pk]
            if under and not any(modes[b.pk] in ("township", "both") for b in under):
                modes[rng.choice(under).pk] = "township"
        return modes

    def add_training(
        self, rng, batch, organizer, audience, held, days, *, cadres=(), members=(), villagers=0
    ) -> None:
        """One training, unless it falls after today; its level follows the organizer's kind."""
        if held > self.today:
            return
        if organizer.kind in COMMITTEE_KINDS:
            level = TrainingLevel.TOWNSHIP
        else:
            level = TrainingLevel.COUNTY if organizer.parent_id is None else TrainingLevel.VILLAGE
        inside = {b.pk for b in self.branches if b.path.startswith(organizer.path)}
        member_pks = {m for m in members if m in self.members and self.members[m].joined_on <= held}
        for post in cadres:  # a cadre who is a member is also counted among the members trained
            member = self.members.get(post.member_id)
            if member and member.joined_on <= held:
                member_pks.add(member.pk)
        member_pks = sorted(pk for pk in member_pks if self.members[pk].branch_id in inside)
        topic = TRAINING_TOPICS[(level, audience)].format(
            place=organizer.short_name, skill=rng.choice(SKILLS)
        )
        batch.add(
            {
                "organizer_id": organizer.pk,
                "level": level,
                "audience": audience,
                "held_on": held,
                "days": Decimal(days),
                "hours": max(3, round(float(days) * 8)) if days >= 1 else 4,
                "topic": topic,
                "villager_count": villagers,
            },
            member_attendees=member_pks,
            cadre_attendees=sorted(post.pk for post in cadres),
        )

    def rural_posts(self, branches, posts, day) -> list[Post]:
        return [post for branch in branches for post in self.serving(branch.pk, posts, day)]

    def county_trainings(self, rng, batch, year, modes) -> None:
        county = self.tree.county
        held = day_between(rng, date(year, 4, 10), date(year, 6, 10))
        trained = [b for b in self.rural if modes[b.pk] in ("county", "both")]
        secretaries = self.rural_posts(trained, (CadrePost.SECRETARY,), held)
        self.add_training(
            rng, batch, county, Audience.SECRETARIES, held, rng.randint(3, 5), cadres=secretaries
        )
        held = day_between(rng, date(year, 7, 1), date(year, 8, 31))
        reserves = [r for r in self.reserves if r.in_roster(held) and rng.random() < 0.6]
        members = [r.member_id for r in reserves if r.member_id]
        others = sum(r.member_id is None for r in reserves)
        self.add_training(rng, batch, county, Audience.RESERVE, held, 2, members=members, villagers=others)
        held = day_between(rng, date(year, 9, 1), date(year, 10, 31))
        cadres = [p for p in self.rural_posts(self.rural, TWO_COMMITTEES, held) if rng.random() < 0.25]
        self.add_training(rng, batch, county, Audience.TWO_COMMITTEES, held, rng.randint(2, 3), cadres=cadres)

    def township_trainings(self, rng, batch, year, township, modes, only_one) -> None:
        under = [b for b in self.rural if b.parent_id == township.pk]
        held = day_between(rng, date(year, 3, 10), date(year, 5, 20))
        trained = [b for b in under if modes[b.pk] in ("township", "both")]
        secretaries = self.rural_posts(trained, (CadrePost.SECRETARY,), held)
        self.add_training(
            rng, batch, township, Audience.SECRETARIES, held, rng.choice((1, 2)), cadres=secretaries
        )
        if only_one:
            return
        held = day_between(rng, date(year, 1, 5), date(year, 2, 28))  # the winter and spring training
        share = rng.uniform(0.2, 0.5)
        members = [m.pk for b in under for m in self.roll[b.pk].present(held)[0] if rng.random() < share]
        self.add_training(rng, batch, township, Audience.MEMBERS, held, rng.choice((2, 3)), members=members)
        held = day_between(rng, date(year, 6, 1), date(year, 8, 31))
        share = rng.uniform(0.3, 0.6)
        cadres = [p for p in self.rural_posts(under, TWO_COMMITTEES, held) if rng.random() < share]
        self.add_training(
            rng, batch, township, Audience.TWO_COMMITTEES, held, rng.choice((1, 2)), cadres=cadres
        )

    def village_trainings(self, rng, batch, year, branch) -> None:
        count = rng.choices(list(VILLAGE_TRAININGS), weights=list(VILLAGE_TRAININGS.values()))[0]
        rotation = rng.uniform(0.3, 0.95)  # the share of members this village trains
        half = Decimal("0.5")
        for audience in (Audience.MEMBERS, Audience.VILLAGERS, Audience.TWO_COMMITTEES)[:count]:
            if audience == Audience.MEMBERS:
                held = day_between(rng, date(year, 3, 1), date(year, 6, 30))
                local = self.roll[branch.pk].present(held)[0]
                members = [m.pk for m in rng.sample(local, round(rotation * len(local)))]
                self.add_training(rng, batch, branch, audience, held, 1, members=members)
            elif audience == Audience.VILLAGERS:
                held = day_between(rng, date(year, 1, 10), date(year, 4, 20))
                local = self.roll[branch.pk].present(held)[0]
                members = [m.pk for m in rng.sample(local, min(len(local), rng.randint(2, 8)))]
                villagers = rng.randint(20, 90)
                self.add_training(
                    rng, batch, branch, audience, held, half, members=members, villagers=villagers
                )
            else:
                held = day_between(rng, date(year, 7, 1), date(year, 9, 30))
                cadres = self.serving(branch.pk, TWO_COMMITTEES, held)
                self.add_training(rng, batch, branch, audience, held, half, cadres=cadres)

    # --- household visits (走访日志) ---------------------------------------------------------------

    def visits(self, actor) -> list[dict]:
        """A year of visits for every person serving in a post of the two committees of a village or
        community (the quota counts persons: a secretary who is also director logs each visit once, under
        one of the two posts), within each post's term: most reach 50 households (this year: at that
        pace), about one in six does not."""
        rng = self.rng("visits")
        households = HouseholdBook(self.rng("households"))
        people = {year: [] for year in self.years}  # year -> [(branch, [(post, span), ...])]
        for branch in self.rural:
            posts: dict[tuple, list[Post]] = {}  # a person: the member, or the post of a non-member
            for post in self.posts.get(branch.pk, ()):
                if post.post in TWO_COMMITTEES:
                    key = ("member", post.member_id) if post.member_id else ("post", post.pk)
                    posts.setdefault(key, []).append(post)
            for year in self.years:
                for held in posts.values():
                    pieces = [(post, span) for post in held if (span := post.span(*self.year_span(year)))]
                    if pieces:
                        people[year].append((branch, pieces))
        rows = []
        for year, found in people.items():
            short = set(rng.sample(range(len(found)), round(VISITS_SHORT_SHARE * len(found))))
            for number, (branch, pieces) in enumerate(found):
                span = min(start for _post, (start, _end) in pieces), max(end for _post, (_s, end) in pieces)
                target = self.household_target(rng, year, span, short=number in short)
                rows += self.person_visits(rng, pieces, households.of(branch), target, actor)
        return rows

    def household_target(self, rng, year, span, *, short: bool) -> int:
        """Distinct households to visit in ``span``: a full year's 52-68 (previous year) or that pace for
        the part of this year gone; the short ones 20-44 a year, for the days they served."""
        start, end = span
        served = (end - start).days + 1
        if short:  # slow, but after a month in post everyone has logged a visit
            return max(int(served >= 30), math.floor(rng.randint(20, 44) * served / 365))
        if year < self.today.year:
            return rng.randint(*HOUSEHOLDS)
        elapsed = (end - date(year, 1, 1)).days + 1 if end == self.today else served
        return math.ceil(rng.randint(HOUSEHOLDS[0] + 2, HOUSEHOLDS[1]) * elapsed / 365)

    def person_visits(self, rng, pieces: list[tuple[Post, tuple]], pool, target: int, actor) -> list[dict]:
        """``target`` households, each visited under one of the person's posts within its term (every post
        gets one first), a few of them a second time."""
        weights = [(end - start).days + 1 for _post, (start, end) in pieces]
        target = max(target, len(pieces)) if target else 0
        visits = []
        for number, household in enumerate(rng.sample(pool, min(target, len(pool)))):
            post, (start, end) = pieces[number] if number < len(pieces) else rng.choices(pieces, weights)[0]
            day = day_between(rng, start, end)
            visits.append((household, post, day))
            if day < end and rng.random() < REVISIT_SHARE:
                visits.append((household, post, day_between(rng, day + timedelta(days=1), end)))
        rows = []
        for (group, name, key), post, day in sorted(visits, key=lambda visit: (visit[2], visit[1].pk)):
            if rng.random() < 0.05:  # typed with a space: the key still finds the same household
                name = f"{name[0]} {name[1:]}"
            concern = rng.choice(CONCERNS) if rng.random() < VISIT_CONCERN_SHARE else None
            row = {
                "cadre_id": post.pk,
                "organization_id": post.organization_id,
                "household_name": name,
                "village_group": group,
                "household_key": key,  # VisitLog.key_for(group, name), the same for the spaced spelling
                "visited_on": day,
                "recorded_by_id": actor.pk,
            }
            if concern:
                resolved = day + timedelta(days=rng.randint(0, 45))
                done = resolved <= self.today and rng.random() < 0.9
                row |= {
                    "concerns": concern[0],
                    "follow_up": concern[1] if done else PENDING,
                    "resolved_on": resolved if done else None,
                }
            rows.append(row)
        return rows

    # --- study records ---------------------------------------------------------------------------

    def study_records(self) -> list[dict]:
        """Monthly, one record a person and month: the secretaries of villages and communities (targets
        12 sessions, 5,000 characters of notes, an article a year) and the township organ's cadres, the
        instructors (10,000 characters, two articles), recorded under the post they held that month (an
        instructor has a post at each branch they guide). About one in five falls well below."""
        rng, rows = self.rng("study"), []
        months = [
            (year, month)
            for year in self.years
            for month in range(1, 13)
            if (year, month) < (self.today.year, self.today.month)
            or ((year, month) == (self.today.year, self.today.month) and self.today.day >= 20)
        ]
        people: dict[tuple, list[Post]] = {}
        for branch in self.branches:
            for post in self.posts.get(branch.pk, ()):
                if post.post == CadrePost.SECRETARY and branch.field in RURAL_FIELDS:
                    people.setdefault(("secretary", post.pk), []).append(post)
                elif post.post == CadrePost.INSTRUCTOR:
                    people.setdefault(("instructor", post.member_id), []).append(post)
        for year in self.years:
            found = []  # (the person's months: (year, month, the first of their posts held then), role)
            for (role, _key), posts in people.items():
                held = []
                for y, m in months:
                    serving = [p for p in posts if y == year and p.span(date(y, m, 1), _month_end(y, m))]
                    if serving:
                        held.append((y, m, serving[0]))
                if held:
                    found.append((held, role == "instructor"))
            lax = set(rng.sample(range(len(found)), round(STUDY_LAX_SHARE * len(found))))
            for number, (held, township) in enumerate(found):
                rows += self.person_study(rng, held, township=township, lax=number in lax)
        return rows

    def person_study(
        self, rng, held: list[tuple[int, int, Post]], *, township: bool, lax: bool
    ) -> list[dict]:
        written = 0 if lax and rng.random() < 0.6 else rng.randint(2, 3) if township else rng.randint(1, 2)
        articles = {(y, m) for y, m, _post in rng.sample(held, min(len(held), written))}
        notes = ((300, 700), (860, 1200)) if township else ((150, 380), (420, 720))
        rows = []
        for year, month, post in held:
            if lax and rng.random() < 0.3:
                continue  # nothing recorded that month
            rows.append(
                {
                    "cadre_id": post.pk,
                    "organization_id": post.organization_id,
                    "year": year,
                    "month": month,
                    "sessions": rng.choice((0, 1, 1)) if lax else rng.choice((1, 1, 1, 2)),
                    "note_characters": rng.randint(*notes[not lax]),
                    "articles": int((year, month) in articles),
                }
            )
        return rows

    # --- contact points --------------------------------------------------------------------------

    def contact_points(self) -> list[ContactPoint]:
        """Township leaders (members of the township's organ branch), one contact village each a year."""
        rng, points = self.rng("contact-points"), []
        for township in self.townships:
            villages = [b for b in self.rural if b.parent_id == township.pk]
            organ = [
                m
                for b in self.branches
                if b.path.startswith(township.path) and _is_organ(b, township)
                for m in self.roll[b.pk].local
                if m.full and 28 <= m.age <= 58
            ]
            if not villages or not organ:
                continue
            leaders = rng.sample(organ, min(len(organ), rng.randint(*CONTACT_LEADERS)))
            order = rng.sample(villages, len(villages))
            assigned = {leader.pk: order[number % len(order)] for number, leader in enumerate(leaders)}
            for year in self.years:
                for leader in leaders:
                    if year == self.today.year and rng.random() < 0.2:
                        assigned[leader.pk] = rng.choice(villages)
                    points.append(self.contact_point(rng, leader, assigned[leader.pk], year))
        return points

    def contact_point(self, rng, leader: RollMember, village, year: int) -> ContactPoint:
        first, last = self.year_span(year)
        elapsed = (last - first).days + 1

        def one_day():
            return None if rng.random() < 0.1 else day_between(rng, first, last)

        days = rng.randint(50, 89) if rng.random() < CONTACT_SHORT_SHARE else rng.randint(92, 150)
        return ContactPoint(
            leader_id=leader.pk,
            organization=village,
            year=year,
            lecture_on=one_day(),
            check_on=one_day(),
            activity_on=one_day(),
            days_spent=min(elapsed, round(days * elapsed / 365)),
            note="",
        )


def _is_organ(branch: Organization, township: Organization) -> bool:
    """The township's organ branch (乡镇机关), or a section of its organ general branch."""
    return branch.field == Field.INSTITUTION and branch.short_name.startswith(f"{township.short_name}机关")


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


class HouseholdBook:
    """Each village's households (head of household, village group), drawn when first needed. Heads are
    mostly men of the older generation, named from the same tables as the members (``demo.population``)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = list(SURNAMES)
        self.weights = list(itertools.accumulate(SURNAMES.values()))
        self.books: dict[int, list[tuple[str, str, str]]] = {}

    def of(self, branch: Organization) -> list[tuple[str, str, str]]:
        if branch.pk not in self.books:
            self.books[branch.pk] = self.draw(branch)
        return self.books[branch.pk]

    def draw(self, branch) -> list[tuple[str, str, str]]:
        rng = self.rng
        if branch.field == Field.VILLAGE:
            count, label = max(3, min(12, (branch.natural_villages or 4) + rng.randint(1, 4))), "村民小组"
        else:
            count, label = rng.randint(4, 9), "居民小组"
        groups = [f"第{chinese_number(number)}{label}" for number in range(1, count + 1)]
        size = min(branch.households or HOUSEHOLD_POOL, HOUSEHOLD_POOL)
        seen, book = set(), []
        while len(book) < size:
            wanted = size - len(book)
            surnames = rng.choices(self.surnames, cum_weights=self.weights, k=wanted)
            for surname, group in zip(surnames, rng.choices(groups, k=wanted), strict=True):
                gender = Gender.MALE if rng.random() < 0.85 else Gender.FEMALE
                firsts, lasts = GIVEN_NAME_CHARACTERS[(gender, "old" if rng.random() < 0.75 else "new")]
                given = rng.choice(lasts)
                name = surname + (rng.choice(firsts) + given if rng.random() < 0.7 else given)
                key = VisitLog.key_for(group, name)
                if key not in seen:
                    seen.add(key)
                    book.append((group, name, key))
        return book


def create_demo_activities(*, actor, tree: DemoTree, seed: int, today: date) -> ActivityCounts:
    """Meetings, trainings, visits, study records and contact points, one history row each (with the
    attendees in the first one). Returns the numbers and each branch's roll today."""
    builder = ActivityBuilder(tree=tree, seed=seed, today=today)
    counts = ActivityCounts(roll_counts={pk: len(roll.members) for pk, roll in builder.roll.items()})
    for model, batch, attribute in (
        (Meeting, builder.meetings(), "meetings"),
        (Training, builder.trainings(), "trainings"),
    ):
        pks = insert_with_history(model, batch.rows, actor=actor)
        for name, pairs in batch.pairs.items():
            inserted = insert_m2m_with_history(model, name, [(pks[i], pk) for i, pk in pairs], pks[0])
            if model is Meeting:
                counts.attendances += inserted
        setattr(counts, attribute, len(pks))
    counts.visits = len(insert_with_history(VisitLog, builder.visits(actor), actor=actor))
    counts.study_records = len(insert_with_history(StudyRecord, builder.study_records(), actor=actor))
    points = bulk_create_with_history(
        builder.contact_points(), ContactPoint, batch_size=BATCH_SIZE, default_user=actor
    )
    counts.contact_points = len(points)
    return counts
