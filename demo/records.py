"""A year of branch records for the demo county (``manage.py seed_demo``): activity rooms and their
investments, each township's standardized-room targets, "two reports, two comments" and financial
disclosures, as the quotas for village and community branches ask of them.

Records cover the whole previous year and the current one up to ``today``; nothing is dated in the future.
Most villages meet the quotas, a few fall short (a missed report or disclosure, a review with under 60%
satisfied), so the alerts have something to show. Reports and reviews, and disclosures, are written with
``demo.bulk.insert_with_history``.
"""

import random
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from branches.models import COMMITTEE_KINDS
from branches.models import RURAL_FIELDS
from branches.models import ActivityRoom
from branches.models import DisclosurePeriod
from branches.models import FinancialDisclosure
from branches.models import InvestmentSource
from branches.models import Organization
from branches.models import OrganizationField
from branches.models import ReviewKind
from branches.models import ReviewRecord
from branches.models import RoomInvestment
from branches.models import StandardizedRoomTarget
from branches.models.records import FACILITY_FIELDS

from .bulk import BATCH_SIZE
from .bulk import insert_with_history
from .organizations import COUNTY_PLACE
from .organizations import DemoTree

Field = OrganizationField

STANDARDIZED_SHARE = 0.5
TARGET_MET_SHARE = 0.6  # of townships, each year
REPORT_MISSED_SHARE = 0.08  # of villages, previous year: one report missing
LOW_SATISFACTION_SHARE = 0.04  # of villages: a review with under 60% satisfied
DISCLOSURE_MISSED_SHARE = 0.06  # of villages: one half-year not disclosed
INVESTMENT_SOURCES = {
    InvestmentSource.COUNTY: 30,
    InvestmentSource.TOWNSHIP: 25,
    InvestmentSource.VILLAGE: 20,
    InvestmentSource.PAIRED_UNIT: 12,
    InvestmentSource.DONATION: 8,
    InvestmentSource.OTHER: 5,
}
STANDARDIZATION_PURPOSE = "活动场所标准化建设"
INVESTMENT_PURPOSES = (
    "活动室维修改造", "购置桌椅及档案柜", "安装远程教育终端", "购置音响和投影设备", "制作标识标牌、制度上墙",
    "冬季取暖设施改造", "党建文化墙建设", "屋顶防水维修", "配备图书阅览设施",
)  # fmt: skip
REPORT_TOPICS = {
    ReviewKind.COMMITTEE_REPORT: "村委会向党支部报告{year}年{half}工作",
    ReviewKind.BRANCH_REPORT: "党支部向全体党员报告{year}年{half}工作",
}
REVIEW_TOPICS = {
    ReviewKind.MEMBER_REVIEW: "党员评议村“两委”干部（{year}年度）",
    ReviewKind.REPRESENTATIVE_REVIEW: "村民代表评议村“两委”干部（{year}年度）",
}
REPORT_SUMMARIES = (
    "报告了集体经济收支、项目建设和民生实事办理情况，与会人员提出意见建议{n}条。",
    "通报了上级政策落实、矛盾纠纷化解和人居环境整治情况，现场答复问题{n}个。",
    "围绕产业发展和村务公开作了说明，收集意见建议{n}条，已逐条明确责任人。",
)
REVIEW_SUMMARY = "发放测评表{participants}份，满意及以上{satisfied}票，满意率{rate}%。"
LOW_REVIEW_SUMMARY = REVIEW_SUMMARY + "满意率偏低，乡镇党委已约谈村党支部书记，限期整改。"
DISCLOSURE_CONTENT = (
    "公开{year}年{half}村级财务收支明细、集体资产资源发包、惠农补贴发放和“一事一议”项目情况，"
    "在村务公开栏张贴并在村民微信群同步发布。"
)
HALVES = {DisclosurePeriod.FIRST_HALF: "上半年", DisclosurePeriod.SECOND_HALF: "下半年"}


# --- dates -------------------------------------------------------------------------------------------


def demo_years(today: date) -> tuple[int, int]:
    """The records cover the whole previous year and the current one up to today."""
    return today.year - 1, today.year


def day_between(rng: random.Random, first: date, last: date) -> date:
    """A day from ``first`` to ``last``, both included (``first`` if the range is empty)."""
    return first + timedelta(days=int(rng.random() * (max(0, (last - first).days) + 1)))


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


# --- rooms -------------------------------------------------------------------------------------------


@dataclass
class RecordCounts:
    rooms: int = 0
    standardized: int = 0
    investments: int = 0
    targets: int = 0
    reviews: int = 0
    disclosures: int = 0


class RecordBuilder:
    def __init__(self, *, tree: DemoTree, seed: int, today: date, roll_counts: dict[int, int]):
        self.tree = tree
        self.seed = seed
        self.today = today
        self.roll_counts = roll_counts
        self.rural = [branch for branch in tree.member_branches if branch.field in RURAL_FIELDS]
        self.townships = list(
            Organization.objects.filter(kind__in=COMMITTEE_KINDS, parent=tree.county).order_by("code")
        )

    def rng(self, topic: str) -> random.Random:
        return random.Random(f"partybuild-demo-{self.seed}-{topic}")

    def rooms(self) -> tuple[list[ActivityRoom], list[tuple[int, RoomInvestment]]]:
        """One room per village, community and township committee; investments keyed by room index."""
        rng, today = self.rng("rooms"), self.today
        rooms, investments = [], []
        for organization in [*self.townships, *self.rural]:
            room = self.room(rng, organization)
            for investment in self.room_investments(rng, room):
                investments.append((len(rooms), investment))
            rooms.append(room)
        assert all(room.standardized_on is None or room.standardized_on <= today for room in rooms)
        return rooms, investments

    def room(self, rng: random.Random, organization: Organization) -> ActivityRoom:
        today = self.today
        if organization.kind in COMMITTEE_KINDS:
            name = f"{organization.short_name}党群服务中心"
            address = f"{COUNTY_PLACE}{organization.short_name}人民政府院内"
            area, built = rng.randint(150, 480), rng.randint(1995, 2018)
        elif organization.field == Field.COMMUNITY:
            name = f"{organization.short_name}党群服务站"
            address = f"{COUNTY_PLACE}{organization.parent.short_name}{organization.short_name}居委会一楼"
            area, built = rng.randint(80, 360), rng.randint(2003, 2021)
        else:
            name = f"{organization.short_name}党员活动室"
            address = f"{COUNTY_PLACE}{organization.parent.short_name}{organization.short_name}村委会院内"
            area, built = rng.randint(40, 180), rng.randint(1992, 2021)
        built = min(built, today.year)
        renovated = rng.randint(built + 1, today.year) if built < today.year and rng.random() < 0.5 else None
        room = ActivityRoom(
            organization=organization,
            name=name,
            address=address,
            area_m2=Decimal(area) + Decimal(rng.randint(0, 9)) / 10,
            built_year=built,
            renovated_year=renovated,
        )
        if rng.random() < STANDARDIZED_SHARE:
            year = rng.choices((today.year - 1, today.year, None), weights=(25, 20, 55))[0]
            if year is None:
                year = rng.randint(max(built, 2016), max(built, today.year - 2))
            year = max(year, built)
            last = min(date(year, 12, 31), today)
            room.is_standardized = True
            room.standardized_on = day_between(rng, date(year, 1, 1), last)
            missing = rng.choice(FACILITY_FIELDS) if rng.random() < 0.3 else None
            for facility in FACILITY_FIELDS:
                setattr(room, facility, facility != missing)
        else:
            share = rng.uniform(0.2, 0.7)
            for facility in FACILITY_FIELDS:
                setattr(room, facility, rng.random() < share)
        return room

    def room_investments(self, rng: random.Random, room: ActivityRoom) -> list[RoomInvestment]:
        today = self.today
        since = date(room.built_year, 1, 1)
        found = []
        if room.is_standardized:
            invested = max(since, room.standardized_on - timedelta(days=rng.randint(30, 240)))
            found.append(
                RoomInvestment(
                    amount_yuan=Decimal(rng.randint(30, 150) * 1000),
                    source=rng.choice((InvestmentSource.COUNTY, InvestmentSource.TOWNSHIP)),
                    invested_on=invested,
                    purpose=STANDARDIZATION_PURPOSE,
                )
            )
        for _ in range(rng.randint(0, 2)):
            found.append(
                RoomInvestment(
                    amount_yuan=money(rng, 2000, 40000),
                    source=rng.choices(list(INVESTMENT_SOURCES), weights=list(INVESTMENT_SOURCES.values()))[
                        0
                    ],
                    invested_on=day_between(rng, max(since, today - timedelta(days=2500)), today),
                    purpose=rng.choice(INVESTMENT_PURPOSES),
                )
            )
        return found

    def targets(self, rooms: list[ActivityRoom]) -> list[StandardizedRoomTarget]:
        """Each township's target for both years, from the rooms in its subtree (its villages' and its own,
        as the quota counts them): some reached, some not, never beyond what it has."""
        rng = self.rng("room-targets")
        targets = []
        for township in self.townships:
            own = [
                room for room in rooms if township.pk in (room.organization.pk, room.organization.parent_id)
            ]
            target = 0
            for year in demo_years(self.today):
                end = min(date(year, 12, 31), self.today)
                reached = sum(room.is_standardized and room.standardized_on <= end for room in own)
                if (rng.random() < TARGET_MET_SHARE and reached) or reached == len(own):
                    target = min(reached, max(target, reached - rng.randint(0, 2), 1))
                else:  # beyond reach, by two or more where the township has that many rooms
                    target = max(target, min(len(own), reached + rng.randint(2, 4)))
                targets.append(StandardizedRoomTarget(organization=township, year=year, target=target))
        return targets

    # --- two reports, two comments, and financial disclosures ------------------------------------

    def reviews(self) -> list[dict]:
        rng, today = self.rng("reviews"), self.today
        previous, _current = demo_years(today)
        records = []
        for branch in self.rural:
            roll = max(1, self.roll_counts.get(branch.pk, 1))
            missed = rng.random() < REPORT_MISSED_SHARE
            low = rng.random() < LOW_SATISFACTION_SHARE
            for year in demo_years(today):
                skip = rng.choice(list(REPORT_TOPICS)) if missed and year == previous else None
                records += self.branch_reports(rng, branch, year, roll, skip)
                records += self.branch_reviews(rng, branch, year, roll, low)
        return [record for record in records if record["held_on"] <= today]

    def branch_reports(self, rng, branch, year, roll, skip) -> list[dict]:
        """Reports at mid-year and at the year's end: ``skip`` (a kind) misses its second one."""
        records = []
        for half, (first, last) in (("上半年", (date(year, 6, 20), date(year, 7, 20))),
                                    ("下半年", (date(year, 12, 5), date(year, 12, 28)))):  # fmt: skip
            held = day_between(rng, first, last)
            for kind, topic in REPORT_TOPICS.items():
                if kind == skip and half == "下半年":
                    continue
                participants = max(1, round(roll * rng.uniform(0.6, 0.92)))
                records.append(
                    {
                        "organization_id": branch.pk,
                        "kind": kind,
                        "held_on": held + timedelta(days=rng.randint(0, 2)),
                        "topic": topic.format(year=year, half=half),
                        "participants": participants,
                        "summary": rng.choice(REPORT_SUMMARIES).format(n=rng.randint(2, 12)),
                    }
                )
        return records

    def branch_reviews(self, rng, branch, year, roll, low) -> list[dict]:
        """Early in the year, the members and the village representatives review the two committees'
        cadres on the year before."""
        held = day_between(rng, date(year, 1, 8), date(year, 2, 25))
        representatives = max(15, min(60, (branch.households or 450) // 15))
        records = []
        for kind, participants in (
            (ReviewKind.MEMBER_REVIEW, max(1, round(roll * rng.uniform(0.72, 0.95)))),
            (ReviewKind.REPRESENTATIVE_REVIEW, round(representatives * rng.uniform(0.8, 1.0))),
        ):
            poor = low and kind == ReviewKind.MEMBER_REVIEW and participants >= 5
            share = rng.uniform(0.42, 0.58) if poor else rng.uniform(0.82, 0.99)
            satisfied = min(participants, round(participants * share))
            rate = round(100 * satisfied / participants, 1)
            summary = (LOW_REVIEW_SUMMARY if poor else REVIEW_SUMMARY).format(
                participants=participants, satisfied=satisfied, rate=rate
            )
            records.append(
                {
                    "organization_id": branch.pk,
                    "kind": kind,
                    "held_on": held + timedelta(days=rng.randint(0, 3)),
                    "topic": REVIEW_TOPICS[kind].format(year=year - 1),
                    "participants": participants,
                    "satisfied": satisfied,
                    "summary": summary,
                }
            )
        return records

    def disclosures(self) -> list[dict]:
        """Every half-year of the two years that is over by today, disclosed in its last days or within
        weeks after it; a few villages skip one."""
        rng, today = self.rng("disclosures"), self.today
        halves = [
            (year, period)
            for year in demo_years(today)
            for period in DisclosurePeriod
            if self.half_end(year, period) < today
        ]
        records = []
        for branch in self.rural:
            skipped = rng.choice(halves) if halves and rng.random() < DISCLOSURE_MISSED_SHARE else None
            base = int(branch.collective_income or rng.randint(20, 120) * 1000)
            for year, period in halves:
                end = self.half_end(year, period)
                disclosed = day_between(rng, end - timedelta(days=6), end + timedelta(days=25))
                if (year, period) == skipped or disclosed > today:
                    continue
                income = money(rng, base // 3 + 20000, base // 2 + 60000)
                expenditure = income * Decimal(rng.uniform(0.55, 1.05))
                records.append(
                    {
                        "organization_id": branch.pk,
                        "year": year,
                        "period": int(period),
                        "disclosed_on": disclosed,
                        "income_yuan": income,
                        "expenditure_yuan": expenditure.quantize(Decimal("0.01")),
                        "content": DISCLOSURE_CONTENT.format(year=year, half=HALVES[period]),
                    }
                )
        return records

    @staticmethod
    def half_end(year: int, period: int) -> date:
        return date(year, 6, 30) if period == DisclosurePeriod.FIRST_HALF else date(year, 12, 31)


def create_demo_records(
    *, actor, tree: DemoTree, seed: int, today: date, roll_counts: dict[int, int]
) -> RecordCounts:
    """Rooms, investments, targets, reports and reviews, disclosures; one history row each.
    ``roll_counts``: branch pk -> members on the roll today (the size of the reviews)."""
    builder = RecordBuilder(tree=tree, seed=seed, today=today, roll_counts=roll_counts)
    rooms, investments = builder.rooms()
    rooms = bulk_create_with_history(rooms, ActivityRoom, batch_size=BATCH_SIZE, default_user=actor)
    for index, investment in investments:
        investment.room = rooms[index]
    money_rows = [investment for _index, investment in investments]
    bulk_create_with_history(money_rows, RoomInvestment, batch_size=BATCH_SIZE, default_user=actor)
    targets = builder.targets(rooms)
    bulk_create_with_history(targets, StandardizedRoomTarget, batch_size=BATCH_SIZE, default_user=actor)
    reviews = insert_with_history(ReviewRecord, builder.reviews(), actor=actor)
    disclosures = insert_with_history(FinancialDisclosure, builder.disclosures(), actor=actor)
    return RecordCounts(
        rooms=len(rooms),
        standardized=sum(room.is_standardized for room in rooms),
        investments=len(money_rows),
        targets=len(targets),
        reviews=len(reviews),
        disclosures=len(disclosures),
    )
