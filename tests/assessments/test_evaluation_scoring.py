"""The examination (考) of the joint evaluation: weighting, renormalization, good rate, grades at their
thresholds, ranks with ties, and the set-based compute that writes the scores."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import GRADE_POINTS
from assessments.models import CycleState
from assessments.models import EvaluationCycle
from assessments.models import EvaluationGrade
from assessments.models import EvaluationLevel
from assessments.models import EvaluationScore
from assessments.models import RaterGroup
from assessments.models import RatingStage
from assessments.services.evaluation_scores import competition_ranks
from assessments.services.evaluation_scores import evaluation_figures
from assessments.services.evaluation_scores import evaluation_scores_compute
from assessments.services.evaluation_scores import examination_score
from assessments.services.evaluation_scores import final_score
from assessments.services.evaluation_scores import grade_for
from branches.models import OrganizationField
from branches.models import OrganizationKind
from branches.scope.querysets import OutOfScope
from members.models import CadrePost
from tests.utils.factories import OrganizationFactory
from tests.utils.factories import StaffRoleFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_evaluation import EvaluationCycleFactory
from tests.utils.factories_evaluation import grade_many
from tests.utils.factories_ratings import StarRatingFactory
from tests.utils.factories_ratings import publish_results

G = EvaluationGrade
D = Decimal


def rules(**changes) -> EvaluationCycle:
    """An unsaved cycle with the default weights and thresholds."""
    return EvaluationCycle(**changes)


# --- the arithmetic -----------------------------------------------------------------------------------------


def test_evaluation_score_weights_each_groups_mean_by_the_group_weight():
    counts = {
        RaterGroup.TOWNSHIP_OFFICIAL: {G.GOOD: 1, G.FAIRLY_GOOD: 1},  # mean 90, weight 40
        RaterGroup.MEMBER_REPRESENTATIVE: {G.AVERAGE: 2},  # mean 60, weight 30
        RaterGroup.MASS_REPRESENTATIVE: {G.POOR: 1, G.GOOD: 1},  # mean 70, weight 30
    }
    score, good_rate, count = evaluation_figures(rules(), counts)
    assert score == D("75.00")  # (90×40 + 60×30 + 70×30) / 100
    assert count == 6
    assert good_rate == D("50.00")  # 好 1 + 较好 1 + 好 1 of 6


def test_a_group_without_grades_drops_out_and_the_others_share_its_weight():
    counts = {
        RaterGroup.TOWNSHIP_OFFICIAL: {G.GOOD: 2},  # 100, weight 40
        RaterGroup.MASS_REPRESENTATIVE: {G.AVERAGE: 1},  # 60, weight 30
        RaterGroup.MEMBER_REPRESENTATIVE: {},
    }
    score, _rate, _count = evaluation_figures(rules(), counts)
    assert score == D("82.86")  # (100×40 + 60×30) / 70 = 82.857…


def test_no_grades_means_no_evaluation_score_and_no_good_rate():
    assert evaluation_figures(rules(), {}) == (None, None, 0)


def test_good_rate_counts_good_and_fairly_good_among_all_groups():
    counts = {
        RaterGroup.TOWNSHIP_OFFICIAL: {G.FAIRLY_GOOD: 1, G.AVERAGE: 1},
        RaterGroup.MASS_REPRESENTATIVE: {G.POOR: 1},
    }
    assert evaluation_figures(rules(), counts)[1] == D("33.33")


def test_examination_weights_quota_and_stars_and_stands_on_what_exists():
    cycle = rules(exam_weight_quota=60, exam_weight_stars=40)
    assert examination_score(cycle, D("80"), D("90")) == D("84.00")
    assert examination_score(cycle, D("80"), None) == D("80.00")
    assert examination_score(cycle, None, D("90")) == D("90.00")
    assert examination_score(cycle, None, None) is None


def test_final_score_is_evaluation_forty_examination_sixty_by_default():
    assert final_score(rules(), D("95"), D("80")) == D("86.00")
    assert final_score(rules(), None, D("80")) == D("80.00")
    assert final_score(rules(), D("95"), None) == D("95.00")
    assert final_score(rules(), None, None) is None


def test_final_score_rounds_half_up_to_two_decimals():
    # 40 × 89.99 + 60 × 89.995 → 89.993 → 89.99
    assert final_score(rules(), D("89.99"), D("89.995")) == D("89.99")
    assert final_score(rules(weight_evaluation=50, weight_examination=50), D("0.01"), D("0")) == D("0.01")


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", G.GOOD),
        ("90", G.GOOD),
        ("89.99", G.FAIRLY_GOOD),
        ("80", G.FAIRLY_GOOD),
        ("79.99", G.AVERAGE),
        ("60", G.AVERAGE),
        ("59.99", G.POOR),
        ("0", G.POOR),
    ],
)
def test_grade_thresholds(score, grade):
    assert grade_for(rules(), D(score)) == grade


def test_grade_thresholds_follow_the_cycle():
    cycle = rules(good_from=95, fairly_good_from=85, average_from=70)
    assert grade_for(cycle, D("94.99")) == G.FAIRLY_GOOD
    assert grade_for(cycle, D("95")) == G.GOOD
    assert grade_for(cycle, D("69.99")) == G.POOR
    assert grade_for(cycle, None) == ""


def test_ranks_are_standard_competition_ranks_with_ties():
    ranks = competition_ranks({"a": D(90), "b": D(95), "c": D(90), "d": D(80), "e": None})
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}


# --- the compute --------------------------------------------------------------------------------------------


def county_with(villages: int, *, townships: int = 1):
    county = OrganizationFactory(kind=OrganizationKind.COUNTY_COMMITTEE, field="")
    made = []
    for _t in range(townships):
        township = OrganizationFactory(kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=county)
        made.append((township, [OrganizationFactory(parent=township) for _ in range(villages)]))
    return county, made


@pytest.mark.django_db
def test_compute_writes_one_row_per_secretary_with_level_township_and_figures(world):
    county, year = world.county, 2025
    cycle = EvaluationCycleFactory(
        county=county,
        year=year,
        opens_on=dt.date(2025, 11, 1),
        statements_due_on=dt.date(2025, 12, 15),
        closes_on=dt.date(2025, 12, 31),
    )
    # a school branch and a village branch under a county-level general branch are not evaluated
    OrganizationFactory(parent=world.township_a, field=OrganizationField.SCHOOL)
    general = OrganizationFactory(kind=OrganizationKind.GENERAL_BRANCH, field="village", parent=county)
    OrganizationFactory(parent=general)
    nested = OrganizationFactory(
        parent=OrganizationFactory(
            kind=OrganizationKind.GENERAL_BRANCH, field="village", parent=world.township_b
        )
    )
    grade_many(cycle, world.branch_a1, RaterGroup.TOWNSHIP_OFFICIAL, [G.GOOD, G.FAIRLY_GOOD])
    grade_many(cycle, world.branch_a1, RaterGroup.MASS_REPRESENTATIVE, [G.AVERAGE])
    publish_results(world.branch_a1, {"a": True, "b": True, "c": False, "d": None}, year=year)
    StarRatingFactory(
        organization=world.branch_a1,
        year=year,
        stage=RatingStage.CONFIRMED,
        leadership=D(18),
        members=D(18),
        mechanism=D(18),
        performance=D(18),
        feedback=D(17),
    )
    CadreFactory(
        organization=world.branch_a1, post=CadrePost.SECRETARY, name="李书记", started_on=dt.date(2020, 1, 1)
    )
    CadreFactory(
        organization=world.branch_a1,
        post=CadrePost.SECRETARY,
        name="前任书记",
        started_on=dt.date(2015, 1, 1),
        ended_on=dt.date(2019, 12, 31),
    )

    rows = evaluation_scores_compute(actor=world.users["county_admin"], cycle=cycle)

    scores = {score.organization_id: score for score in EvaluationScore.objects.filter(cycle=cycle)}
    assert len(rows) == len(scores)
    expected = {
        county.pk: EvaluationLevel.COUNTY,
        world.township_a.pk: EvaluationLevel.TOWNSHIP,
        world.township_b.pk: EvaluationLevel.TOWNSHIP,
        world.branch_a1.pk: EvaluationLevel.VILLAGE,
        world.branch_a2.pk: EvaluationLevel.VILLAGE,
        world.branch_b1.pk: EvaluationLevel.VILLAGE,
        nested.pk: EvaluationLevel.VILLAGE,
        nested.parent_id: EvaluationLevel.VILLAGE,
    }
    assert {pk: score.level for pk, score in scores.items()} == expected
    assert scores[nested.pk].township_id == world.township_b.pk
    assert scores[world.township_a.pk].township_id is None
    a1 = scores[world.branch_a1.pk]
    # evaluation: officials mean 90 (w40), mass 60 (w30) → (3600 + 1800) / 70 = 77.142…
    assert a1.evaluation_score == D("77.14")
    assert a1.good_rate == D("66.67")
    assert a1.grades_count == 3
    assert a1.quota_achievement == D("66.67")  # 2 met of 3 known
    assert a1.star_score == D("89.00")
    assert a1.stars == 4
    assert a1.examination_score == D("77.84")  # (66.67 + 89) / 2 = 77.835
    assert a1.final_score == D("77.56")  # 77.14 × .4 + 77.84 × .6 = 77.56
    assert a1.grade == G.AVERAGE
    assert a1.secretary_name == "李书记"
    assert a1.rank_in_township == 1 and a1.rank_in_county == 1
    empty = scores[world.branch_a2.pk]
    assert empty.final_score is None and empty.grade == "" and empty.rank_in_township is None


@pytest.mark.django_db
def test_compute_ranks_villages_within_their_township_and_the_county_per_level():
    county, townships = county_with(2, townships=2)
    cycle = EvaluationCycleFactory(county=county)
    (t1, (v11, v12)), (t2, (v21, v22)) = townships
    for village, grade in ((v11, G.GOOD), (v12, G.FAIRLY_GOOD), (v21, G.GOOD), (v22, G.POOR)):
        grade_many(cycle, village, RaterGroup.TOWNSHIP_OFFICIAL, [grade])
    grade_many(cycle, t1, RaterGroup.TOWNSHIP_OFFICIAL, [G.AVERAGE])
    grade_many(cycle, t2, RaterGroup.TOWNSHIP_OFFICIAL, [G.GOOD])
    admin = StaffRoleFactory(organization=county, role="county_admin").user
    evaluation_scores_compute(actor=admin, cycle=cycle)
    rank = {
        s.organization_id: (s.rank_in_township, s.rank_in_county)
        for s in EvaluationScore.objects.filter(cycle=cycle)
    }
    assert rank[v11.pk] == (1, 1) and rank[v21.pk] == (1, 1)  # tie at 100 in the county
    assert rank[v12.pk] == (2, 3)
    assert rank[v22.pk] == (2, 4)
    assert rank[t2.pk] == (None, 1) and rank[t1.pk] == (None, 2)
    assert rank[county.pk] == (None, None)  # nobody graded the county secretary


@pytest.mark.django_db
def test_compute_replaces_the_old_set(world):
    cycle = EvaluationCycleFactory(county=world.county)
    admin = world.users["county_admin"]
    evaluation_scores_compute(actor=admin, cycle=cycle)
    first = set(EvaluationScore.objects.filter(cycle=cycle).values_list("pk", flat=True))
    grade_many(cycle, world.branch_b1, RaterGroup.MEMBER_REPRESENTATIVE, [G.GOOD])
    evaluation_scores_compute(actor=admin, cycle=cycle)
    second = EvaluationScore.objects.filter(cycle=cycle)
    assert len(first) == second.count()
    assert not first & set(second.values_list("pk", flat=True))
    assert second.get(organization=world.branch_b1).final_score == D("100.00")


@pytest.mark.django_db
def test_compute_needs_the_county_policy_capability_and_an_unpublished_cycle(world):
    cycle = EvaluationCycleFactory(county=world.county)
    with pytest.raises(OutOfScope):
        evaluation_scores_compute(actor=world.users["staff_a"], cycle=cycle)
    EvaluationCycle.objects.filter(pk=cycle.pk).update(state=CycleState.PUBLISHED)
    with pytest.raises(ValidationError):
        evaluation_scores_compute(actor=world.users["county_admin"], cycle=cycle)
    assert not EvaluationScore.objects.exists()


@pytest.mark.django_db
def test_compute_runs_a_fixed_number_of_queries_whatever_the_number_of_villages():
    def run(villages):
        county, townships = county_with(villages)
        cycle = EvaluationCycleFactory(county=county)
        for village in townships[0][1]:
            grade_many(cycle, village, RaterGroup.TOWNSHIP_OFFICIAL, [G.GOOD])
            publish_results(village, {"a": True}, year=cycle.year)
            StarRatingFactory(organization=village, year=cycle.year)
            CadreFactory(organization=village, post=CadrePost.SECRETARY, started_on=dt.date(2020, 1, 1))
        admin = StaffRoleFactory(organization=county, role="county_admin").user
        with CaptureQueriesContext(connection) as queries:
            rows = evaluation_scores_compute(actor=admin, cycle=cycle)
        assert len(rows) == villages + 2
        assert all(row.final_score is not None for row in rows if row.level == EvaluationLevel.VILLAGE)
        return len(queries)

    assert run(2) == run(20)


grade_counts = st.dictionaries(
    st.sampled_from(list(RaterGroup.values)),
    st.dictionaries(st.sampled_from(list(G.values)), st.integers(min_value=0, max_value=30)),
)


@given(counts=grade_counts)
def test_the_evaluation_score_lies_between_the_lowest_and_highest_grade_given(counts):
    score, rate, total = evaluation_figures(rules(), counts)
    points = [GRADE_POINTS[G(grade)] for by_grade in counts.values() for grade, n in by_grade.items() if n]
    assert total == sum(n for by_grade in counts.values() for n in by_grade.values())
    if not points:
        assert score is None and rate is None
    else:
        assert min(points) <= score <= max(points)
        assert D(0) <= rate <= D(100)


@given(counts=grade_counts, factor=st.integers(min_value=1, max_value=3))
def test_only_the_ratio_of_the_group_weights_matters(counts, factor):
    base = rules(
        weight_township_officials=20, weight_member_representatives=10, weight_mass_representatives=10
    )
    scaled = rules(
        weight_township_officials=20 * factor,
        weight_member_representatives=10 * factor,
        weight_mass_representatives=10 * factor,
    )
    assert evaluation_figures(base, counts) == evaluation_figures(scaled, counts)


@pytest.mark.django_db
def test_an_organization_dissolved_before_the_cycle_opened_is_not_evaluated(world):
    cycle = EvaluationCycleFactory(
        county=world.county,
        opens_on=dt.date(2025, 11, 1),
        statements_due_on=dt.date(2025, 12, 15),
        closes_on=dt.date(2025, 12, 31),
    )
    gone = OrganizationFactory(parent=world.township_a, dissolved_on=dt.date(2025, 6, 30))
    late = OrganizationFactory(parent=world.township_a, dissolved_on=dt.date(2025, 11, 15))
    evaluation_scores_compute(actor=world.users["county_admin"], cycle=cycle)
    evaluated = set(EvaluationScore.objects.filter(cycle=cycle).values_list("organization_id", flat=True))
    assert late.pk in evaluated and gone.pk not in evaluated
