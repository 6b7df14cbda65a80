"""Hypothesis strategies for the quota oracle: small random datasets around the edges docs/quotas.md names.

``plans(case)`` draws a plain-data ``Plan`` (no database: it prints readably when an example fails and shrinks
well); ``build(plan)`` writes it to the test database with bulk inserts and returns the rows. Every date is
drawn around the year's boundaries (1 Jan / 31 Dec of Y-2 … Y, 1 Jan of Y+1) and around ``ref`` (the day
before, the day, the day after), and never after ``today`` — records dated in the future are not valid data.
Ages are drawn around 25 and 35 at joining and 35 on ``ref``, with 29 February births.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from hypothesis import strategies as st

from assessments.models import QuotaPolicy
from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import Organization
from branches.models import ReviewRecord
from branches.models import StandardizedRoomTarget
from members import idnumbers
from members.models import Cadre
from members.models import ContactPoint
from members.models import DuesBase
from members.models import DuesPayment
from members.models import Meeting
from members.models import Member
from members.models import MemberEvent
from members.models import ReserveCadre
from members.models import StudyRecord
from members.models import Training
from members.models import VisitLog
from tests.utils.factories_dues import farmer_base_row
from tests.utils.factories_dues import paid_row

ONE_DAY = dt.timedelta(days=1)
# Class hours around the 32 / 56 a year (a training without hours counts 8 a day), and days of a training.
TRAINING_HOURS = (None, None, None, 0, 4, 8, 24, 31, 32, 55, 56)
TRAINING_DAYS = ("0.5", "1", "1.5", "3", "4", "7")
# When a month's dues were paid: ahead of the month, on its first day, on its last, the day after it, later.
PAID_WHEN = ("ahead", "first", "last", "last", "next_day", "late")


@dataclass(frozen=True)
class Case:
    """A year and the day the run is made."""

    name: str
    year: int
    today: dt.date

    @property
    def ref(self) -> dt.date:
        return min(self.today, dt.date(self.year, 12, 31))


CASES = {
    case.name: case
    for case in (
        Case("past_year", 2022, dt.date(2024, 3, 10)),  # today in a later year: ref = 31 Dec
        Case("mid_year", 2023, dt.date(2023, 8, 15)),  # current year, two quarters completed
        Case("on_y1", 2024, dt.date(2024, 12, 31)),  # current (leap) year, its last day
        Case("on_y0", 2025, dt.date(2025, 1, 1)),  # current year, its first day: nothing elapsed but today
    )
}

LEVEL_BY_KIND = {
    "county_committee": "county",
    "township_committee": "township",
    "street_committee": "township",
    "general_branch": "village",
    "branch": "village",
    "joint_branch": "village",
}
BRANCH_KINDS = ("branch", "joint_branch", "general_branch")
FIELDS = ("village", "village", "community", "institution", "school", "private_enterprise")
TWO_COMMITTEE = (
    "secretary",
    "deputy_secretary",
    "branch_committee",
    "village_director",
    "village_deputy_director",
    "village_committee",
)
MEMBER_ONLY = {
    "secretary",
    "deputy_secretary",
    "branch_committee",
    "instructor",
    "group_leader",
    "first_secretary",
}
POSTS = (
    "secretary",
    "secretary",
    *TWO_COMMITTEE,
    "instructor",
    "instructor",
    "group_leader",
    "first_secretary",
)
STATUSES = ("normal", "normal", "normal", "lost_contact", "stopped", "left", "deceased", "transferred_out")
EDUCATIONS = ("primary", "junior_high", "senior_high", "junior_college", "bachelor", "postgraduate")
MEETING_KINDS = ("assembly", "committee", "group", "lecture", "theme_day", "life_meeting", "appraisal")
REVIEW_KINDS = ("committee_report", "branch_report", "member_review", "representative_review")
RESERVE_STATUSES = ("in_roster", "in_roster", "promoted", "removed")
# The same three households as people type them: stray spaces, full-width digits, an ideographic space.
HOUSEHOLDS = (
    (("1组", "张三"), (" 1组 ", "张 三"), ("１组", "张三"), ("1组", "张三\u3000")),
    (("1组", "李四"), ("1 组", "李四"), ("１ 组", " 李四")),
    (("2组", "张三"), ("２组", "张三"), ("2组", " 张  三 ")),
)


# --- the plan ----------------------------------------------------------------------------------------------


@dataclass
class OrgSpec:
    kind: str
    field: str
    parent: int | None  # index into Plan.orgs
    dissolved_on: dt.date | None = None


@dataclass
class MemberSpec:
    branch: int
    birth_date: dt.date
    joined_on: dt.date
    education: str
    status: str


@dataclass
class CadreSpec:
    organization: int
    post: str
    member: int | None
    birth_date: dt.date | None
    started_on: dt.date
    ended_on: dt.date | None


@dataclass
class Plan:
    case: Case
    orgs: list[OrgSpec]
    scope: int
    policy: dict | None
    decoy_policy: bool
    members: list[MemberSpec] = field(default_factory=list)
    transfers: list[tuple] = field(default_factory=list)  # (member, from_branch, occurred_on)
    status_changes: list[tuple] = field(default_factory=list)  # (member, from_status, occurred_on)
    cadres: list[CadreSpec] = field(default_factory=list)
    visits: list[tuple] = field(default_factory=list)  # (cadre, household, variant, visited_on)
    # (organizer, held_on, member idxs, cadre idxs, days, class hours or None)
    trainings: list[tuple] = field(default_factory=list)
    dues_bases: list[tuple] = field(default_factory=list)  # (member, year, exempt)
    dues_payments: list[tuple] = field(default_factory=list)  # (member, year, month, when: PAID_WHEN)
    meetings: list[tuple] = field(default_factory=list)  # (organization, kind, held_on)
    studies: list[tuple] = field(default_factory=list)  # (cadre, year, month, sessions, notes, articles)
    reviews: list[tuple] = field(default_factory=list)  # (organization, kind, held_on)
    disclosures: list[tuple] = field(default_factory=list)  # (organization, year, period)
    reserves: list[tuple] = field(default_factory=list)  # (organization, birth, entered_on, status)
    contacts: list[tuple] = field(
        default_factory=list
    )  # (organization, leader, year, lecture, check, activity, days)
    rooms: list[tuple] = field(default_factory=list)  # (organization, standardized_on or None)
    room_targets: list[tuple] = field(default_factory=list)  # (organization, year, target)


def boundary_days(case: Case) -> list[dt.date]:
    y = case.year
    days = [dt.date(yy, m, d) for yy in (y - 2, y - 1, y) for m, d in ((1, 1), (12, 31))]
    days += [dt.date(y + 1, 1, 1), dt.date(y, 2, 28), dt.date(y, 3, 1), dt.date(y, 6, 30)]
    days += [case.ref - ONE_DAY, case.ref, case.ref + ONE_DAY, case.today]
    return sorted({day for day in days if day <= case.today})


def event_days(case: Case):
    """A day something happened: a boundary most of the time, any day of Y-2 … today otherwise."""
    return st.one_of(
        st.sampled_from(boundary_days(case)),
        st.sampled_from(boundary_days(case)),
        st.dates(dt.date(case.year - 2, 1, 1), case.today),
    )


def years_before(day: dt.date, years: int, offset_days: int) -> dt.date:
    """The day ``years`` full years before ``day`` (28 Feb for 29 Feb), moved by ``offset_days``."""
    try:
        earlier = day.replace(year=day.year - years)
    except ValueError:
        earlier = day.replace(year=day.year - years, day=28)
    return earlier + dt.timedelta(days=offset_days)


def birth_around(day: dt.date, ages) -> st.SearchStrategy:
    """A birth date giving an age around ``ages`` on ``day``: the day before / of / after a birthday, or a
    29 February birthday."""
    regular = st.builds(years_before, st.just(day), st.sampled_from(ages), st.sampled_from((-1, 0, 1)))
    leap = st.sampled_from(
        [dt.date(y, 2, 29) for y in range(day.year - max(ages) - 4, day.year - 16) if y % 4 == 0]
    )
    return st.one_of(regular, regular, regular, leap)


@st.composite
def policies(draw):
    small = st.integers(0, 3)
    return {
        "dev_branch_min": draw(small),
        "dev_two_years_none": draw(st.integers(1, 3)),
        "dev_young_share": draw(st.sampled_from(("0", "33.33", "50", "66.67", "70", "100"))),
        "dev_educated_share": draw(st.sampled_from(("0", "33.33", "50", "66.67", "100"))),
        "dev_under_25": draw(small),
        "train_per_level": draw(st.integers(0, 4)),
        "train_secretary": draw(small),
        "train_rotation": draw(st.sampled_from(("0", "33.33", "50", "66.67", "100"))),
        "train_rotation_cycle_years": draw(st.integers(1, 3)),
        "visit_households": draw(st.integers(1, 3)),
        "study_village_sessions": draw(st.integers(0, 8)),
        "study_village_notes": draw(st.sampled_from((0, 100, 5000))),
        "study_village_articles": draw(small),
        "study_township_notes": draw(st.sampled_from((0, 100, 5000))),
        "study_township_articles": draw(small),
        **{f"meet_{kind}": draw(st.integers(0, 4)) for kind in MEETING_KINDS},
        "review_committee_reports": draw(small),
        "review_branch_reports": draw(small),
        "review_democratic": draw(small),
        "review_disclosures": draw(small),
        "reserve_young": draw(small),
        "reserve_team_young": draw(small),
        "contact_days": draw(st.sampled_from((0, 5, 90))),
        "dues_on_time": draw(st.sampled_from(("0", "50", "66.67", "95", "100"))),
        "train_member_hours": draw(st.sampled_from((0, 8, 31, 32))),
        "train_cadre_hours": draw(st.sampled_from((0, 12, 55, 56))),
        "train_hours_share": draw(st.sampled_from(("0", "50", "100"))),
    }


@st.composite
def plans(draw, case: Case) -> Plan:
    ref = case.ref
    days = event_days(case)
    dissolved = st.sampled_from((None, None, None, None, ref - ONE_DAY, ref, ref + ONE_DAY))

    # -- the tree: county 0, townships, branches; then a foreign county with one village ------------------
    orgs = [OrgSpec("county_committee", "", None)]
    townships = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("township_committee", "township_committee", "street_committee")))
        townships.append(len(orgs))
        orgs.append(OrgSpec(kind, "", 0, draw(st.sampled_from((None, None, None, None, None, ref)))))
    for township in townships:
        for _ in range(draw(st.integers(0, 4))):
            orgs.append(OrgSpec(draw(st.sampled_from(BRANCH_KINDS)), draw(st.sampled_from(FIELDS)), township))
            orgs[-1].dissolved_on = draw(dissolved)
            if orgs[-1].kind == "general_branch" and draw(st.booleans()):
                parent = len(orgs) - 1
                orgs.append(OrgSpec("branch", draw(st.sampled_from(FIELDS)), parent, draw(dissolved)))
    if draw(st.booleans()):
        orgs.append(OrgSpec("branch", "institution", 0))
    foreign = len(orgs)
    orgs += [
        OrgSpec("county_committee", "", None),
        OrgSpec("township_committee", "", foreign),
        OrgSpec("branch", "village", foreign + 1),
    ]
    branches = [i for i, org in enumerate(orgs) if org.kind in BRANCH_KINDS]
    home_branches = [i for i in branches if i < foreign]
    rural = (
        [i for i in home_branches if orgs[i].field in ("village", "community")] or home_branches or branches
    )
    all_orgs = list(range(len(orgs)))

    scope = draw(st.sampled_from([0] * 6 + townships + (home_branches[:1] or [0])))
    plan = Plan(
        case=case,
        orgs=orgs,
        scope=scope,
        policy=draw(st.one_of(st.none(), policies(), policies())),
        decoy_policy=draw(st.booleans()),
    )

    # -- members: joined around the boundaries, aged around 25 / 35 when they joined ----------------------
    # At most 24 members, hence fewer than 32 admissions or members behind any share (see quota_oracle).
    old_day = dt.date(2001, 7, 1)
    for _ in range(draw(st.integers(0, 24))):
        joined = draw(st.one_of(days, days, st.just(old_day)))
        plan.members.append(
            MemberSpec(
                branch=draw(st.sampled_from(branches)),
                birth_date=draw(birth_around(joined, (18, 24, 25, 26, 34, 35, 36, 50))),
                joined_on=joined,
                education=draw(st.sampled_from(EDUCATIONS)),
                status=draw(st.sampled_from(STATUSES)),
            )
        )
    people = list(range(len(plan.members)))
    if people:
        # Before, on and after ref (the roll is the one of that day), a member's several moves at times.
        plan.transfers = draw(
            st.lists(st.tuples(st.sampled_from(people), st.sampled_from(branches), days), max_size=6)
        )
        plan.status_changes = draw(
            st.lists(st.tuples(st.sampled_from(people), st.sampled_from(STATUSES), days), max_size=6)
        )

    # -- cadre posts, their terms starting / ending around ref ---------------------------------------------
    ends = st.one_of(st.sampled_from((None, None, ref - ONE_DAY, ref, ref + ONE_DAY)), days)
    for _ in range(draw(st.integers(0, 12))):
        post = draw(st.sampled_from(POSTS))
        organization = draw(st.sampled_from(rural + branches))
        member_posts = [c for c in plan.cadres if c.member is not None]
        if member_posts and draw(st.integers(0, 2)) == 0:
            # Another post of someone who holds one already (一肩挑, a succession, a second instructor post),
            # mostly at the same branch.
            earlier = draw(st.sampled_from(member_posts))
            member, birth = earlier.member, None
            organization = draw(st.sampled_from((earlier.organization, earlier.organization, organization)))
        elif post in MEMBER_ONLY or (people and draw(st.booleans())):
            if not people:
                post = "village_committee"
                member, birth = None, draw(st.one_of(birth_around(ref, (30, 34, 35, 36, 60)), st.none()))
            else:
                member, birth = draw(st.sampled_from(people)), None
        else:
            member, birth = None, draw(st.one_of(birth_around(ref, (30, 34, 35, 36, 60)), st.none()))
        started = draw(st.one_of(st.sampled_from((ref - ONE_DAY, ref)), days))
        ended = draw(ends)
        if ended is not None and ended < started:
            ended = started
        plan.cadres.append(CadreSpec(organization, post, member, birth, started, ended))
    posts = list(range(len(plan.cadres)))
    if posts:
        plan.visits = draw(
            st.lists(
                st.tuples(st.sampled_from(posts), st.integers(0, 2), st.integers(0, 3), days),
                max_size=16,
            )
        )
        plan.studies = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(posts),
                    st.sampled_from((case.year - 1, case.year, case.year)),
                    st.integers(1, 12),
                    st.integers(0, 6),
                    st.sampled_from((0, 50, 2500, 5000)),
                    st.integers(0, 2),
                ),
                max_size=8,
            )
        )

    # -- activities ---------------------------------------------------------------------------------------
    plan.trainings = draw(
        st.lists(
            st.tuples(
                st.sampled_from(all_orgs),
                days,
                st.lists(st.sampled_from(people), unique=True, max_size=4) if people else st.just([]),
                st.lists(st.sampled_from(posts), unique=True, max_size=3) if posts else st.just([]),
                st.sampled_from(TRAINING_DAYS),
                st.sampled_from(TRAINING_HOURS),
            ),
            max_size=7,
        )
    )
    if people:
        # Dues bases of Y for at most two members (so fewer than 32 member-months behind a share, see
        # quota_oracle), some exempt; a base of Y-1 that must not be read; each month of Y paid or not.
        payers = draw(st.lists(st.sampled_from(people), unique=True, max_size=2))
        plan.dues_bases = [(m, case.year, draw(st.sampled_from((False, False, False, True)))) for m in payers]
        decoy = [m for m in draw(st.lists(st.sampled_from(people), max_size=1)) if m not in payers]
        plan.dues_bases += [(m, case.year - 1, False) for m in decoy]
        for m in payers + decoy:
            whens = draw(st.lists(st.sampled_from((None, *PAID_WHEN)), min_size=12, max_size=12))
            plan.dues_payments += [
                (m, case.year, month, when) for month, when in enumerate(whens, start=1) if when
            ]
    plan.meetings = draw(
        st.lists(st.tuples(st.sampled_from(branches), st.sampled_from(MEETING_KINDS), days), max_size=10)
    )
    plan.reviews = draw(
        st.lists(st.tuples(st.sampled_from(rural), st.sampled_from(REVIEW_KINDS), days), max_size=6)
    )
    plan.disclosures = draw(
        st.lists(
            st.tuples(
                st.sampled_from(rural), st.sampled_from((case.year - 1, case.year)), st.sampled_from((1, 2))
            ),
            max_size=4,
        )
    )
    plan.reserves = draw(
        st.lists(
            st.tuples(
                st.sampled_from(rural),
                birth_around(ref, (34, 35, 36)),
                st.one_of(st.sampled_from((ref - ONE_DAY, ref, ref + ONE_DAY)), days),
                st.sampled_from(RESERVE_STATUSES),
            ),
            max_size=5,
        )
    )
    if people:
        maybe_day = st.one_of(st.none(), st.just(ref))
        plan.contacts = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(rural),
                    st.sampled_from(people),
                    st.sampled_from((case.year, case.year, case.year - 1)),
                    maybe_day,
                    maybe_day,
                    maybe_day,
                    st.sampled_from((0, 4, 5, 89, 90, 120)),
                ),
                max_size=4,
            )
        )
    rooms_on = [dt.date(case.year, 12, 31), dt.date(case.year + 1, 1, 1), dt.date(case.year - 1, 6, 1)]
    plan.rooms = draw(
        st.lists(
            st.tuples(
                st.sampled_from(all_orgs),
                st.one_of(st.none(), st.sampled_from([d for d in rooms_on if d <= case.today]), days),
            ),
            max_size=6,
        )
    )
    plan.room_targets = draw(
        st.lists(
            st.tuples(
                st.sampled_from(townships + [foreign + 1]),
                st.sampled_from((case.year, case.year, case.year - 1)),
                st.integers(0, 3),
            ),
            max_size=3,
        )
    )
    return plan


# --- writing a plan to the database --------------------------------------------------------------------


@dataclass
class Built:
    plan: Plan
    orgs: list[Organization]
    members: list[Member]
    cadres: list[Cadre]

    @property
    def scope(self) -> Organization:
        return self.orgs[self.plan.scope]


_serial = iter(range(10**9))


def create_org(kind: str, field: str = "", parent: Organization | None = None, dissolved_on=None, name=None):
    """An organization with its materialized path, as the services build it."""
    code = f"Q{next(_serial)}"
    org = Organization.objects.create(
        name=name or code,
        code=code,
        kind=kind,
        field=field,
        parent=parent,
        dissolved_on=dissolved_on,
        path=code,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    Organization.objects.filter(pk=org.pk).update(path=org.path)
    return org


def township_training(township: Organization, held_on: dt.date) -> Training:
    """A one-day training for members that ``township`` organizes: one toward its per-level target."""
    return Training.objects.create(
        organizer=township, level="township", audience="members", held_on=held_on, days=1, topic="t"
    )


def member_row(branch: Organization, birth_date: dt.date, joined_on: dt.date, **extra) -> Member:
    """An unsaved member with a valid, unique ID number."""
    n = next(_serial)
    fields = {
        "name": f"党员{n}",
        "gender": "male",
        "id_number": idnumbers.build(f"{130100 + n // 1000 % 900:06d}", birth_date, n % 1000),
        "birth_date": birth_date,
        "education": "junior_high",
        "category": "full",
        "branch": branch,
        "joined_on": joined_on,
        "confirmed_on": joined_on,
        "occupation": "farmer",
        "status": "normal",
    }
    fields.update(extra)
    return Member(**fields)


def held_by(cadre: Cadre) -> dict:
    """The fields naming who keeps a cadre's record: the cadre and the cadre's organization."""
    return {"cadre": cadre, "organization": cadre.organization}


def in_year(day: dt.date | None, year: int) -> dt.date | None:
    """The same day of the contact year (contact dates fall within it)."""
    return day.replace(year=year, day=min(day.day, 28)) if day else None


def build(plan: Plan) -> Built:
    case = plan.case
    orgs: list[Organization] = []
    for spec in plan.orgs:
        parent = orgs[spec.parent] if spec.parent is not None else None
        orgs.append(create_org(spec.kind, spec.field, parent, spec.dissolved_on))

    if plan.policy is not None:
        QuotaPolicy.objects.create(county=orgs[0], year=case.year, **plan.policy)
    if plan.decoy_policy:  # another year's and another county's policies must not be read
        QuotaPolicy.objects.create(county=orgs[0], year=case.year - 1, visit_households=1, meet_assembly=0)
        foreign = next(i for i, spec in enumerate(plan.orgs) if i and spec.kind == "county_committee")
        QuotaPolicy.objects.create(county=orgs[foreign], year=case.year, visit_households=1, meet_assembly=0)

    members = Member.objects.bulk_create(
        [
            member_row(orgs[m.branch], m.birth_date, m.joined_on, education=m.education, status=m.status)
            for m in plan.members
        ]
    )
    MemberEvent.objects.bulk_create(
        [
            MemberEvent(
                member=members[m],
                kind="transfer",
                occurred_on=day,
                from_branch=orgs[source],
                to_branch=members[m].branch,
            )
            for m, source, day in plan.transfers
        ]
        + [
            MemberEvent(
                member=members[m],
                kind="status_change",
                occurred_on=day,
                from_status=status,
                to_status=members[m].status,
            )
            for m, status, day in plan.status_changes
        ]
    )
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                organization=orgs[c.organization],
                post=c.post,
                member=members[c.member] if c.member is not None else None,
                name=f"干部{i}",
                birth_date=c.birth_date,
                started_on=c.started_on,
                ended_on=c.ended_on,
                sending_unit="县直单位" if c.post == "first_secretary" else "",
            )
            for i, c in enumerate(plan.cadres)
        ]
    )
    visits = []
    for cadre, household, variant, day in plan.visits:
        variants = HOUSEHOLDS[household]
        group, name = variants[variant % len(variants)]
        group, name = group.strip(), name.strip()
        visits.append(
            VisitLog(
                **held_by(cadres[cadre]),
                household_name=name,
                village_group=group,
                household_key=VisitLog.key_for(group, name),
                visited_on=day,
            )
        )
    VisitLog.objects.bulk_create(visits)
    seen = set()
    studies = []
    for cadre, year, month, sessions, notes, articles in plan.studies:
        if (cadre, year, month) in seen:
            continue
        seen.add((cadre, year, month))
        studies.append(
            StudyRecord(
                **held_by(cadres[cadre]),
                year=year,
                month=month,
                sessions=sessions,
                note_characters=notes,
                articles=articles,
            )
        )
    StudyRecord.objects.bulk_create(studies)

    trainings = Training.objects.bulk_create(
        [
            Training(
                organizer=orgs[organizer],
                level=LEVEL_BY_KIND[orgs[organizer].kind],
                audience="members",
                held_on=day,
                days=Decimal(days),
                hours=hours,
                topic=f"培训{i}",
            )
            for i, (organizer, day, _m, _c, days, hours) in enumerate(plan.trainings)
        ]
    )
    Training.member_attendees.through.objects.bulk_create(
        [
            Training.member_attendees.through(training_id=training.id, member_id=members[m].id)
            for training, (_o, _d, attendees, _c, _days, _h) in zip(trainings, plan.trainings, strict=True)
            for m in attendees
        ]
    )
    Training.cadre_attendees.through.objects.bulk_create(
        [
            Training.cadre_attendees.through(training_id=training.id, cadre_id=cadres[c].id)
            for training, (_o, _d, _m, attendees, _days, _h) in zip(trainings, plan.trainings, strict=True)
            for c in attendees
        ]
    )
    Meeting.objects.bulk_create(
        [
            Meeting(organization=orgs[o], kind=kind, held_on=day, topic="会议")
            for o, kind, day in plan.meetings
        ]
    )
    ReviewRecord.objects.bulk_create(
        [
            ReviewRecord(organization=orgs[o], kind=kind, held_on=day, topic="述职")
            for o, kind, day in plan.reviews
        ]
    )
    FinancialDisclosure.objects.bulk_create(
        [
            FinancialDisclosure(
                organization=orgs[o],
                year=year,
                period=period,
                disclosed_on=min(case.today, dt.date(year, 6 * period, 28)),
            )
            for o, year, period in dict.fromkeys(plan.disclosures)
        ]
    )
    ReserveCadre.objects.bulk_create(
        [
            ReserveCadre(
                organization=orgs[o],
                name=f"后备{i}",
                gender="male",
                birth_date=birth,
                education="senior_high",
                political_status="masses",
                source="graduate",
                entered_on=entered,
                status=status,
                promoted_post="village_committee" if status == "promoted" else "",
                promoted_on=entered if status == "promoted" else None,
                removed_on=entered if status == "removed" else None,
                removed_reason="外出" if status == "removed" else "",
            )
            for i, (o, birth, entered, status) in enumerate(plan.reserves)
        ]
    )
    seen = set()
    contacts = []
    for o, leader, year, lecture, check, activity, days_spent in plan.contacts:
        if (o, leader, year) in seen:
            continue
        seen.add((o, leader, year))
        contacts.append(
            ContactPoint(
                leader=members[leader],
                organization=orgs[o],
                year=year,
                lecture_on=in_year(lecture, year),
                check_on=in_year(check, year),
                activity_on=in_year(activity, year),
                days_spent=days_spent,
            )
        )
    ContactPoint.objects.bulk_create(contacts)
    ActivityRoom.objects.bulk_create(
        [
            ActivityRoom(
                organization=orgs[o],
                name=f"活动室{i}",
                area_m2=80,
                is_standardized=day is not None,
                standardized_on=day,
            )
            for i, (o, day) in enumerate(plan.rooms)
        ]
    )
    targets = {(o, year): target for o, year, target in plan.room_targets}
    StandardizedRoomTarget.objects.bulk_create(
        [
            StandardizedRoomTarget(organization=orgs[o], year=year, target=t)
            for (o, year), t in targets.items()
        ]
    )
    DuesBase.objects.bulk_create(
        [farmer_base_row(members[m], year, exempt=exempt) for m, year, exempt in plan.dues_bases]
    )
    payments = []
    for m, year, month, when in plan.dues_payments:
        paid_on = paid_day(year, month, when)
        if paid_on <= case.today:  # nothing is recorded as paid in the future
            payments.append(paid_row(members[m], dt.date(year, month, 1), paid_on))
    DuesPayment.objects.bulk_create(payments)
    return Built(plan=plan, orgs=orgs, members=members, cadres=cadres)


def paid_day(year: int, month: int, when: str) -> dt.date:
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return {
        "ahead": first - dt.timedelta(days=10),
        "first": first,
        "last": last,
        "next_day": last + ONE_DAY,
        "late": last + dt.timedelta(days=45),
    }[when]
