"""Joint evaluation reads (三级联述联评联考, docs/ratings-and-evaluation.md): who is evaluated, who sees what.

Who is evaluated in a county's cycle (the *subjects*), each identified by the organization whose secretary
they are:

- county: the county committee itself;
- township: the township and street committees directly under it;
- village: the branches and general branches of the village and community fields lying (directly or through a
  general branch) under one of those committees.

An organization dissolved before the cycle opened is not evaluated.

Visibility:

- cycles: anyone with a role anywhere in the county (they need the window and the rules), and the raters;
- statements: readers in scope of the organization, and the raters appointed over it;
- rater appointments: the county (policy capability) and the appointed user;
- grades: the county (policy capability) and the rater who gave them — nobody else, ever;
- scores: the county (policy capability) always; other readers in scope only once the county has published.
"""

from dataclasses import dataclass

from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q

from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from branches.models import RURAL_FIELDS
from branches.models import Organization
from branches.models import OrganizationKind
from branches.scope.querysets import scope_paths
from branches.scope.querysets import subtree_q
from branches.scope.roles import Capability
from members.models import Cadre
from members.models.cadres import CadrePost

from ..models import CycleState
from ..models import EvaluationCycle
from ..models import EvaluationLevel
from ..models import EvaluationRater
from ..models import EvaluationScore
from ..models import SecretaryGrade
from ..models import Statement

VILLAGE_KINDS = frozenset({OrganizationKind.BRANCH, OrganizationKind.GENERAL_BRANCH})
assert VILLAGE_KINDS <= BRANCH_KINDS


@dataclass(frozen=True)
class Subject:
    organization_id: int
    level: str
    township_id: int | None
    name: str
    path: str


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/")]


def _active_on(row, day) -> bool:
    return row["dissolved_on"] is None or day is None or row["dissolved_on"] >= day


def evaluation_subjects(county: Organization, *, on=None) -> list[Subject]:
    """Every secretary evaluated in ``county``'s cycle, in tree order: one query for the whole subtree."""
    rows = list(
        Organization.objects.filter(path__startswith=county.path)
        .order_by("path")
        .values("pk", "path", "kind", "field", "parent_id", "dissolved_on", "name")
    )
    townships = {
        row["pk"]
        for row in rows
        if row["parent_id"] == county.pk and row["kind"] in COMMITTEE_KINDS and _active_on(row, on)
    }
    subjects = []
    for row in rows:
        if not _active_on(row, on):
            continue
        level, township = _level_of(row, county.pk, townships)
        if level:
            subjects.append(Subject(row["pk"], level, township, row["name"], row["path"]))
    return subjects


def _level_of(row, county_id: int, townships: set[int]) -> tuple[str | None, int | None]:
    if row["pk"] == county_id:
        return EvaluationLevel.COUNTY, None
    if row["pk"] in townships:
        return EvaluationLevel.TOWNSHIP, None
    ids = _path_ids(row["path"])
    if (
        row["kind"] in VILLAGE_KINDS
        and row["field"] in RURAL_FIELDS
        and len(ids) >= 3
        and ids[0] == county_id
        and ids[1] in townships
    ):
        return EvaluationLevel.VILLAGE, ids[1]
    return None, None


def subject_of(cycle: EvaluationCycle, organization: Organization) -> Subject | None:
    """``organization`` as a subject of ``cycle``, or None when its secretary is not evaluated there."""
    if not organization.path.startswith(cycle.county.path):
        return None
    if organization.dissolved_on is not None and organization.dissolved_on < cycle.opens_on:
        return None
    row = {
        "pk": organization.pk,
        "path": organization.path,
        "kind": organization.kind,
        "field": organization.field,
        "dissolved_on": organization.dissolved_on,
    }
    ids = _path_ids(organization.path)
    townships: set[int] = set()
    if len(ids) >= 2:
        townships = set(
            Organization.objects.filter(pk=ids[1], parent_id=cycle.county_id, kind__in=COMMITTEE_KINDS)
            .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=cycle.opens_on))
            .values_list("pk", flat=True)
        )
    level, township = _level_of(row, cycle.county_id, townships)
    if level is None:
        return None
    return Subject(organization.pk, level, township, organization.name, organization.path)


def secretary_names(prefix: str, *, on) -> dict[int, str]:
    """The serving secretary's name per organization of the subtree on ``on`` (the latest appointed when two
    terms overlap): one query."""
    names: dict[int, str] = {}
    rows = (
        Cadre.objects.serving_on(on)
        .filter(post=CadrePost.SECRETARY, organization__path__startswith=prefix)
        .order_by("organization_id", "-started_on", "-pk")
        .values_list("organization_id", "name")
    )
    for organization_id, name in rows:
        names.setdefault(organization_id, name)
    return names


def secretary_name(organization: Organization, *, on) -> str:
    return secretary_names(organization.path, on=on).get(organization.pk, "")


# --- visibility ---------------------------------------------------------------------------------------------


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _visible(user, queryset, model, capability: str, rows):
    """``queryset`` (by default every ``model``) as ``user`` may see it: nothing for no active signed-in user,
    everything for one whose ``capability`` reaches everywhere (superuser), else ``rows(paths)``, a condition
    on the paths that capability reaches."""
    queryset = model.objects.all() if queryset is None else queryset
    if not _authenticated(user):
        return queryset.none()
    paths = scope_paths(user, capability)
    if paths is None:
        return queryset
    return queryset.filter(rows(paths))


def visible_cycles(user, queryset=None):
    """Cycles of a county where the user holds any role (at the county or inside it), or rates."""

    def rows(paths):
        counties = {_path_ids(path)[0] for path in paths}
        rates = EvaluationRater.objects.filter(cycle=OuterRef("pk"), user=user)
        return subtree_q("county__path", paths) | Q(county_id__in=counties) | Exists(rates)

    return _visible(user, queryset, EvaluationCycle, Capability.VIEW, rows)


def visible_statements(user, queryset=None):
    """Statements of organizations in the user's read scope, and those of the subtrees the user rates."""

    def rows(paths):
        rated_subtrees = _rater_subtree_q(user, "cycle_id", "organization__path")
        return subtree_q("organization__path", paths) | rated_subtrees

    return _visible(user, queryset, Statement, Capability.VIEW, rows)


def _rater_subtree_q(user, cycle_lookup: str, path_lookup: str) -> Q:
    """Rows of (cycle, organization subtree) pairs the user was appointed to rate: one small query for the
    user's appointments, then a plain OR of prefixes (a rater holds a handful of appointments)."""
    condition = Q(pk__in=[])
    appointments = EvaluationRater.objects.filter(user=user).values_list("cycle_id", "organization__path")
    for cycle_id, path in appointments:
        condition |= Q(**{cycle_lookup: cycle_id, f"{path_lookup}__startswith": path})
    return condition


def visible_raters(user, queryset=None):
    """Raters: the county sees all of its county's, a rater their own appointments."""

    def rows(paths):
        return subtree_q("cycle__county__path", paths) | Q(user=user)

    return _visible(user, queryset, EvaluationRater, Capability.POLICY, rows)


def visible_grades(user, queryset=None):
    """Grades: the county sees all of its county's, a rater their own; results are nobody else's business."""

    def rows(paths):
        return subtree_q("rater__cycle__county__path", paths) | Q(rater__user=user)

    return _visible(user, queryset, SecretaryGrade, Capability.POLICY, rows)


def visible_scores(user, queryset=None):
    """Scores: the county always; readers in scope (the rated among them) only once published."""

    def rows(paths):
        readable = scope_paths(user, Capability.VIEW)
        published = Q(cycle__state=CycleState.PUBLISHED) & subtree_q("organization__path", readable)
        return subtree_q("cycle__county__path", paths) | published

    return _visible(user, queryset, EvaluationScore, Capability.POLICY, rows)


# --- lists (what the API and its exports read) ----------------------------------------------------------


def cycle_list(*, user):
    return visible_cycles(user, EvaluationCycle.objects.select_related("county", "published_by"))


def statement_list(*, user):
    return visible_statements(user, Statement.objects.select_related("cycle", "organization", "submitted_by"))


def rater_list(*, user):
    return visible_raters(user, EvaluationRater.objects.select_related("cycle", "user", "organization"))


def grade_list(*, user):
    return visible_grades(user, SecretaryGrade.objects.select_related("rater", "organization"))


def score_list(*, user):
    return visible_scores(user, EvaluationScore.objects.select_related("cycle", "organization", "township"))


def rater_subjects(rater: EvaluationRater) -> list[dict]:
    """The secretaries ``rater`` must grade, with their statement and the rater's own grade (if any):
    three queries whatever the size of the subtree."""
    cycle = rater.cycle
    subjects = [
        subject
        for subject in evaluation_subjects(cycle.county, on=cycle.opens_on)
        if subject.path.startswith(rater.organization.path)
    ]
    ids = [subject.organization_id for subject in subjects]
    statements = {
        row["organization_id"]: row
        for row in Statement.objects.filter(
            cycle=cycle, organization__path__startswith=rater.organization.path
        ).values("organization_id", "id", "secretary_name", "late", "submitted_at")
    }
    grades = dict(
        SecretaryGrade.objects.filter(rater=rater, organization_id__in=ids).values_list(
            "organization_id", "grade"
        )
    )
    return [
        {
            "organization": subject.organization_id,
            "organization_name": subject.name,
            "level": subject.level,
            "township": subject.township_id,
            "statement": statements.get(subject.organization_id, {}).get("id"),
            "secretary_name": statements.get(subject.organization_id, {}).get("secretary_name", ""),
            "late": statements.get(subject.organization_id, {}).get("late"),
            "grade": grades.get(subject.organization_id, ""),
        }
        for subject in subjects
    ]
