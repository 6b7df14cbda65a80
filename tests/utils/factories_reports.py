"""Test data for the joint evaluation report: a county built in bulk, a cycle, and for each secretary the
computed score, statement, star rating, published quota results, alerts and rectifications.

The rows are written directly (bulk_create, no service rules, no history): the report only reads them. The
pattern is deterministic by a village's index ``i`` in the county so tests can count what to expect:
- grade: 好, 较好, 一般, 差 cycling (i % 4); stars: i % 6 (0 = unrated); statement: on time (i % 3 == 0),
  late (1) or missing (2, no row);
- dev.branch_min met when i is even; visit.households: 4 persons, all four meet it when i is even, else 1;
- alerts: meet.overdue when i % 4 == 0, dev.two_years_none when i % 5 == 0;
- an open rectification when i % 7 == 0.
"""

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from django.utils import timezone

from assessments.models import Alert
from assessments.models import AlertKind
from assessments.models import CycleState
from assessments.models import EvaluationCycle
from assessments.models import EvaluationGrade
from assessments.models import EvaluationLevel
from assessments.models import EvaluationScore
from assessments.models import QuotaPublication
from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RatingPolicy
from assessments.models import Rectification
from assessments.models import ReportFormat
from assessments.models import ReportJob
from assessments.models import ReportKind
from assessments.models import RunState
from assessments.models import StarRating
from assessments.models import Statement
from branches.models import Organization
from branches.models import OrganizationField
from branches.models import OrganizationKind

GRADE_CYCLE = [
    EvaluationGrade.GOOD,
    EvaluationGrade.FAIRLY_GOOD,
    EvaluationGrade.AVERAGE,
    EvaluationGrade.POOR,
]
GRADE_SCORE = {
    EvaluationGrade.GOOD: Decimal("93.50"),
    EvaluationGrade.FAIRLY_GOOD: Decimal("85.00"),
    EvaluationGrade.AVERAGE: Decimal("70.25"),
    EvaluationGrade.POOR: Decimal("50.00"),
}


@dataclass
class ReportCounty:
    county: Organization
    townships: list[Organization]
    villages: list[Organization] = field(default_factory=list)


def _bulk_organizations(rows: list[Organization]) -> list[Organization]:
    """Insert organizations whose parents already have paths, then give each its materialized path."""
    for org in rows:
        org.path = f"tmp-{org.code}"
    created = Organization.objects.bulk_create(rows)
    for org in created:
        parent_path = org.parent.path if org.parent_id else "/"
        org.path = f"{parent_path}{org.pk}/"
    Organization.objects.bulk_update(created, ["path"])
    return created


def build_county(
    *, townships: int = 2, villages_per_township: int = 3, code: str = "RC", name: str = "报告县委"
) -> ReportCounty:
    (county,) = _bulk_organizations(
        [Organization(name=name, code=code, kind=OrganizationKind.COUNTY_COMMITTEE, field="")]
    )
    town_rows = _bulk_organizations(
        [
            Organization(
                name=f"第{t + 1}镇党委",
                code=f"{code}-T{t + 1:02d}",
                kind=OrganizationKind.TOWNSHIP_COMMITTEE,
                field="",
                parent=county,
            )
            for t in range(townships)
        ]
    )
    villages = _bulk_organizations(
        [
            Organization(
                name=f"第{t + 1}镇{v + 1}村党支部",
                code=f"{code}-T{t + 1:02d}-{v + 1:03d}",
                kind=OrganizationKind.BRANCH,
                field=OrganizationField.VILLAGE,
                parent=town,
            )
            for t, town in enumerate(town_rows)
            for v in range(villages_per_township)
        ]
    )
    return ReportCounty(county=county, townships=town_rows, villages=villages)


def evaluation_cycle(county, *, year: int = 2025, state: str = CycleState.PUBLISHED, **fields):
    values = {
        "opens_on": dt.date(year, 11, 1),
        "statements_due_on": dt.date(year, 11, 30),
        "closes_on": dt.date(year, 12, 31),
        "state": state,
        "published_at": timezone.now() if state == CycleState.PUBLISHED else None,
        **fields,
    }
    return EvaluationCycle.objects.create(county=county, year=year, **values)


def _township_of(org: Organization) -> int | None:
    parts = org.path.strip("/").split("/")
    return int(parts[1]) if len(parts) > 1 else None


def fill_report(
    cycle: EvaluationCycle,
    *,
    county: Organization,
    townships: list[Organization],
    villages: list[Organization],
    three_star_target: int | None = None,
) -> None:
    """Scores, statements, ratings, quota results, alerts and rectifications in the module's pattern."""
    year = cycle.year
    if three_star_target is not None:
        RatingPolicy.objects.create(county=county, year=year, three_star_target=three_star_target)
    scores, statements, ratings, results, publications, alerts, rectifications = [], [], [], [], [], [], []
    run = QuotaRun.objects.create(organization=county, year=year, state=RunState.SUCCEEDED, progress=100)
    rank_in_township: dict[int | None, int] = {}
    subjects = [(county, EvaluationLevel.COUNTY), *((t, EvaluationLevel.TOWNSHIP) for t in townships)]
    subjects += [(v, EvaluationLevel.VILLAGE) for v in villages]
    village_index = 0
    for position, (org, level) in enumerate(subjects):
        i = village_index if level == EvaluationLevel.VILLAGE else position
        grade = GRADE_CYCLE[i % 4]
        township_id = _township_of(org) if level == EvaluationLevel.VILLAGE else None
        if level == EvaluationLevel.VILLAGE:
            rank_in_township[township_id] = rank_in_township.get(township_id, 0) + 1
        stars = i % 6 if level == EvaluationLevel.VILLAGE else None
        scores.append(
            EvaluationScore(
                cycle=cycle,
                organization=org,
                level=level,
                township_id=township_id if level == EvaluationLevel.VILLAGE else None,
                secretary_name=f"书记{position}",
                grades_count=10,
                evaluation_score=GRADE_SCORE[grade],
                good_rate=Decimal("75.00"),
                quota_achievement=Decimal("66.67"),
                star_score=Decimal(20 * (stars or 0)),
                stars=stars,
                examination_score=GRADE_SCORE[grade],
                final_score=GRADE_SCORE[grade],
                grade=grade,
                rank_in_township=rank_in_township[township_id] if level == EvaluationLevel.VILLAGE else None,
                rank_in_county=position + 1,
            )
        )
        if i % 3 != 2:
            statements.append(
                Statement(
                    cycle=cycle,
                    organization=org,
                    level=level,
                    secretary_name=f"书记{position}",
                    text="述职报告",
                    submitted_at=timezone.now(),
                    late=i % 3 == 1,
                )
            )
        if level != EvaluationLevel.VILLAGE:
            continue
        village_index += 1
        ratings.append(StarRating(organization=org, year=year, total=Decimal(60 + 8 * stars), stars=stars))
        publications.append(QuotaPublication(organization=org, year=year, run=run))
        even = i % 2 == 0
        results += [
            QuotaResult(
                run=run,
                organization=org,
                year=year,
                code="dev.branch_min",
                target=1,
                actual=int(even),
                met=even,
            ),
            QuotaResult(
                run=run,
                organization=org,
                year=year,
                code="visit.households",
                target=4,
                actual=4 if even else 1,
                met=even,
            ),
        ]
        if i % 4 == 0:
            alerts.append(Alert(run=run, organization=org, year=year, kind=AlertKind.MEETINGS_OVERDUE))
        if i % 5 == 0:
            alerts.append(Alert(run=run, organization=org, year=year, kind=AlertKind.NO_ADMISSION))
        if i % 7 == 0:
            rectifications.append(
                Rectification(
                    organization=org,
                    year=year,
                    reasons=["unrated"],
                    plan="整顿方案",
                    responsible_leader="负责人",
                    deadline=dt.date(year, 12, 31),
                )
            )
    EvaluationScore.objects.bulk_create(scores)
    Statement.objects.bulk_create(statements)
    StarRating.objects.bulk_create(ratings)
    QuotaPublication.objects.bulk_create(publications)
    QuotaResult.objects.bulk_create(results)
    Alert.objects.bulk_create(alerts)
    Rectification.objects.bulk_create(rectifications)


def published_report_county(
    *, townships: int = 2, villages_per_township: int = 3, year: int = 2025, code: str = "RC", **cycle
) -> tuple[ReportCounty, EvaluationCycle]:
    built = build_county(townships=townships, villages_per_township=villages_per_township, code=code)
    report_cycle = evaluation_cycle(built.county, year=year, **cycle)
    fill_report(report_cycle, county=built.county, townships=built.townships, villages=built.villages)
    return built, report_cycle


def world_report(world, *, year: int = 2025, state: str = CycleState.PUBLISHED) -> EvaluationCycle:
    """A cycle of the scope world's county (甲县委) with rows for both townships and their branches."""
    report_cycle = evaluation_cycle(world.county, year=year, state=state)
    fill_report(
        report_cycle,
        county=world.county,
        townships=[world.township_a, world.township_b],
        villages=[world.branch_a1, world.branch_a2, world.branch_b1],
    )
    return report_cycle


def report_job(organization, requested_by, *, fmt: str = ReportFormat.PDF, year: int = 2025) -> ReportJob:
    """A joint evaluation report job of ``organization`` asked for by ``requested_by``, still queued."""
    return ReportJob.objects.create(
        kind=ReportKind.JOINT_EVALUATION,
        format=fmt,
        organization=organization,
        year=year,
        requested_by=requested_by,
    )
