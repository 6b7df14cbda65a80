"""Every write to the member roster: create, edit, transfer between branches, status changes, probation
extensions, unmasking. The record's own consistency is Member.clean (docs/records.md, "Member record"),
which every write below reaches through ``full_clean``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import SecurityEventKind
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import ensure_in_scope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.services import security_event_record
from branches.services.writing import require_capability
from branches.services.writing import save_new
from partybuild.changes import note
from partybuild.versioning import apply_changes
from partybuild.versioning import lock_for_edit

from .. import pipeline_rules as rules
from ..models import ON_ROLL
from ..models import Member
from ..models import MemberCategory
from ..models import MemberEvent
from ..models import MemberEventKind
from ..models import MemberStatus
from .identity import id_number_check
from .register import letter_for_transfer

NEW_MEMBER_STATUS = _(
    "A new member record starts with the status normal; record a later change with the status change action."
)
# Fields that only move through their own services, so that each move leaves a membership event.
EVENT_FIELDS = {
    "branch": _("Move a member to another branch with the transfer action."),
    "status": _("Change a member's status with the status change action."),
}


@transaction.atomic
def member_create(*, actor, branch, **data) -> Member:
    require_capability(actor, branch)
    id_number_check(actor=actor, id_number=data.get("id_number"), models=(Member,))
    member = Member(branch=branch, **data)
    member_check_new(member=member)
    return save_new(actor, member)


def member_check_new(*, member: Member, exclude=()) -> None:
    """The rules of a new record, unsaved: what ``member_create`` checks for one member and the import for
    each row (which asks who holds the ID numbers and the branches set-based, beforehand). Fills the gender
    and birth date from the ID number when they are empty."""
    if member.status != MemberStatus.NORMAL:
        raise ValidationError({"status": NEW_MEMBER_STATUS})
    member.full_clean(exclude=exclude or None, validate_unique=False, validate_constraints=False)


@transaction.atomic
def member_update(*, actor, member: Member, expected_version=None, precondition=False, **changes) -> Member:
    """Edit roster fields, mobile-member details and set-post duty; never the branch or the status."""

    def prepare(member, changes):
        changes = _refuse_event_fields(member, changes)
        if "id_number" in changes:
            id_number_check(actor=actor, id_number=changes["id_number"], models=(Member,), exclude=member)
        return changes

    return scoped_update(actor, member, expected_version, precondition, changes, prepare=prepare)


def _refuse_event_fields(member: Member, changes: dict) -> dict:
    """The branch and the status may come along unchanged (a full form or PUT); changing them is refused."""
    moved = {
        name: message
        for name, message in EVENT_FIELDS.items()
        if name in changes and _value(changes[name]) != _value(getattr(member, name))
    }
    if moved:
        raise ValidationError(moved)
    return {name: value for name, value in changes.items() if name not in EVENT_FIELDS}


def _value(value):
    return getattr(value, "pk", value)


@transaction.atomic
def member_transfer(
    *,
    actor,
    member: Member,
    to_branch,
    on,
    reason="",
    letter_number="",
    expected_version=None,
    precondition=False,
) -> Member:
    """Move a member to another branch; the actor keeps records on both branches. With ``letter_number``,
    the transfer letter (docs/transfers.md, "Within the county") is recorded with it."""
    ensure_in_scope(actor, member, "change", NOT_ALLOWED)
    if to_branch is not None:
        require_capability(actor, to_branch)
    member = lock_for_edit(member, expected_version, precondition=precondition)
    from_branch = member.branch
    errors = _event_date_errors(member, on)
    if to_branch is None:
        errors["to_branch"] = _("Choose the branch the member moves to.")
    elif to_branch.pk == from_branch.pk:
        errors["to_branch"] = _("The member already belongs to this branch.")
    elif not to_branch.is_branch or to_branch.dissolved_on:
        errors["to_branch"] = _("Members can only be transferred to an active party branch.")
    if member.status not in ON_ROLL:
        errors["status"] = _("Only members on the roll (normal or lost contact) can be transferred.")
    changes = {"branch": to_branch}
    event = {"from_branch": from_branch, "to_branch": to_branch}
    member = _apply_event(actor, member, errors, changes, MemberEventKind.TRANSFER, on, reason, **event)
    if (letter_number or "").strip():
        letter_for_transfer(actor=actor, event=member.events.order_by("-pk").first(), number=letter_number)
    return member


@transaction.atomic
def member_change_status(
    *, actor, member: Member, status, on, reason, expected_version=None, precondition=False
) -> Member:
    """Lost contact, suspended, left, deceased, transferred out — or back to normal — with the reason."""
    ensure_in_scope(actor, member, "change", NOT_ALLOWED)
    member = lock_for_edit(member, expected_version, precondition=precondition)
    from_status = member.status
    errors = _event_date_errors(member, on)
    if not status:
        errors["status"] = _("Choose the new status.")
    elif status == from_status:
        errors["status"] = _("The member already has this status.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the status change.")
    changes = {"status": status}
    event = {"from_status": from_status, "to_status": status}
    return _apply_event(actor, member, errors, changes, MemberEventKind.STATUS_CHANGE, on, reason, **event)


@transaction.atomic
def member_extend_probation(
    *, actor, member: Member, months, on, reason, expected_version=None, precondition=False
) -> Member:
    """Extend a probationary member's probation once, by 6 to 12 months, decided during its first year
    (docs/members-and-pipeline.md); the confirmation and the overdue alert move with it."""

    def prepare(record, changes):
        errors = _extension_errors(record, months, on, reason)
        if errors:
            raise ValidationError(errors)
        return changes

    def after_save(record):
        record_event(actor, record, MemberEventKind.EXTENSION, on, reason)

    changes = {"probation_extension_months": months}
    return scoped_update(
        actor,
        member,
        expected_version,
        precondition,
        changes,
        action=Capability.REVIEW,
        prepare=prepare,
        after_save=after_save,
    )


def _extension_errors(member: Member, months, on, reason) -> dict:
    errors = {}
    if member.category != MemberCategory.PROBATIONARY:
        errors["months"] = _("Only a probationary member's probation can be extended.")
    elif member.probation_extension:
        errors["months"] = _("A probation can be extended only once.")
    elif months is None or not rules.EXTENSION_MIN_MONTHS <= months <= rules.EXTENSION_MAX_MONTHS:
        errors["months"] = _("An extension lasts from 6 to 12 months.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the extension.")
    date_errors = _event_date_errors(member, on)
    first_year_ends = rules.years_after(member.joined_on, 1)
    if not date_errors and on >= first_year_ends:
        date_errors = {
            "on": _("The extension is decided during the probation, before %(date)s.")
            % {"date": first_year_ends.isoformat()}
        }
    return {**errors, **date_errors}


def _event_date_errors(member: Member, on) -> dict:
    if on is None:
        return {"on": _("Give the date.")}
    if on > timezone.localdate():
        return {"on": _("The date cannot be in the future.")}
    if on < member.joined_on:
        return {
            "on": _("The date cannot be before the member joined the party (%(date)s).")
            % {"date": member.joined_on}
        }
    last = member.events.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
    if last and on < last:
        return {
            "on": _("The date cannot be before the member's last recorded change (%(date)s).")
            % {"date": last}
        }
    return {}


def _apply_event(actor, member, errors: dict, changes: dict, kind, on, reason, **fields) -> Member:
    """Refuse with ``errors``, or apply ``changes`` and record the event; the member must stay in scope."""
    if errors:
        raise ValidationError(errors)
    apply_changes(member, changes, actor=actor)
    record_event(actor, member, kind, on, reason, **fields)
    ensure_in_scope(actor, member, "change")
    return member


def record_event(actor, member, kind, on, reason, **fields) -> MemberEvent:
    event = MemberEvent(
        member=member, kind=kind, occurred_on=on, reason=(reason or "").strip(), recorded_by=actor, **fields
    )
    event.full_clean()
    event.save()
    note([event])
    return event


def member_unmask(*, actor, member: Member, ip_address=None) -> dict:
    """The full ID number and phone of one member, for users allowed to unmask on its branch; logged."""
    if not organization_in_scope(actor, member.branch, Capability.UNMASK):
        raise OutOfScope(_("You are not allowed to see this member's full ID number and phone."))
    security_event_record(
        kind=SecurityEventKind.UNMASK,
        user=actor,
        organization=member.branch,
        ip_address=ip_address,
        detail={"member": member.pk, "fields": ["id_number", "phone"]},
    )
    return {"id": member.pk, "id_number": member.id_number, "phone": member.phone}


def member_phone_reveal(*, actor, member: Member, ip_address=None) -> str:
    """One member's full phone, to call them: for users keeping the records of the member's branch (its
    secretary, the township and county above), each time an unmask security event naming the phone alone
    (docs/security.md, "Calling a member"). The ID number and the address stay masked."""
    if not organization_in_scope(actor, member.branch, Capability.RECORDS):
        raise OutOfScope(_("Only those who keep this member's branch records can see the full phone number."))
    if not member.phone:
        return ""
    security_event_record(
        kind=SecurityEventKind.UNMASK,
        user=actor,
        organization=member.branch,
        ip_address=ip_address,
        detail={"model": "members.member", "record": member.pk, "fields": ["phone"], "purpose": "call"},
    )
    return member.phone
