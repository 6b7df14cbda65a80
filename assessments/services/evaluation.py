"""Joint evaluation writes (三级联述联评联考, docs/ratings-and-evaluation.md): the cycle, the secretaries'
statements (述), the raters and their grades (评) and the computed scores (考).

The scoring rules (docs/ratings-and-evaluation.md):

- evaluation score = Σ over the rater groups that graded (group mean of 100/80/60/40 points × group weight),
  divided by the sum of those groups' weights (a group without grades drops out and the others share its
  weight); good rate = share of all grades that are 好 or 较好;
- quota achievement = share (0–100) of the organization's published quota results (met known) that are met;
  star score = the organization's star rating total for the year at its latest stage (the confirmed total once
  the county confirmed it);
- examination score = quota achievement × quota weight + star score × star weight; when one of the two is
  missing the other stands alone (and when both are, there is no examination score);
- final score = evaluation × its weight + examination × its weight, the same way when one is missing;
- each figure is rounded half up to two decimals, and the next one is computed from the rounded figure; the
  final grade compares the rounded final score with the thresholds (好 ≥ good_from, ...);
- ranks are standard competition ranks ("1224": equal scores share a rank, the next rank skips), by final
  score, among the villages of one township and among the subjects of one level in the county."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.models import SecurityEventKind
from branches.models import StaffRole
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import ensure_in_scope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.scope.roles import Role
from branches.services import security_event_record
from partybuild.versioning import apply_changes
from partybuild.versioning import differences
from partybuild.versioning import lock_for_edit
from partybuild.versioning import refuse_moves
from partybuild.years import is_year

from ..models import CycleState
from ..models import EvaluationCycle
from ..models import EvaluationGrade
from ..models import EvaluationRater
from ..models import EvaluationScore
from ..models import SecretaryGrade
from ..selectors.evaluation import subject_of

MESSAGES = {
    "cycle_moves": _("The county and year of a cycle cannot change: open a cycle for the other one."),
    "published": _("This cycle was published: its rules and results are final."),
    "not_open": _("This cycle is closed: nothing can be submitted or graded any more."),
    "already_closed": _("This cycle is already closed or published."),
    "publish_open": _("Close the cycle before publishing it."),
    "publish_no_scores": _("Compute the scores before publishing the cycle."),
    "one_per_year": _("This county already has a joint evaluation cycle for that year."),
    "not_subject": _(
        "The secretary of this organization is not evaluated in this cycle: only the county committee, its "
        "township and street committees and their village and community branches are."
    ),
    "outside_window": _("Statements are accepted from %(opens)s to %(closes)s only."),
    "statement_exists": _(
        "This organization's secretary already submitted a statement for this cycle: update it instead."
    ),
    "statement_moves": _("A statement stays with its cycle and organization."),
    "text_required": _("Write the report."),
    "attachment_type": _("Attach a PDF, Word (.docx) or Excel (.xlsx) file."),
    "attachment_size": _("The attachment is larger than %(limit)s MB."),
    "attachment_content": _("The file's content is not a %(kind)s file: it may be renamed or damaged."),
    "attachment_zip": _("The file unpacks to too much data or too many parts to be a normal %(kind)s file."),
    "rater_exists": _("This user is already a rater for this organization in this cycle."),
    "rater_outside": _("Raters are appointed for organizations of the cycle's county."),
    "rater_inactive": _("This user account is disabled."),
    "self_grade": _("You are a branch secretary of this organization: you cannot grade its secretary."),
}


def _cycle_event(actor, cycle: EvaluationCycle, detail: dict) -> None:
    security_event_record(
        kind=SecurityEventKind.POLICY_CHANGED,
        user=actor,
        organization=cycle.county,
        detail={"model": "evaluation_cycle", "year": cycle.year, **detail},
    )


def default_window(year: int) -> dict[str, dt.date]:
    return {
        "opens_on": dt.date(year, 11, 1),
        "statements_due_on": dt.date(year, 12, 15),
        "closes_on": dt.date(year, 12, 31),
    }


@transaction.atomic
def evaluation_cycle_create(*, actor, county: Organization, year: int, **settings) -> EvaluationCycle:
    """Open the county's cycle for ``year``: window 1 Nov–31 Dec with statements due 15 Dec unless given."""
    if not organization_in_scope(actor, county, Capability.POLICY):
        raise OutOfScope(NOT_ALLOWED)
    settings.pop("state", None)
    if is_year(year):
        settings = {**default_window(year), **{k: v for k, v in settings.items() if v is not None}}
    cycle = EvaluationCycle(county=county, year=year, **settings)
    try:
        cycle.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    if EvaluationCycle.objects.filter(county=county, year=year).exists():
        raise ValidationError({"year": [MESSAGES["one_per_year"]]})
    save_new_once(actor, cycle, "year", "one_per_year")  # racing a concurrent create of the county and year
    _cycle_event(actor, cycle, {"created": True})
    return cycle


def save_new_once(actor, instance, field: str, refusal: str) -> None:
    """Save a new ``instance`` that a unique constraint allows once: losing a race with a concurrent create
    is refused on ``field`` with ``MESSAGES[refusal]``. Then the actor must be allowed to add it."""
    instance._history_user = actor
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError({field: [MESSAGES[refusal]]}) from error
    ensure_in_scope(actor, instance, "add")


RULE_FIELDS = frozenset(
    {
        "opens_on",
        "statements_due_on",
        "closes_on",
        "weight_evaluation",
        "weight_examination",
        "exam_weight_quota",
        "exam_weight_stars",
        "weight_township_officials",
        "weight_member_representatives",
        "weight_mass_representatives",
        "good_from",
        "fairly_good_from",
        "average_from",
    }
)


@transaction.atomic
def evaluation_cycle_update(
    *, actor, evaluation_cycle: EvaluationCycle, expected_version=None, precondition=False, **changes
) -> EvaluationCycle:
    """Change the window, weights or thresholds; the state changes only by closing and publishing."""
    changed = {}

    def prepare(cycle, changes):
        refuse_moves(cycle, changes, ("county", "year"), MESSAGES["cycle_moves"])
        if cycle.state == CycleState.PUBLISHED:
            raise ValidationError({"state": [MESSAGES["published"]]})
        changes = {field: value for field, value in changes.items() if field in RULE_FIELDS}
        changed.update(differences(cycle, changes))
        return changes

    def after_save(cycle):
        if changed:
            _cycle_event(actor, cycle, {"changed": changed})

    return scoped_update(
        actor,
        evaluation_cycle,
        expected_version,
        precondition,
        changes,
        prepare=prepare,
        after_save=after_save,
        exclude_clean=["county"],
    )


@transaction.atomic
def evaluation_cycle_close(*, actor, cycle: EvaluationCycle, expected_version=None) -> EvaluationCycle:
    """No more statements or grades: the county closes the cycle before publishing it."""
    ensure_in_scope(actor, cycle, "change", NOT_ALLOWED)
    cycle = lock_for_edit(cycle, expected_version)
    if cycle.state != CycleState.OPEN:
        raise ValidationError({"state": [MESSAGES["already_closed"]]})
    apply_changes(cycle, {"state": CycleState.CLOSED}, actor=actor, exclude_clean=["county"])
    _cycle_event(actor, cycle, {"state": CycleState.CLOSED})
    return cycle


@transaction.atomic
def evaluation_cycle_publish(*, actor, cycle: EvaluationCycle, expected_version=None) -> EvaluationCycle:
    """Make the computed results visible to everyone in scope (the rated included): the county only, once
    closed and computed. A security event records who published."""
    ensure_in_scope(actor, cycle, "change", NOT_ALLOWED)
    cycle = lock_for_edit(cycle, expected_version)
    if cycle.state == CycleState.PUBLISHED:
        raise ValidationError({"state": [MESSAGES["published"]]})
    if cycle.state != CycleState.CLOSED:
        raise ValidationError({"state": [MESSAGES["publish_open"]]})
    if not EvaluationScore.objects.filter(cycle=cycle).exists():
        raise ValidationError({"state": [MESSAGES["publish_no_scores"]]})
    changes = {"state": CycleState.PUBLISHED, "published_at": timezone.now(), "published_by": actor}
    apply_changes(cycle, changes, actor=actor, exclude_clean=["county"])
    _cycle_event(actor, cycle, {"state": CycleState.PUBLISHED})
    return cycle


@transaction.atomic
def rater_appoint(
    *, actor, cycle: EvaluationCycle, user, group: str, organization: Organization
) -> EvaluationRater:
    """Appoint ``user`` to grade, in ``group``, every secretary evaluated in ``organization``'s subtree."""
    if not organization_in_scope(actor, cycle.county, Capability.POLICY) or not organization_in_scope(
        actor, organization, Capability.POLICY
    ):
        raise OutOfScope(NOT_ALLOWED)
    if cycle.state != CycleState.OPEN:
        raise ValidationError({"cycle": [MESSAGES["not_open"]]})
    if not organization.path.startswith(cycle.county.path):
        raise ValidationError({"organization": [MESSAGES["rater_outside"]]})
    if not user.is_active:
        raise ValidationError({"user": [MESSAGES["rater_inactive"]]})
    if EvaluationRater.objects.filter(cycle=cycle, user=user, organization=organization).exists():
        raise ValidationError({"user": [MESSAGES["rater_exists"]]})
    rater = EvaluationRater(cycle=cycle, user=user, group=group, organization=organization)
    rater.full_clean(validate_constraints=False)
    save_new_once(actor, rater, "user", "rater_exists")
    return rater


@transaction.atomic
def rater_remove(*, actor, rater: EvaluationRater) -> None:
    """Withdraw an appointment while the cycle is open; the rater's grades go with it (history keeps them)."""
    ensure_in_scope(actor, rater, "delete", NOT_ALLOWED)
    if rater.cycle.state != CycleState.OPEN:
        raise ValidationError({"cycle": [MESSAGES["not_open"]]})
    for grade in rater.grades.all():
        grade._history_user = actor
        grade.delete()
    rater._history_user = actor
    rater.delete()


@transaction.atomic
def grade_submit(
    *, actor, rater: EvaluationRater, organization_id: int, grade: str
) -> tuple[SecretaryGrade, bool]:
    """The rater grades one secretary of their subtree (评) while the cycle is open; a second grade replaces
    the first (history keeps both). An appointment that is not the actor's, or an organization outside the
    rater's subtree, is the same 404 as a missing one. Returns (grade, created)."""
    if rater.user_id != getattr(actor, "pk", None):
        raise Http404
    rater = EvaluationRater.objects.select_related("cycle__county", "organization").get(pk=rater.pk)
    organization = Organization.objects.filter(
        pk=organization_id, path__startswith=rater.organization.path
    ).first()
    if organization is None:
        raise Http404
    if rater.cycle.state != CycleState.OPEN:
        raise ValidationError({"cycle": [MESSAGES["not_open"]]})
    if subject_of(rater.cycle, organization) is None:
        raise ValidationError({"organization": [MESSAGES["not_subject"]]})
    if grade not in EvaluationGrade.values:
        raise ValidationError({"grade": [_("Choose a grade: good, fairly good, average or poor.")]})
    if StaffRole.objects.filter(user=actor, organization=organization, role=Role.BRANCH_SECRETARY).exists():
        raise ValidationError({"organization": [MESSAGES["self_grade"]]})
    existing = SecretaryGrade.objects.filter(rater=rater, organization=organization).first()
    if existing is not None:
        current = lock_for_edit(existing, None)
        if current.grade == grade:
            return current, False
        return apply_changes(current, {"grade": grade}, actor=actor), False
    record = SecretaryGrade(rater=rater, organization=organization, grade=grade)
    record._history_user = actor
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # the same rater's concurrent first grade: replace it
        current = lock_for_edit(SecretaryGrade.objects.get(rater=rater, organization=organization), None)
        return apply_changes(current, {"grade": grade}, actor=actor), False
    return record, True
