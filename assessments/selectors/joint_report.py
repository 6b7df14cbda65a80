"""The county report (docs/ratings-and-evaluation.md): one plain structure that the JSON endpoint, the web
page, the xlsx workbook and the PDF all render.

It is built with a fixed number of queries whatever the size of the county: every table is read once for the
whole subtree (path prefix) and joined in Python by organization id.

Who may see it: anyone with read access to the organization (a county or township committee). Before the
county publishes the cycle only users who set county policy (county administrators) see it; everyone else
gets ``ReportNotPublished`` (403 with a message). An organization outside the user's scope is the same
``ReportNotFound`` (404) as a missing one; so is a year without a cycle.
"""

from collections import Counter
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from branches.models import COMMITTEE_KINDS
from branches.models import COMMITTEE_OR_COUNTY_KINDS
from branches.models import Organization
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability

from ..models import AlertKind
from ..models import CycleState
from ..models import EvaluationCycle
from ..models import EvaluationGrade
from ..models import EvaluationLevel
from ..models import EvaluationScore
from ..models import RatingPolicy
from ..models import Rectification
from ..models import RectificationStatus
from ..models import StarRating
from ..models import Statement
from .quotas import published_alerts
from .quotas import published_results

REPORT_KINDS = COMMITTEE_OR_COUNTY_KINDS
DEVELOPMENT_CODE = "dev.branch_min"
VISIT_CODE = "visit.households"
DEFAULT_THREE_STAR_TARGET = 85
GRADES = [grade.value for grade in EvaluationGrade]
LEVELS = [level.value for level in EvaluationLevel]


class StatementStatus:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


def statement_status_label(status: str) -> str:
    return {
        StatementStatus.ON_TIME: _("On time"),
        StatementStatus.LATE: _("Late"),
        StatementStatus.MISSING: _("Missing"),
    }[status]


def grade_label(grade: str) -> str:
    """The final grade's label: "Good (好)" … in English, 好/较好/一般/差 in zh-hans."""
    return str(EvaluationGrade(grade).label) if grade else ""


def level_label(level: str) -> str:
    return str(EvaluationLevel(level).label)


class ReportNotFound(Http404):
    pass


class ReportNotPublished(PermissionDenied):
    pass


@dataclass
class ReportRow:
    organization_id: int
    name: str
    code: str
    level: str
    secretary: str
    statement: str
    statement_display: str
    evaluation_score: float | None
    good_rate: float | None
    quota_achievement: float | None
    stars: int | None
    final_score: float | None
    grade: str
    grade_display: str
    rank_in_township: int | None
    rank_in_county: int | None


@dataclass
class TownshipSection:
    organization_id: int
    name: str
    code: str
    secretary_row: ReportRow
    villages: list[ReportRow] = field(default_factory=list)


@dataclass
class JointReport:
    organization_id: int
    organization_name: str
    county_id: int
    county_name: str
    year: int
    cycle_id: int
    cycle_state: str
    published: bool
    summary: dict
    county_row: ReportRow | None
    townships: list[TownshipSection]

    def as_dict(self) -> dict:
        return asdict(self)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def joint_report_cycle(*, user, organization: Organization, year: int) -> EvaluationCycle:
    """The cycle a report of ``organization`` and ``year`` shows, once the user may see it; raises
    ReportNotFound (out of scope, not a committee, no cycle) or ReportNotPublished."""
    if not organization_in_scope(user, organization, Capability.VIEW):
        raise ReportNotFound(_("No such organization."))
    if organization.kind not in REPORT_KINDS:
        raise ReportNotFound(_("The joint evaluation report is made for a county or township committee."))
    county_id = int(organization.path.strip("/").split("/")[0])
    cycle = EvaluationCycle.objects.select_related("county").filter(county_id=county_id, year=year).first()
    if cycle is None:
        raise ReportNotFound(
            _("There is no joint evaluation cycle for %(year)s in this county.") % {"year": year}
        )
    policy_reader = organization_in_scope(user, cycle.county, Capability.POLICY)
    if cycle.state != CycleState.PUBLISHED and not policy_reader:
        raise ReportNotPublished(
            _("The results of the %(year)s joint evaluation are not published yet.") % {"year": year}
        )
    return cycle


def _township_id_of(path: str) -> int | None:
    parts = path.strip("/").split("/")
    return int(parts[1]) if len(parts) > 1 else None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def joint_evaluation_report(*, user, organization: Organization, year: int) -> JointReport:
    cycle = joint_report_cycle(user=user, organization=organization, year=year)
    county = cycle.county
    prefix = organization.path
    organizations = list(
        Organization.objects.filter(path__startswith=prefix, dissolved_on__isnull=True)
        .only("id", "name", "code", "kind", "field", "path")
        .order_by("path")
    )
    scores = {
        score.organization_id: score
        for score in EvaluationScore.objects.filter(cycle=cycle, organization__path__startswith=prefix)
    }
    statements = {
        row["organization_id"]: row
        for row in Statement.objects.filter(cycle=cycle, organization__path__startswith=prefix).values(
            "organization_id", "secretary_name", "submitted_at", "late"
        )
    }
    ratings = dict(
        StarRating.objects.filter(year=year, organization__path__startswith=prefix).values_list(
            "organization_id", "stars"
        )
    )
    policy = RatingPolicy.objects.filter(county=county, year=year).values_list("three_star_target", flat=True)
    three_star_target = next(iter(policy), DEFAULT_THREE_STAR_TARGET)
    results = list(
        published_results(year=year, organization=organization)
        .filter(code__in=[DEVELOPMENT_CODE, VISIT_CODE])
        .values_list("organization_id", "code", "target", "actual", "met")
    )
    alert_counts = dict(
        published_alerts(year=year, organization=organization)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    open_rectifications = set(
        Rectification.objects.filter(
            year=year,
            organization__path__startswith=prefix,
            status__in=[RectificationStatus.OPEN, RectificationStatus.CLOSE_REQUESTED],
        ).values_list("organization_id", flat=True)
    )

    by_id = {org.pk: org for org in organizations}

    def row_for(org: Organization, level: str) -> ReportRow:
        score = scores.get(org.pk)
        statement = statements.get(org.pk)
        if statement is None or statement["submitted_at"] is None:
            status = StatementStatus.MISSING
        else:
            status = StatementStatus.LATE if statement["late"] else StatementStatus.ON_TIME
        secretary = (score.secretary_name if score else "") or (statement or {}).get("secretary_name", "")
        stars = score.stars if score and score.stars is not None else ratings.get(org.pk)
        grade = score.grade if score else ""
        return ReportRow(
            organization_id=org.pk,
            name=org.name,
            code=org.code,
            level=level,
            secretary=secretary,
            statement=status,
            statement_display=statement_status_label(status),
            evaluation_score=_number(score.evaluation_score) if score else None,
            good_rate=_number(score.good_rate) if score else None,
            quota_achievement=_number(score.quota_achievement) if score else None,
            stars=stars,
            final_score=_number(score.final_score) if score else None,
            grade=grade,
            grade_display=grade_label(grade),
            rank_in_township=score.rank_in_township if score else None,
            rank_in_county=score.rank_in_county if score else None,
        )

    village_ids = [
        org.pk
        for org in organizations
        if org.is_rural or (org.pk in scores and scores[org.pk].level == EvaluationLevel.VILLAGE)
    ]
    townships: dict[int, TownshipSection] = {}
    for org in organizations:
        if org.kind in COMMITTEE_KINDS:
            townships[org.pk] = TownshipSection(
                organization_id=org.pk,
                name=org.name,
                code=org.code,
                secretary_row=row_for(org, EvaluationLevel.TOWNSHIP),
            )
    village_rows = []
    for pk in village_ids:
        org = by_id[pk]
        row = row_for(org, EvaluationLevel.VILLAGE)
        village_rows.append(row)
        section = townships.get(_township_id_of(org.path))
        if section is not None:
            section.villages.append(row)
    for section in townships.values():
        section.villages.sort(key=lambda r: (r.rank_in_township is None, r.rank_in_township or 0, r.code))
    county_row = row_for(county, EvaluationLevel.COUNTY) if organization.pk == county.pk else None

    subjects = [*([county_row] if county_row else []), *(s.secretary_row for s in townships.values())]
    subjects += village_rows
    grade_distribution = {level: dict.fromkeys(GRADES, 0) | {"none": 0} for level in LEVELS}
    for row in subjects:
        grade_distribution[row.level][row.grade or "none"] += 1
    statement_counts = Counter(row.statement for row in subjects)

    rated = sum(1 for row in village_rows if (row.stars or 0) >= 3)
    development = [met for _o, code, _t, _a, met in results if code == DEVELOPMENT_CODE and met is not None]
    visits = [(target, actual, met) for _org, code, target, actual, met in results if code == VISIT_CODE]
    visit_branches = [met for *_rest, met in visits if met is not None]
    visit_cadres = sum(int(target or 0) for target, _a, met in visits if met is not None)
    visit_cadres_met = sum(int(actual or 0) for _t, actual, met in visits if met is not None)

    weak = []
    for row in village_rows:
        reasons = []
        if row.organization_id in open_rectifications:
            reasons.append("rectification_open")
        if not row.stars:
            reasons.append("unrated")
        if reasons:
            section = townships.get(_township_id_of(by_id[row.organization_id].path))
            weak.append(
                {
                    "organization_id": row.organization_id,
                    "name": row.name,
                    "township": section.name if section else "",
                    "reasons": reasons,
                    "reasons_display": [_weak_reason_label(reason) for reason in reasons],
                }
            )

    weak.sort(key=lambda item: (item["township"], by_id[item["organization_id"]].code))
    alert_labels = dict(AlertKind.choices)
    summary = {
        "grade_distribution": grade_distribution,
        "branches": len(village_rows),
        "three_star_branches": rated,
        "three_star_share": _share(rated, len(village_rows)),
        "three_star_target": three_star_target,
        "three_star_target_met": (
            _share(rated, len(village_rows)) >= three_star_target if village_rows else None
        ),
        "development_branches": len(development),
        "development_met": sum(development),
        "development_share": _share(sum(development), len(development)),
        "visit_branches": len(visit_branches),
        "visit_branches_met": sum(visit_branches),
        "visit_branch_share": _share(sum(visit_branches), len(visit_branches)),
        "visit_cadres": visit_cadres,
        "visit_cadres_met": visit_cadres_met,
        "visit_cadre_share": _share(visit_cadres_met, visit_cadres),
        "alerts": [
            {"kind": kind, "label": str(alert_labels.get(kind, kind)), "count": count}
            for kind, count in sorted(alert_counts.items())
        ],
        "alerts_total": sum(alert_counts.values()),
        "weak_branches": weak,
        "statements": {
            StatementStatus.ON_TIME: statement_counts[StatementStatus.ON_TIME],
            StatementStatus.LATE: statement_counts[StatementStatus.LATE],
            StatementStatus.MISSING: statement_counts[StatementStatus.MISSING],
        },
    }
    return JointReport(
        organization_id=organization.pk,
        organization_name=organization.name,
        county_id=county.pk,
        county_name=county.name,
        year=year,
        cycle_id=cycle.pk,
        cycle_state=cycle.state,
        published=cycle.state == CycleState.PUBLISHED,
        summary=summary,
        county_row=county_row,
        townships=list(townships.values()),
    )


def _weak_reason_label(reason: str) -> str:
    return {
        "rectification_open": _("Open rectification"),
        "unrated": _("Unrated (no stars)"),
    }[reason]
