"""Every write to transfer letters (docs/transfers.md): issuing a letter out of the county, recording its
delivery or the receiving side's confirmation (the member leaves the roll then), cancelling it, and
registering a letter received (the member joins the receiving branch's roll on the day it is accepted).
The letter's own consistency is ``TransferLetter.clean``; the roll moves through the roster's status change
(members/services/roster.py), so "on the roll on a day" (docs/records.md) stays the one answer."""

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import ensure_in_scope
from branches.services.writing import require_capability

from ..models import ON_ROLL
from ..models import LetterDirection
from ..models import LetterStatus
from ..models import Member
from ..models import MemberEvent
from ..models import MemberEventKind
from ..models import MemberStatus
from ..models import TransferLetter
from ..models.transfers import default_valid_days
from .register import county_of
from .register import next_letter_number
from .register import save_letter
from .roster import member_change_status
from .roster import member_create
from .roster import record_event

MESSAGES = {
    "not_on_roll": _("Only a member on the roll (normal or lost contact) can be given a transfer letter."),
    "open_letter": _("%(name)s already holds letter %(number)s, not yet delivered or confirmed."),
    "not_issued": _("Only an issued letter, not yet delivered or confirmed, can be %(step)s."),
    "not_out": _("Only a letter out of the county is delivered or confirmed here."),
    "give_date": _("Give the date."),
    "give_reason": _("Give the reason for cancelling."),
    "left_by_letter": _("Transfer letter %(number)s to %(to)s: %(step)s"),
    "joined_by_letter": _("Transfer letter %(number)s from %(from)s: accepted"),
    "before_joining": _("The day accepted cannot be before the member joined the party (%(date)s)."),
}
STEP_DELIVERED = _("delivered")
STEP_CONFIRMED = _("confirmed")
STEP_CANCELLED = _("cancelled")


@transaction.atomic
def letter_issue(
    *,
    actor,
    member: Member,
    to_organization_name,
    issued_on: dt.date,
    dues_paid_up_to: dt.date,
    within_city=False,
    valid_days=None,
    number="",
    note="",
) -> TransferLetter:
    """A letter taking ``member`` out of the county, issued by their branch or the township above it. The
    member stays on the roll until the letter is delivered or confirmed."""
    ensure_in_scope(actor, member, "view", NOT_ALLOWED)
    require_capability(actor, member.branch)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in ON_ROLL:
        raise ValidationError({"member": MESSAGES["not_on_roll"]})
    open_letter = member.transfer_letters.filter(
        direction=LetterDirection.OUT, status=LetterStatus.ISSUED
    ).first()
    if open_letter is not None:
        raise ValidationError(
            {"member": MESSAGES["open_letter"] % {"name": member.name, "number": open_letter.number}}
        )
    county_id = county_of(member.branch)
    letter = TransferLetter(
        county_id=county_id,
        organization=member.branch,
        number=(number or "").strip()
        or next_letter_number(county_id, (issued_on or timezone.localdate()).year),
        direction=LetterDirection.OUT,
        member=member,
        from_organization=member.branch,
        to_organization_name=(to_organization_name or "").strip(),
        within_city=bool(within_city),
        issued_on=issued_on,
        valid_days=valid_days or default_valid_days(bool(within_city)),
        dues_paid_up_to=dues_paid_up_to,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    return save_letter(actor, letter)


def _leave_roll(actor, letter: TransferLetter, on: dt.date, step) -> MemberEvent | None:
    """The member leaves the roll on ``on`` (transferred out), unless an earlier step already took them."""
    if letter.event_id is not None:
        return letter.event
    reason = MESSAGES["left_by_letter"] % {"number": letter.number, "to": letter.to_label, "step": step}
    member = member_change_status(
        actor=actor,
        member=letter.member,
        status=MemberStatus.TRANSFERRED_OUT,
        on=on,
        reason=str(reason)[:200],
    )
    return member.events.order_by("-pk").first()


def _out_step(actor, letter, expected_version, precondition, on, step, changes: dict) -> TransferLetter:
    allowed = (
        {LetterStatus.ISSUED} if step != STEP_CONFIRMED else {LetterStatus.ISSUED, LetterStatus.DELIVERED}
    )

    def prepare(record, changes):
        if record.direction != LetterDirection.OUT:
            raise ValidationError({"status": MESSAGES["not_out"]})
        if record.status not in allowed:
            raise ValidationError({"status": MESSAGES["not_issued"] % {"step": step}})
        if on is None:
            raise ValidationError({"on": MESSAGES["give_date"]})
        return changes

    def after_save(record):
        if record.event_id is None and step != STEP_CANCELLED:
            record.event = _leave_roll(actor, record, on, step)
            record.save(update_fields=["event"])

    return scoped_update(
        actor, letter, expected_version, precondition, changes, prepare=prepare, after_save=after_save
    )


@transaction.atomic
def letter_mark_delivered(
    *, actor, letter: TransferLetter, on: dt.date, expected_version=None, precondition=False
) -> TransferLetter:
    """The member handed the letter to the receiving organization on ``on``: they leave the roll that day."""
    changes = {"status": LetterStatus.DELIVERED, "delivered_on": on, "delivered_by": actor}
    return _out_step(actor, letter, expected_version, precondition, on, STEP_DELIVERED, changes)


@transaction.atomic
def letter_confirm(
    *, actor, letter: TransferLetter, on: dt.date, expected_version=None, precondition=False
) -> TransferLetter:
    """The receiving side confirmed (its receipt) that it accepted the member on ``on``; a member still on
    the roll leaves it that day, one already gone by delivery stays gone from the delivery."""
    changes = {"status": LetterStatus.CONFIRMED, "confirmed_on": on, "confirmed_by": actor}
    return _out_step(actor, letter, expected_version, precondition, on, STEP_CONFIRMED, changes)


@transaction.atomic
def letter_cancel(
    *, actor, letter: TransferLetter, on: dt.date, reason, expected_version=None, precondition=False
) -> TransferLetter:
    """Withdraw an issued letter (not used, lost, expired): the member never left the roll."""
    if not (reason or "").strip():
        raise ValidationError({"reason": MESSAGES["give_reason"]})
    changes = {
        "status": LetterStatus.CANCELLED,
        "cancelled_on": on,
        "cancelled_by": actor,
        "cancel_reason": reason.strip(),
    }
    if letter.direction != LetterDirection.OUT:
        raise ValidationError({"status": MESSAGES["not_out"]})
    return _out_step(actor, letter, expected_version, precondition, on, STEP_CANCELLED, changes)


@transaction.atomic
def letter_receive(
    *,
    actor,
    to_organization,
    number,
    from_organization_name,
    issued_on: dt.date,
    accepted_on: dt.date,
    dues_paid_up_to: dt.date,
    within_city=False,
    valid_days=None,
    note="",
    **member_data,
) -> TransferLetter:
    """Register a letter brought from outside the county: the member's record is created in the receiving
    branch and joins its roll on ``accepted_on`` (before it, they were on no roll of the county); their dues
    here continue from the month after ``dues_paid_up_to`` (docs/transfers.md, "Dues")."""
    require_capability(actor, to_organization)
    letter = TransferLetter(
        county_id=county_of(to_organization),
        organization=to_organization,
        number=(number or "").strip(),
        direction=LetterDirection.IN,
        from_organization_name=(from_organization_name or "").strip(),
        to_organization=to_organization,
        within_city=bool(within_city),
        issued_on=issued_on,
        valid_days=valid_days or default_valid_days(bool(within_city)),
        dues_paid_up_to=dues_paid_up_to,
        status=LetterStatus.CONFIRMED,
        confirmed_on=accepted_on,
        confirmed_by=actor,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    # The letter's own rules first, so that a refused letter names its fields before the member's.
    with _accepted_on_as_named():
        letter.full_clean(exclude=["member"], validate_constraints=False)
        if accepted_on is None:
            raise ValidationError({"confirmed_on": MESSAGES["give_date"]})
    member = member_create(actor=actor, branch=to_organization, **member_data)
    if accepted_on < member.joined_on:
        raise ValidationError({"accepted_on": MESSAGES["before_joining"] % {"date": member.joined_on}})
    reason = MESSAGES["joined_by_letter"] % {"number": letter.number, "from": letter.from_organization_name}
    letter.member = member
    letter.event = record_event(
        actor,
        member,
        MemberEventKind.STATUS_CHANGE,
        accepted_on,
        str(reason)[:200],
        from_status=MemberStatus.TRANSFERRED_OUT,
        to_status=MemberStatus.NORMAL,
    )
    return save_letter(actor, letter)


@contextlib.contextmanager
def _accepted_on_as_named():
    """A received letter's confirmation is its acceptance: its errors answer under ``accepted_on``."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {("accepted_on" if k == "confirmed_on" else k): v for k, v in error.error_dict.items()}
        ) from None
