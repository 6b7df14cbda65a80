"""Every write to rectifications of weak branches (软弱涣散党组织整顿, docs/ratings-and-evaluation.md).

Who does what (docs/scope-and-roles.md):
- the township (``review``: township staff, the county admin) opens a rectification for a branch with the
  plan, the responsible leader, the instructor and the deadline, may edit those while it is open, and asks
  for the close with a summary of the results;
- whoever enters the branch's records (``records``: the branch's secretary too) adds progress notes;
- only the county (``policy``) verifies the close, or reopens it with a reason (which is kept as a note).

Status flow: open → close_requested → verified; reopen takes close_requested or verified back to open.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.models.bases import keyed_error
from branches.models.bases import keyed_message
from branches.models.bases import refuse_record_date
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import ensure_in_scope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from members.models import Cadre
from members.models import CadrePost
from partybuild.versioning import apply_changes
from partybuild.versioning import lock_for_edit

from ..models import Rectification
from ..models import RectificationNote
from ..models import RectificationStatus
from ..selectors.rectification_detail import instructor_area
from ..selectors.rectifications import REASON_CODES
from ..selectors.rectifications import listed_reasons
from ..selectors.rectifications import reason_labels

OPEN = RectificationStatus.OPEN
CLOSE_REQUESTED = RectificationStatus.CLOSE_REQUESTED
VERIFIED = RectificationStatus.VERIFIED
EDITABLE_FIELDS = frozenset({"plan", "responsible_leader", "instructor", "deadline", "reasons"})

MESSAGES = {
    "not_a_branch": _("Rectifications are opened for a party branch."),
    "already_open": _("%(organization)s already has a rectification for %(year)s."),
    "future_year": _("A rectification is opened for this year or an earlier one."),
    "deadline_past": _("The deadline must be in the future."),
    "instructor_required": _("Name the party-building instructor who guides the rectification."),
    "instructor_post": _("%(name)s does not hold the post of party-building instructor."),
    "instructor_not_serving": _("%(name)s is no longer serving as a party-building instructor."),
    "instructor_place": _(
        "The instructor must serve at %(organization)s or at another branch of %(area)s; %(name)s serves at "
        "%(serves)s."
    ),
    "instructor_not_visible": _("There is no such instructor among the records you can see."),
    "unknown_reason": _("Unknown reason “%(code)s”; choose among: %(codes)s."),
    "no_reason": _(
        "%(organization)s is not on the candidate list for %(year)s: give the reasons for rectifying it."
    ),
    "text_required": _("This field cannot be empty."),
    "note_closed": _("This rectification has been verified and closed: reopen it before adding progress."),
    "fixed": _("The branch and the year of a rectification cannot change."),
    "status_fixed": _("The status changes only through its steps: request the close, verify, reopen."),
    "close_not_open": _("Only an open rectification can be put forward for closing; this one is %(status)s."),
    "edit_not_open": _("Only an open rectification can be edited; this one is %(status)s."),
    "verify_not_requested": _(
        "Only a rectification whose close was requested can be verified; this one is %(status)s."
    ),
    "verified_in_future": _("The verification date cannot be in the future."),
    "verified_before_open": _("The verification date cannot come before the rectification was opened."),
    "reopen_open": _("This rectification is already open."),
    "reopened_note": _("Reopened by the county: %(reason)s"),
}


_message = partial(keyed_message, MESSAGES)
_error = partial(keyed_error, MESSAGES)


def _require(actor, rectification: Rectification, capability: str) -> None:
    """Seen but not allowed: 403; the API has already answered 404 for what the actor cannot see."""
    ensure_in_scope(actor, rectification, capability, NOT_ALLOWED)


def _lock(actor, rectification: Rectification, capability: str, expected_version) -> Rectification:
    """The rectification locked for a step of its lifecycle, once the actor may take it."""
    _require(actor, rectification, capability)
    return lock_for_edit(rectification, expected_version)


def _lock_at(
    actor, rectification: Rectification, capability: str, expected_version, status: str, refusal: str
):
    """Locked as ``_lock`` does, for a step that only a rectification at ``status`` takes (``refusal``: the
    message key otherwise)."""
    rectification = _lock(actor, rectification, capability, expected_version)
    if rectification.status != status:
        raise _error("status", refusal, status=rectification.get_status_display())
    return rectification


# --- rules ------------------------------------------------------------------------------------------


def _instructor_error(actor, instructor: Cadre | None, branch: Organization):
    if instructor is None:
        return _message("instructor_required")
    if not Cadre.objects.restrict(actor, "view").filter(pk=instructor.pk).exists():
        return _message("instructor_not_visible")
    if instructor.post != CadrePost.INSTRUCTOR:
        return _message("instructor_post", name=instructor.name)
    today = timezone.localdate()
    if instructor.started_on > today or (instructor.ended_on is not None and instructor.ended_on < today):
        return _message("instructor_not_serving", name=instructor.name)
    area = instructor_area(branch)
    if not instructor.organization.path.startswith(area.path):
        return _message(
            "instructor_place",
            organization=branch,
            area=area,
            name=instructor.name,
            serves=instructor.organization,
        )
    return None


def rectification_check(*, actor, rectification: Rectification, changed=None) -> None:
    """The rules of the fields a township sets; ``changed`` names those to judge (None: all of them, for a
    new rectification). Forms call it too, to show the errors beside the fields."""
    judged = set(changed) if changed is not None else {"organization", "year", "deadline", "instructor"}
    errors = {}
    branch = rectification.organization
    if "organization" in judged and not branch.is_branch:
        errors["organization"] = _message("not_a_branch")
    elif (
        rectification.pk is None
        and Rectification.objects.filter(organization=branch, year=rectification.year).exists()
    ):
        errors["organization"] = _message("already_open", organization=branch, year=rectification.year)
    if "year" in judged and rectification.year > timezone.localdate().year:
        errors["year"] = _message("future_year")
    if "deadline" in judged and rectification.deadline <= timezone.localdate():
        errors["deadline"] = _message("deadline_past")
    if "instructor" in judged and "organization" not in errors:
        instructor_error = _instructor_error(actor, rectification.instructor, branch)
        if instructor_error:
            errors["instructor"] = instructor_error
    if errors:
        raise ValidationError(errors)


def rectification_reasons(codes, *, branch, year) -> list[dict]:
    """The reasons as {code, message}: the candidate list's own messages where the branch is listed for
    them, the reason's label otherwise. No codes given: every reason the branch is listed for. Forms call
    it too, so that a branch off the list without reasons is said in the same round as the other errors."""
    codes = list(dict.fromkeys(codes or []))
    unknown = [code for code in codes if code not in REASON_CODES]
    if unknown:
        raise _error("reasons", "unknown_reason", code=unknown[0], codes="、".join(REASON_CODES))
    listed = {reason["code"]: reason for reason in listed_reasons(branch=branch, year=year)}
    if not codes:
        if not listed:
            raise _error("reasons", "no_reason", organization=branch, year=year)
        return list(listed.values())
    labels = reason_labels()
    return [listed.get(code) or {"code": code, "message": labels[code]} for code in codes]


def _require_text(field, value) -> str:
    value = (value or "").strip()
    if not value:
        raise _error(field, "text_required")
    return value


# --- writes -----------------------------------------------------------------------------------------


@transaction.atomic
def rectification_open(
    *,
    actor,
    organization: Organization,
    year: int,
    plan: str,
    responsible_leader: str,
    instructor: Cadre | None,
    deadline,
    reasons=None,
) -> Rectification:
    if not organization_in_scope(actor, organization, Capability.REVIEW):
        raise OutOfScope(NOT_ALLOWED)
    rectification = Rectification(
        organization=organization,
        year=year,
        plan=_require_text("plan", plan),
        responsible_leader=_require_text("responsible_leader", responsible_leader),
        instructor=instructor,
        deadline=deadline,
        reasons=[],
        opened_by=actor,
    )
    rectification_check(actor=actor, rectification=rectification)
    rectification.reasons = rectification_reasons(reasons, branch=organization, year=year)
    rectification.full_clean()
    rectification._history_user = actor
    rectification.save()
    ensure_in_scope(actor, rectification, Capability.REVIEW)
    return rectification


@transaction.atomic
def rectification_update(
    *, actor, rectification: Rectification, expected_version=None, precondition=False, **changes
) -> Rectification:
    """Edit the plan, leader, instructor, deadline or reasons of an open rectification (the township)."""
    changed = []

    def prepare(rectification, changes):
        if rectification.status != OPEN:
            raise _error("status", "edit_not_open", status=rectification.get_status_display())
        if "plan" in changes:
            changes["plan"] = _require_text("plan", changes["plan"])
        if "responsible_leader" in changes:
            changes["responsible_leader"] = _require_text("responsible_leader", changes["responsible_leader"])
        changed.extend(field for field, value in changes.items() if getattr(rectification, field) != value)
        return changes

    def rules(rectification):
        rectification_check(actor=actor, rectification=rectification, changed=changed)
        if "reasons" in changes:
            rectification.reasons = rectification_reasons(
                changes["reasons"], branch=rectification.organization, year=rectification.year
            )

    return scoped_update(
        actor,
        rectification,
        expected_version,
        precondition,
        changes,
        action=Capability.REVIEW,
        check=lambda: _refuse_fixed(rectification, changes),
        prepare=prepare,
        rules=rules,
    )


def _refuse_fixed(rectification: Rectification, changes: dict) -> None:
    organization = changes.pop("organization", None)
    year = changes.pop("year", None)
    if (organization is not None and organization.pk != rectification.organization_id) or (
        year is not None and year != rectification.year
    ):
        raise _error("organization", "fixed")
    if "status" in changes:
        raise _error("status", "status_fixed")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise _error(sorted(unknown)[0], "status_fixed")


@transaction.atomic
def rectification_note(*, actor, rectification: Rectification, written_on, text: str) -> RectificationNote:
    """A progress note: the branch's secretary reports, the township records what it saw."""
    _require(actor, rectification, Capability.RECORDS)
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rectification.status == VERIFIED:
        raise _error("text", "note_closed")
    refuse_record_date("written_on", written_on)
    note = RectificationNote(
        rectification=rectification, written_on=written_on, text=_require_text("text", text), author=actor
    )
    note.full_clean()
    note._history_user = actor
    note.save()
    return note


@transaction.atomic
def rectification_request_close(
    *, actor, rectification: Rectification, summary: str, expected_version=None
) -> Rectification:
    rectification = _lock_at(
        actor, rectification, Capability.REVIEW, expected_version, OPEN, "close_not_open"
    )
    changes = {"status": CLOSE_REQUESTED, "close_summary": _require_text("summary", summary)}
    apply_changes(rectification, changes, actor=actor)
    return rectification


@transaction.atomic
def rectification_verify(
    *, actor, rectification: Rectification, verified_on, expected_version=None
) -> Rectification:
    rectification = _lock_at(
        actor, rectification, Capability.POLICY, expected_version, CLOSE_REQUESTED, "verify_not_requested"
    )
    if verified_on > timezone.localdate():
        raise _error("verified_on", "verified_in_future")
    if verified_on < timezone.localtime(rectification.created_at).date():
        raise _error("verified_on", "verified_before_open")
    changes = {"status": VERIFIED, "verified_on": verified_on, "verified_by": actor}
    apply_changes(rectification, changes, actor=actor)
    return rectification


@transaction.atomic
def rectification_reopen(*, actor, rectification: Rectification, reason: str, expected_version=None):
    """The county sends a close request back, or reopens a verified rectification; the reason is kept as a
    progress note."""
    rectification = _lock(actor, rectification, Capability.POLICY, expected_version)
    if rectification.status == OPEN:
        raise _error("status", "reopen_open")
    reason = _require_text("reason", reason)
    apply_changes(rectification, {"status": OPEN, "verified_on": None, "verified_by": None}, actor=actor)
    note = RectificationNote(
        rectification=rectification,
        written_on=timezone.localdate(),
        text=str(_message("reopened_note", reason=reason)),
        author=actor,
    )
    note._history_user = actor
    note.save()
    return rectification
