"""The quota engine equals the naive oracle (``quota_oracle.py``, straight from ``docs/quotas.md``)
on many small random datasets, and both give the hand-computed answer on the edge cases the issue names:
an empty branch, joining on 31 Dec / 1 Jan, a household visited twice, a transferred member, a secretary's
term ending the day before ``ref``, and ages 35 / 36 on ``ref``."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from assessments.models import QuotaPolicy
from assessments.models import QuotaRun
from assessments.quota.engine import run_quota
from assessments.selectors.quotas import published_alerts
from assessments.selectors.quotas import published_results
from branches.models import Organization
from members.models import Cadre
from members.models import Member
from members.models import MemberEvent
from members.models import ReserveCadre
from members.models import StudyRecord
from members.models import Training
from members.models import VisitLog
from tests.conftest import examples
from tests.utils.factories_dues import farmer_base_row
from tests.utils.factories_dues import paid_row

from .quota_oracle import dec
from .quota_oracle import oracle
from .strategies import CASES
from .strategies import Case
from .strategies import build
from .strategies import create_org
from .strategies import member_row
from .strategies import plans
from .strategies import township_training

pytestmark = pytest.mark.django_db

# Replayed from fixed seeds in ``make test``; ``make fuzz`` draws ten times as many fresh ones.
EXAMPLES_PER_CASE = examples(25)


# --- comparing the engine with the oracle ---------------------------------------------------------------


def engine_view(scope: Organization, year: int):
    results, duplicates = {}, []
    for row in published_results(year=year, organization=scope):
        key = (row.organization_id, row.code)
        if key in results:
            duplicates.append(key)
        results[key] = (dec(row.target), dec(row.actual), row.met, row.detail)
    alerts = [
        (a.organization_id, a.kind, a.cadre_id) for a in published_alerts(year=year, organization=scope)
    ]
    return results, set(alerts), duplicates, len(alerts) - len(set(alerts))


def mismatches(scope: Organization, year: int, today: dt.date) -> list[str]:
    """Run the engine on ``scope`` and list every difference from the oracle, one readable line each."""
    run_quota(QuotaRun.objects.create(organization=scope, year=year), today=today)
    expected, expected_alerts = oracle(scope_org=scope, year=year, today=today)
    got, got_alerts, duplicates, duplicate_alerts = engine_view(scope, year)
    orgs = {org.id: org for org in Organization.objects.all()}

    def label(org_id):
        org = orgs.get(org_id)
        return f"{org.kind}/{org.field or '-'}#{org_id}" if org else f"#{org_id}"

    lines = [f"duplicate result {label(o)} {code}" for o, code in duplicates]
    if duplicate_alerts:
        lines.append(f"{duplicate_alerts} duplicate alert(s)")
    for key in sorted(expected.keys() | got.keys(), key=lambda k: (k[1], k[0])):
        org_id, code = key
        if key not in got:
            lines.append(f"missing in engine: {label(org_id)} {code} oracle={expected[key][:3]}")
        elif key not in expected:
            lines.append(f"extra in engine: {label(org_id)} {code} engine={got[key][:3]}")
        else:
            want, have = expected[key], got[key]
            if want[:3] != have[:3]:
                lines.append(
                    f"{label(org_id)} {code}: (target, actual, met) oracle={want[:3]} engine={have[:3]}"
                    f" engine detail={have[3]}"
                )
            for name, value in want[3].items():
                if have[3].get(name) != value:
                    lines.append(f"{label(org_id)} {code}: detail {name} oracle={value!r} engine={have[3]!r}")
    for org_id, kind, cadre in sorted(expected_alerts - got_alerts, key=str):
        lines.append(f"alert missing in engine: {label(org_id)} {kind} cadre={cadre}")
    for org_id, kind, cadre in sorted(got_alerts - expected_alerts, key=str):
        lines.append(f"alert extra in engine: {label(org_id)} {kind} cadre={cadre}")
    return lines


def assert_engine_agrees(scope: Organization, year: int, today: dt.date):
    problems = mismatches(scope, year, today)
    assert not problems, "engine ≠ oracle:\n" + "\n".join(problems)


# --- the property ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
@settings(
    max_examples=EXAMPLES_PER_CASE,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_engine_equals_oracle(case: Case, data):
    plan = data.draw(plans(case), label="plan")
    with transaction.atomic():  # each example starts from a clean database: roll its rows back
        built = build(plan)
        assert_engine_agrees(built.scope, case.year, case.today)
        transaction.set_rollback(True)


# --- the named edge cases, computed by hand -------------------------------------------------------------

PAST = CASES["past_year"]  # Y = 2022, today 2024-03-10: ref = 2022-12-31
Y = PAST.year


@pytest.fixture
def tree():
    county = create_org("county_committee")
    township = create_org("township_committee", parent=county)
    return county, township


def cadre_since_2020(branch, post: str, name: str, **extra) -> Cadre:
    """A cadre ``name`` without a member record, holding ``post`` in ``branch`` since 1 Jan 2020."""
    return Cadre.objects.create(
        organization=branch, post=post, name=name, started_on=dt.date(2020, 1, 1), **extra
    )


def results_of(scope, case=PAST):
    return oracle(scope_org=scope, year=case.year, today=case.today)


def test_empty_branch(tree):
    county, township = tree
    branch = create_org("branch", "village", township)
    results, alerts = results_of(county)
    row = {
        code: results[(branch.id, code)] for code in ("dev.branch_min", "train.rotation", "visit.households")
    }
    assert row["dev.branch_min"][:3] == (Decimal("1.00"), Decimal("0.00"), False)
    assert row["train.rotation"][:3] == (Decimal("100.00"), None, None)
    assert row["visit.households"][:3] == (Decimal("0.00"), Decimal("0.00"), None)
    assert results[(branch.id, "train.secretary")] == (
        Decimal("1.00"),
        Decimal("0.00"),
        False,
        {"vacant": True},
    )
    assert (branch.id, "contact.visit") not in results
    assert results[(township.id, "dev.young_share")] == (Decimal("70.00"), None, None, {"admissions": 0})
    assert results[(county.id, "rollup.dev.branch_min")][:3] == (Decimal("1.00"), Decimal("0.00"), False)
    assert (county.id, "rollup.train.rotation") not in results  # no branch with a non-null met: no row
    assert alerts == {
        (branch.id, "dev.two_years_none", None),
        (branch.id, "reserve.young", None),
        (branch.id, "train.per_level", None),
        (branch.id, "org.members_few", None),  # no full member, no secretary (docs/terms.md)
        (branch.id, "org.secretary", None),
        (township.id, "train.per_level", None),
        (county.id, "train.per_level", None),
    }
    assert_engine_agrees(county, Y, PAST.today)


def test_joining_on_31_december_counts_for_the_year_1_january_not(tree):
    county, township = tree
    branch = create_org("branch", "village", township)
    born = dt.date(1990, 5, 5)
    for joined in (dt.date(Y, 12, 31), dt.date(Y + 1, 1, 1), dt.date(Y, 1, 1), dt.date(Y - 1, 12, 31)):
        member_row(branch, born, joined, education="bachelor").save()
    results, _alerts = results_of(county)
    assert results[(branch.id, "dev.branch_min")][1] == Decimal(2)
    assert results[(township.id, "dev.young_share")][1] == Decimal(100)
    assert results[(township.id, "dev.educated_share")][1] == Decimal(100)
    assert_engine_agrees(county, Y, PAST.today)


def test_household_visited_twice_counts_once(tree):
    county, township = tree
    branch = create_org("branch", "village", township)
    QuotaPolicy.objects.create(county=county, year=Y, visit_households=3)
    post = cadre_since_2020(branch, "village_committee", "甲", birth_date=dt.date(1980, 1, 1))
    for group, name, day in (
        ("1组", "张三", dt.date(Y, 3, 1)),
        ("１组", "张 三", dt.date(Y, 9, 1)),  # the same household, typed differently
        ("1组", "李四", dt.date(Y, 9, 2)),
        ("1组", "王五", dt.date(Y - 1, 12, 31)),  # last year's
    ):
        VisitLog.objects.create(
            cadre=post,
            organization=branch,
            household_name=name,
            village_group=group,
            household_key=VisitLog.key_for(group, name),
            visited_on=day,
        )
    results, _alerts = results_of(county)
    assert results[(branch.id, "visit.households")][:3] == (Decimal(1), Decimal(0), False)  # 2 households < 3
    QuotaPolicy.objects.filter(county=county, year=Y).update(visit_households=2)
    results, _alerts = results_of(county)
    assert results[(branch.id, "visit.households")][:3] == (Decimal(1), Decimal(1), True)
    assert_engine_agrees(county, Y, PAST.today)


def test_transferred_member_credited_to_admitting_branch(tree):
    county, township = tree
    admitting = create_org("branch", "village", township)
    middle = create_org("branch", "community", township)
    now = create_org("branch", "village", township)
    member = member_row(now, dt.date(2000, 1, 1), dt.date(Y, 6, 1))
    member.save()
    # Inserted later-first: the earliest by date wins, not the lowest id.
    MemberEvent.objects.create(
        member=member, kind="transfer", occurred_on=dt.date(Y, 11, 1), from_branch=middle, to_branch=now
    )
    MemberEvent.objects.create(
        member=member, kind="transfer", occurred_on=dt.date(Y, 8, 1), from_branch=admitting, to_branch=middle
    )
    results, _alerts = results_of(county)
    assert [results[(b.id, "dev.branch_min")][1] for b in (admitting, middle, now)] == [1, 0, 0]
    assert results[(admitting.id, "dev.under_25")][:4] == (Decimal(1), Decimal(1), True, {"advisory": True})
    assert results[(now.id, "train.rotation")][:3] == (Decimal(100), Decimal(0), False)  # on now's roll
    assert_engine_agrees(county, Y, PAST.today)


def test_transfers_on_the_same_day_the_first_recorded_wins(tree):
    county, township = tree
    first, second, now = (create_org("branch", "village", township) for _ in range(3))
    member = member_row(now, dt.date(2000, 1, 1), dt.date(Y, 6, 1))
    member.save()
    for source in (first, second):
        MemberEvent.objects.create(
            member=member, kind="transfer", occurred_on=dt.date(Y, 8, 1), from_branch=source, to_branch=now
        )
    results, _alerts = results_of(county)
    assert [results[(b.id, "dev.branch_min")][1] for b in (first, second, now)] == [1, 0, 0]
    assert_engine_agrees(county, Y, PAST.today)


def engine_rolls(scope, branches, case=PAST):
    """The engine's roll (train.rotation's detail) of each branch, after it agreed with the oracle."""
    assert_engine_agrees(scope, case.year, case.today)
    rows = published_results(year=case.year, organization=scope).filter(code="train.rotation")
    roll = {row.organization_id: row.detail["roll"] for row in rows}
    return [roll[branch.id] for branch in branches]


def oracle_rolls(scope, branches, case=PAST):
    results, _alerts = results_of(scope, case)
    return [results[(branch.id, "train.rotation")][3]["roll"] for branch in branches]


ONE_DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    "transferred_on, rolls",
    [(PAST.ref - ONE_DAY, [0, 1]), (PAST.ref, [0, 1]), (PAST.ref + ONE_DAY, [1, 0])],
    ids=["day-before-ref", "on-ref", "day-after-ref"],
)
def test_roll_on_ref_counts_a_transferred_member_where_he_was_that_day(tree, transferred_on, rolls):
    """From B to C: on ref he is in C if he moved on or before it (the day of a transfer is the new
    branch's), and in B if he moved after it."""
    county, township = tree
    before, now = (create_org("branch", "village", township) for _ in range(2))
    member = member_row(now, dt.date(1980, 1, 1), dt.date(2005, 7, 1))
    member.save()
    MemberEvent.objects.create(
        member=member, kind="transfer", occurred_on=transferred_on, from_branch=before, to_branch=now
    )
    assert oracle_rolls(county, [before, now]) == rolls
    assert engine_rolls(county, [before, now]) == rolls


def test_roll_on_ref_follows_the_first_transfer_after_it(tree):
    """B → C after ref, then C → D: on ref he was in B, whatever came after (same day: by id)."""
    county, township = tree
    first, second, third = (create_org("branch", "village", township) for _ in range(3))
    member = member_row(third, dt.date(1980, 1, 1), dt.date(2005, 7, 1))
    member.save()
    day = PAST.ref + ONE_DAY
    MemberEvent.objects.create(
        member=member, kind="transfer", occurred_on=day, from_branch=first, to_branch=second
    )
    MemberEvent.objects.create(
        member=member, kind="transfer", occurred_on=day, from_branch=second, to_branch=third
    )
    MemberEvent.objects.create(
        member=member, kind="transfer", occurred_on=PAST.ref, from_branch=third, to_branch=first
    )
    assert oracle_rolls(county, [first, second, third]) == [1, 0, 0]
    assert engine_rolls(county, [first, second, third]) == [1, 0, 0]


@pytest.mark.parametrize(
    "died_on, on_roll",
    [(PAST.ref - ONE_DAY, False), (PAST.ref, False), (PAST.ref + ONE_DAY, True), (PAST.today, True)],
    ids=["day-before-ref", "on-ref", "day-after-ref", "this-year"],
)
def test_member_deceased_after_ref_is_still_on_that_days_roll(tree, died_on, on_roll):
    county, township = tree
    branch = create_org("branch", "village", township)
    member = member_row(branch, dt.date(1940, 1, 1), dt.date(1970, 7, 1), status="deceased")
    member.save()
    MemberEvent.objects.create(
        member=member, kind="status_change", occurred_on=died_on, from_status="normal", to_status="deceased"
    )
    assert oracle_rolls(county, [branch]) == [int(on_roll)]
    assert engine_rolls(county, [branch]) == [int(on_roll)]


def test_status_on_ref_is_the_one_the_first_later_change_left(tree):
    """Lost contact on ref, then normal, then left: on ref he was lost_contact — on the roll."""
    county, township = tree
    branch, other = (create_org("branch", "village", township) for _ in range(2))
    back = member_row(branch, dt.date(1980, 1, 1), dt.date(2005, 7, 1), status="left")
    back.save()
    for day, old, new in ((PAST.ref + ONE_DAY, "lost_contact", "normal"), (PAST.today, "normal", "left")):
        MemberEvent.objects.create(
            member=back, kind="status_change", occurred_on=day, from_status=old, to_status=new
        )
    # Suspended until after ref (now normal), and moved in before it: off both rolls on ref.
    gone = member_row(branch, dt.date(1980, 1, 1), dt.date(2005, 7, 1))
    gone.save()
    MemberEvent.objects.create(
        member=gone, kind="transfer", occurred_on=PAST.ref - ONE_DAY, from_branch=other, to_branch=branch
    )
    MemberEvent.objects.create(
        member=gone,
        kind="status_change",
        occurred_on=PAST.ref + ONE_DAY,
        from_status="stopped",
        to_status="normal",
    )
    assert oracle_rolls(county, [branch, other]) == [1, 0]
    assert engine_rolls(county, [branch, other]) == [1, 0]


@pytest.mark.parametrize(
    "joined_on, on_roll", [(PAST.ref, True), (PAST.ref + ONE_DAY, False)], ids=["on-ref", "after"]
)
def test_member_who_joined_after_ref_is_not_on_its_roll(tree, joined_on, on_roll):
    county, township = tree
    branch = create_org("branch", "village", township)
    member_row(branch, dt.date(1990, 1, 1), joined_on).save()
    assert oracle_rolls(county, [branch]) == [int(on_roll)]
    assert engine_rolls(county, [branch]) == [int(on_roll)]


def test_current_year_roll_is_todays(tree):
    """Mid-year, ref is today: a transfer and a death recorded today already count."""
    case = CASES["mid_year"]
    county, township = tree
    before, now = (create_org("branch", "village", township) for _ in range(2))
    moved = member_row(now, dt.date(1980, 1, 1), dt.date(2005, 7, 1))
    died = member_row(before, dt.date(1940, 1, 1), dt.date(1970, 7, 1), status="deceased")
    Member.objects.bulk_create([moved, died])
    MemberEvent.objects.create(
        member=moved, kind="transfer", occurred_on=case.today, from_branch=before, to_branch=now
    )
    MemberEvent.objects.create(
        member=died, kind="status_change", occurred_on=case.today, from_status="normal", to_status="deceased"
    )
    assert oracle_rolls(county, [before, now], case) == [0, 1]
    assert engine_rolls(county, [before, now], case) == [0, 1]


@pytest.mark.parametrize("ended_on, serving", [(PAST.ref - dt.timedelta(days=1), False), (PAST.ref, True)])
def test_secretary_whose_term_ended_before_ref_is_not_serving(tree, ended_on, serving):
    county, township = tree
    branch = create_org("branch", "village", township)
    member = member_row(branch, dt.date(1970, 1, 1), dt.date(1999, 7, 1))
    member.save()
    Cadre.objects.create(
        organization=branch,
        post="secretary",
        member=member,
        name="书记",
        started_on=dt.date(2018, 1, 1),
        ended_on=ended_on,
    )
    training = Training.objects.create(
        organizer=county,
        level="county",
        audience="secretaries",
        held_on=dt.date(Y, 5, 1),
        days=3,
        topic="轮训",
    )
    training.member_attendees.set([member])  # attended as a member, not as the post
    results, alerts = results_of(county)
    if serving:
        assert results[(branch.id, "train.secretary")][:4] == (Decimal(1), Decimal(1), True, {})
        assert results[(branch.id, "visit.households")][:3] == (Decimal(1), Decimal(0), False)
    else:
        assert results[(branch.id, "train.secretary")][:4] == (
            Decimal(1),
            Decimal(0),
            False,
            {"vacant": True},
        )
        assert results[(branch.id, "visit.households")][:3] == (Decimal(0), Decimal(0), None)
    assert (branch.id, "train.secretary", None) not in alerts
    assert_engine_agrees(county, Y, PAST.today)


@pytest.mark.parametrize("case", [PAST, CASES["mid_year"]], ids=["past_year", "mid_year"])
def test_reserve_aged_35_on_ref_counts_36_not(tree, case):
    county, township = tree
    branch = create_org("branch", "village", township)
    ref = case.ref
    turns_36_on_ref = ref.replace(year=ref.year - 36)
    for birth in (turns_36_on_ref, turns_36_on_ref + dt.timedelta(days=1)):  # 36 on ref; still 35 on ref
        ReserveCadre.objects.create(
            organization=branch,
            name="后备",
            gender="male",
            birth_date=birth,
            education="bachelor",
            political_status="masses",
            source="graduate",
            entered_on=ref,
        )
    results, alerts = results_of(county, case)
    assert results[(branch.id, "reserve.young")][:3] == (Decimal(1), Decimal(1), True)
    assert (branch.id, "reserve.young", None) not in alerts
    assert_engine_agrees(county, case.year, case.today)


def test_current_year_pace_quarters_and_shares_by_hand(tree):
    """Mid-year (15 Aug 2023, two quarters done): pace, overdue meetings, trainings behind, shares."""
    county, township = tree
    case = CASES["mid_year"]
    year, today = case.year, case.today
    branch = create_org("branch", "village", township)
    QuotaPolicy.objects.create(
        county=county, year=year, visit_households=3, meet_assembly=4, train_per_level=2
    )
    person = cadre_since_2020(branch, "village_director", "乙", birth_date=dt.date(1990, 1, 1))
    VisitLog.objects.create(
        cadre=person,
        organization=branch,
        household_name="张三",
        village_group="1组",
        household_key=VisitLog.key_for("1组", "张三"),
        visited_on=dt.date(year, 2, 1),
    )
    for birth, education in (
        (dt.date(1990, 1, 1), "bachelor"),
        (dt.date(1980, 1, 1), "primary"),
        (dt.date(2000, 1, 1), "primary"),
    ):
        member_row(branch, birth, dt.date(year, 3, 1), education=education).save()
    township_training(township, dt.date(year, 4, 1))
    results, alerts = results_of(county, case)
    # 1 household × 365 / 227 days ≈ 1.6 < 3: behind pace.
    assert (branch.id, "visit.pace", person.id) in alerts
    # assemblies 0 < int(4 × 2 / 4) = 2: overdue; trainings: township 1 ≥ int(2 × 2 / 4) = 1, county 0 < 1.
    assert (branch.id, "meet.overdue", None) in alerts
    assert (township.id, "train.per_level", None) not in alerts
    assert (county.id, "train.per_level", None) in alerts
    assert results[(township.id, "dev.young_share")][:3] == (Decimal(70), Decimal("66.67"), False)
    assert results[(county.id, "dev.educated_share")][:3] == (Decimal(50), Decimal("33.33"), False)
    assert results[(branch.id, "reserve.team_young")][:3] == (Decimal(1), Decimal(1), True)  # 33 on ref
    assert today == dt.date(2023, 8, 15)
    assert_engine_agrees(county, year, today)


# --- where the words of docs/quotas.md decide between readings (see the oracle's READING notes) ---------


def test_pace_alert_on_31_december_too():
    """ "only if Y is the current year": 31 Dec is still in it (0 households × 366 / 366 < 50)."""
    case = CASES["on_y1"]
    county = create_org("county_committee")
    branch = create_org("branch", "village", create_org("township_committee", parent=county))
    post = cadre_since_2020(branch, "village_committee", "丙")
    _results, alerts = results_of(county, case)
    assert (branch.id, "visit.pace", post.id) in alerts
    assert_engine_agrees(county, case.year, case.today)


def test_visits_of_all_the_persons_posts_at_the_branch_count():
    """A member's households over "the visits of all their posts at the branch": the post they left in June
    and the one they hold since July."""
    county = create_org("county_committee")
    branch = create_org("branch", "village", create_org("township_committee", parent=county))
    QuotaPolicy.objects.create(county=county, year=Y, visit_households=2)
    member = member_row(branch, dt.date(1980, 1, 1), dt.date(2005, 7, 1))
    member.save()
    common = {"organization": branch, "member": member, "name": "丁"}
    before = Cadre.objects.create(
        post="village_committee", started_on=dt.date(2019, 1, 1), ended_on=dt.date(Y, 6, 30), **common
    )
    now = Cadre.objects.create(post="village_director", started_on=dt.date(Y, 7, 1), **common)
    for post, name, day in ((before, "张三", dt.date(Y, 3, 1)), (now, "李四", dt.date(Y, 9, 1))):
        VisitLog.objects.create(
            cadre=post,
            organization=branch,
            household_name=name,
            village_group="1组",
            household_key=VisitLog.key_for("1组", name),
            visited_on=day,
        )
    results, _alerts = results_of(county)
    assert results[(branch.id, "visit.households")][:3] == (Decimal(1), Decimal(1), True)
    assert_engine_agrees(county, Y, PAST.today)


def test_instructor_notes_over_all_their_instructor_posts():
    """ "summed over year Y (all their instructor posts)": the post held at another township till June too."""
    county = create_org("county_committee")
    here, there = (create_org("township_committee", parent=county) for _ in range(2))
    branch_here, branch_there = create_org("branch", "village", here), create_org("branch", "village", there)
    QuotaPolicy.objects.create(county=county, year=Y, study_township_articles=2)
    member = member_row(branch_here, dt.date(1980, 1, 1), dt.date(2005, 7, 1))
    member.save()
    serving_post = Cadre.objects.create(
        organization=branch_here, post="instructor", member=member, name="戊", started_on=dt.date(Y, 7, 1)
    )
    ended_post = Cadre.objects.create(
        organization=branch_there,
        post="instructor",
        member=member,
        name="戊",
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(Y, 6, 30),
    )
    for post, month in ((ended_post, 3), (serving_post, 9)):
        StudyRecord.objects.create(
            cadre=post, organization=post.organization, year=Y, month=month, articles=1
        )
    results, _alerts = results_of(county)
    assert results[(here.id, "study.township.articles")][:3] == (Decimal(1), Decimal(1), True)
    assert results[(there.id, "study.township.articles")][:3] == (Decimal(0), Decimal(0), None)
    assert_engine_agrees(county, Y, PAST.today)


# --- dues paid on time and class hours of training (docs/quotas.md) --------------------------------------


def engine_row(scope, organization, code, case=PAST):
    """The engine's (target, actual, met, detail) of ``code``, after it agreed with the oracle."""
    assert_engine_agrees(scope, case.year, case.today)
    row = published_results(year=case.year, organization=scope).get(organization=organization, code=code)
    return dec(row.target), dec(row.actual), row.met, row.detail


def trained_member(branch, *, hours=None, days="1", post=None, as_cadre=False, post_ended_on=None):
    """A member of ``branch`` who attended one township training of Y, holding ``post`` if given."""
    member = member_row(branch, dt.date(1980, 1, 1), dt.date(2005, 7, 1))
    member.save()
    cadre = None
    if post:
        cadre = Cadre.objects.create(
            organization=branch,
            post=post,
            member=member,
            name=member.name,
            started_on=dt.date(Y - 1, 1, 1),
            ended_on=post_ended_on,
        )
    training = township_training(branch.parent, dt.date(Y, 6, 1))
    Training.objects.filter(pk=training.pk).update(hours=hours, days=Decimal(days))
    if as_cadre:
        training.cadre_attendees.add(cadre)
    else:
        training.member_attendees.add(member)
    return member


@pytest.mark.parametrize(
    "hours, post, as_cadre, reached",
    [
        (31, None, False, 0),
        (32, None, False, 1),
        (55, "secretary", True, 0),
        (56, "secretary", True, 1),
        (55, "branch_committee", False, 0),
        (56, "deputy_secretary", False, 1),
        (32, "village_director", True, 1),  # not a branch committee post: 32 are enough
    ],
)
def test_class_hours_32_for_members_56_for_branch_committee_members(tree, hours, post, as_cadre, reached):
    """Class hours are whole numbers in the records (members.Training.hours), so 31 / 32 and 55 / 56 are the
    two sides of each boundary."""
    county, township = tree
    branch = create_org("branch", "institution", township)
    trained_member(branch, hours=hours, post=post, as_cadre=as_cadre)
    want = (Decimal(100), Decimal(100 * reached), bool(reached), {"roll": 1, "reached": reached})
    results, _alerts = results_of(county)
    assert results[(branch.id, "train.hours")] == want
    assert engine_row(county, branch, "train.hours")[:3] == want[:3]


def test_a_secretary_whose_term_ended_before_ref_needs_32_hours(tree):
    county, township = tree
    branch = create_org("branch", "village", township)
    trained_member(branch, hours=32, post="secretary", post_ended_on=PAST.ref - ONE_DAY)
    assert engine_row(county, branch, "train.hours")[3]["reached"] == 1


@pytest.mark.parametrize("days, reached", [("3.5", 0), ("4", 1)])
def test_a_training_without_class_hours_counts_8_a_day(tree, days, reached):
    county, township = tree
    branch = create_org("branch", "village", township)
    trained_member(branch, hours=None, days=days)
    assert engine_row(county, branch, "train.hours")[1:3] == (Decimal(100 * reached), bool(reached))


def test_class_hours_of_a_training_attended_twice_count_once_and_last_year_not(tree):
    """As a member and through a post: one training, 20 hours, not 40; last year's 56 hours do not count."""
    county, township = tree
    branch = create_org("branch", "village", township)
    member = trained_member(branch, hours=20, post="group_leader", as_cadre=True)
    Training.objects.get().member_attendees.add(member)
    old = township_training(township, dt.date(Y - 1, 12, 31))
    Training.objects.filter(pk=old.pk).update(hours=56)
    old.member_attendees.add(member)
    QuotaPolicy.objects.create(county=county, year=Y, train_member_hours=20, train_hours_share=100)
    assert engine_row(county, branch, "train.hours")[1:3] == (Decimal(100), True)
    QuotaPolicy.objects.filter(county=county, year=Y).update(train_member_hours=21)
    assert engine_row(county, branch, "train.hours")[1:3] == (Decimal(0), False)


def dues_member(branch, joined_on=dt.date(2005, 7, 1), *, exempt=False, base_year=Y):
    member = member_row(branch, dt.date(1980, 1, 1), joined_on)
    member.save()
    farmer_base_row(member, base_year, exempt=exempt).save()
    return member


def pay(member, month: dt.date, paid_on: dt.date):
    paid_row(member, month, paid_on).save()


def test_dues_paid_by_the_months_last_day_are_on_time_the_day_after_not(tree):
    """Of 12 months due: January paid on 31 January, March ahead on 20 February — on time; February paid on
    1 March — late; the rest unpaid. Exempt members and members without a base for Y are not due."""
    county, township = tree
    branch = create_org("branch", "school", township)
    member = dues_member(branch)
    pay(member, dt.date(Y, 1, 1), dt.date(Y, 1, 31))
    pay(member, dt.date(Y, 2, 1), dt.date(Y, 3, 1))
    pay(member, dt.date(Y, 3, 1), dt.date(Y, 2, 20))
    dues_member(branch, exempt=True)
    dues_member(branch, base_year=Y - 1)
    want = (Decimal("95.00"), Decimal("16.67"), False, {"due": 12, "on_time": 2})
    results, _alerts = results_of(county)
    assert results[(branch.id, "dues.on_time")] == want
    assert engine_row(county, branch, "dues.on_time")[:3] == want[:3]


def test_dues_count_only_the_months_ended_by_ref():
    """15 August 2023: January to July count; August, paid on its first day, does not yet."""
    case = CASES["mid_year"]
    county = create_org("county_committee")
    branch = create_org("branch", "village", create_org("township_committee", parent=county))
    member = dues_member(branch, base_year=case.year)
    for month in range(1, 9):
        pay(member, dt.date(case.year, month, 1), dt.date(case.year, month, 1))
    assert engine_row(county, branch, "dues.on_time", case)[1:] == (
        Decimal(100),
        True,
        {"due": 7, "on_time": 7},
    )


def test_dues_before_a_month_has_ended_do_not_apply():
    case = CASES["on_y0"]  # 1 January: no month has ended
    county = create_org("county_committee")
    branch = create_org("branch", "village", create_org("township_committee", parent=county))
    dues_member(branch, base_year=case.year)
    assert engine_row(county, branch, "dues.on_time", case)[1:3] == (None, None)


def test_dues_are_owed_to_the_branch_of_the_months_first_day(tree):
    """Joined on 2 January: first due in February. Transferred on 15 March: March still in the old branch."""
    county, township = tree
    old, new = (create_org("branch", "village", township) for _ in range(2))
    member = dues_member(new, joined_on=dt.date(Y, 1, 2))
    MemberEvent.objects.create(
        member=member, kind="transfer", occurred_on=dt.date(Y, 3, 15), from_branch=old, to_branch=new
    )
    assert engine_row(county, old, "dues.on_time")[3] == {"due": 2, "on_time": 0}
    assert engine_row(county, new, "dues.on_time")[3] == {"due": 9, "on_time": 0}
