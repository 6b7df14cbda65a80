"""The joint evaluation's scores: the arithmetic as pure functions (tested at their thresholds), then
every subject's score computed as a set for one cycle (docs/ratings-and-evaluation.md)."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.db.models import Q
from django.utils import timezone

from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability

from ..models import GRADE_POINTS
from ..models import CycleState
from ..models import EvaluationCycle
from ..models import EvaluationGrade
from ..models import EvaluationLevel
from ..models import EvaluationScore
from ..models import RaterGroup
from ..models import SecretaryGrade
from ..models import StarRating
from ..selectors.evaluation import evaluation_subjects
from ..selectors.evaluation import secretary_names
from ..selectors.quotas import published_results
from .evaluation import MESSAGES

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def group_weights(cycle: EvaluationCycle) -> dict[str, int]:
    return {
        RaterGroup.TOWNSHIP_OFFICIAL: cycle.weight_township_officials,
        RaterGroup.MEMBER_REPRESENTATIVE: cycle.weight_member_representatives,
        RaterGroup.MASS_REPRESENTATIVE: cycle.weight_mass_representatives,
    }


def evaluation_figures(
    cycle: EvaluationCycle, counts: dict[str, dict[str, int]]
) -> tuple[Decimal | None, Decimal | None, int]:
    """(evaluation score, good rate, number of grades) from ``counts[group][grade] = n``."""
    weights = group_weights(cycle)
    weighted, weight_sum, total, good = Decimal(0), 0, 0, 0
    for group, by_grade in counts.items():
        n = sum(by_grade.values())
        if not n:
            continue
        total += n
        good += by_grade.get(EvaluationGrade.GOOD, 0) + by_grade.get(EvaluationGrade.FAIRLY_GOOD, 0)
        weight = weights.get(group, 0)
        if weight:
            points = sum(GRADE_POINTS[EvaluationGrade(grade)] * k for grade, k in by_grade.items())
            weighted += Decimal(points) / n * weight
            weight_sum += weight
    score = _round(weighted / weight_sum) if weight_sum else None
    rate = _round(Decimal(good) * HUNDRED / total) if total else None
    return score, rate, total


def quota_achievement(met: int, known: int) -> Decimal | None:
    return _round(Decimal(met) * HUNDRED / known) if known else None


def _weighted(pairs: list[tuple[Decimal | None, int]]) -> Decimal | None:
    present = [(value, weight) for value, weight in pairs if value is not None]
    weight_sum = sum(weight for _value, weight in present)
    if not present or not weight_sum:
        return None
    return _round(sum((value * weight for value, weight in present), Decimal(0)) / weight_sum)


def examination_score(cycle: EvaluationCycle, quota: Decimal | None, stars: Decimal | None) -> Decimal | None:
    return _weighted([(quota, cycle.exam_weight_quota), (stars, cycle.exam_weight_stars)])


def final_score(
    cycle: EvaluationCycle, evaluation: Decimal | None, examination: Decimal | None
) -> Decimal | None:
    return _weighted([(evaluation, cycle.weight_evaluation), (examination, cycle.weight_examination)])


def grade_for(cycle: EvaluationCycle, score: Decimal | None) -> str:
    if score is None:
        return ""
    if score >= cycle.good_from:
        return EvaluationGrade.GOOD
    if score >= cycle.fairly_good_from:
        return EvaluationGrade.FAIRLY_GOOD
    if score >= cycle.average_from:
        return EvaluationGrade.AVERAGE
    return EvaluationGrade.POOR


def competition_ranks(scores: dict) -> dict:
    """Standard competition ranks ("1224") of ``{key: score}``; keys without a score get no rank."""
    ordered = sorted((score for score in scores.values() if score is not None), reverse=True)
    first = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return {key: first[score] for key, score in scores.items() if score is not None}


def _grade_counts(cycle) -> dict[int, dict[str, dict[str, int]]]:
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = (
        SecretaryGrade.objects.filter(rater__cycle=cycle)
        .values("organization_id", "rater__group", "grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["organization_id"]][row["rater__group"]][row["grade"]] = row["n"]
    return counts


def _quota_counts(cycle) -> dict[int, tuple[int, int]]:
    rows = (
        published_results(year=cycle.year, organization=cycle.county)
        .filter(met__isnull=False)
        .values("organization_id")
        .annotate(known=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by()
    )
    return {row["organization_id"]: (row["met"], row["known"]) for row in rows}


def _star_totals(cycle) -> dict[int, tuple[Decimal, int]]:
    rows = StarRating.objects.filter(year=cycle.year, organization__path__startswith=cycle.county.path)
    return {
        organization_id: (total, stars)
        for organization_id, total, stars in rows.values_list("organization_id", "total", "stars")
    }


def build_scores(cycle: EvaluationCycle, *, today: dt.date | None = None) -> list[EvaluationScore]:
    """The cycle's score rows (unsaved), read with a fixed number of queries: subjects, grades, quota results,
    star ratings and secretaries, each once for the whole county."""
    today = today or timezone.localdate()
    subjects = evaluation_subjects(cycle.county, on=cycle.opens_on)
    grades = _grade_counts(cycle)
    quotas = _quota_counts(cycle)
    stars = _star_totals(cycle)
    names = secretary_names(cycle.county.path, on=today)
    rows = []
    for subject in subjects:
        evaluation, good_rate, count = evaluation_figures(cycle, grades.get(subject.organization_id, {}))
        quota = quota_achievement(*quotas.get(subject.organization_id, (0, 0)))
        star_total, star_count = stars.get(subject.organization_id, (None, None))
        star_score = _round(Decimal(star_total)) if star_total is not None else None
        examination = examination_score(cycle, quota, star_score)
        final = final_score(cycle, evaluation, examination)
        rows.append(
            EvaluationScore(
                cycle=cycle,
                organization_id=subject.organization_id,
                level=subject.level,
                township_id=subject.township_id,
                secretary_name=names.get(subject.organization_id, "")[:50],
                grades_count=count,
                evaluation_score=evaluation,
                good_rate=good_rate,
                quota_achievement=quota,
                star_score=star_score,
                stars=star_count,
                examination_score=examination,
                final_score=final,
                grade=grade_for(cycle, final),
            )
        )
    _rank(rows)
    return rows


def _rank(rows: list[EvaluationScore]) -> None:
    by_level: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    by_township: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for index, row in enumerate(rows):
        by_level[row.level][index] = row.final_score
        if row.level == EvaluationLevel.VILLAGE:
            by_township[row.township_id][index] = row.final_score
    for scores in by_level.values():
        for index, rank in competition_ranks(scores).items():
            rows[index].rank_in_county = rank
    for scores in by_township.values():
        for index, rank in competition_ranks(scores).items():
            rows[index].rank_in_township = rank


def evaluation_scores_compute(*, actor, cycle: EvaluationCycle) -> list[EvaluationScore]:
    """(Re)compute every score of ``cycle`` and replace the old set atomically: readers see the old set or the
    new one, never half. Needs the policy capability over the county; a published cycle is final."""
    if not organization_in_scope(actor, cycle.county, Capability.POLICY):
        raise OutOfScope(NOT_ALLOWED)
    with transaction.atomic():
        cycle = EvaluationCycle.objects.select_for_update().select_related("county").get(pk=cycle.pk)
        if cycle.state == CycleState.PUBLISHED:
            raise ValidationError({"state": [MESSAGES["published"]]})
        rows = build_scores(cycle)
        EvaluationScore.objects.filter(cycle=cycle).delete()
        EvaluationScore.objects.bulk_create(rows, batch_size=1000)
    return rows
