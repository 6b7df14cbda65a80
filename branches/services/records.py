"""Every write to an organization's own records: activity rooms and their investments, the townships'
standardized-room targets, reports and reviews (两述两评) and financial disclosures.

The rules beyond the models' own ``clean()`` live in the ``*_check`` functions; the admin forms and the
imports call them too, so every write path refuses the same things in the same words. Scope: the "records"
capability for everything a branch enters, the "policy" capability (county administrators) for targets.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import COMMITTEE_KINDS
from ..models import ActivityRoom
from ..models import DisclosurePeriod
from ..models import FinancialDisclosure
from ..models import Organization
from ..models import ReviewRecord
from ..models import RoomInvestment
from ..models import StandardizedRoomTarget
from ..models.bases import model_errors
from ..models.bases import raise_errors
from ..models.bases import valid_related
from ..scope.editing import scoped_delete
from ..scope.editing import scoped_update
from ..scope.roles import Capability
from .writing import create_checked

MESSAGES = {
    "room_name_taken": _("%(organization)s already has an activity room named “%(name)s”."),
    "room_has_investments": _(
        "This activity room has investments recorded: delete them first, or keep the room."
    ),
    "amount_positive": _("The amount must be more than zero."),
    "in_future": _("The date cannot be in the future."),
    "target_place": _("A standardized-room target is set for a township or street party committee."),
    "target_taken": _("%(organization)s already has a standardized-room target for %(year)s: edit that one."),
    "branch_only": _("This record belongs to a party branch."),
    "review_taken": _("%(organization)s already has a “%(kind)s” recorded on %(day)s."),
    "disclosure_taken": _(
        "%(organization)s already has a financial disclosure for %(year)s, %(period)s: edit that one."
    ),
    "disclosure_too_early": _("A disclosure for %(year)s, %(period)s is made public on %(start)s or later."),
}

# The first day each half-year's accounts can be made public.
PERIOD_START_MONTH = {DisclosurePeriod.FIRST_HALF: 1, DisclosurePeriod.SECOND_HALF: 7}


def _model_errors(instance, exclude=None) -> dict[str, list]:
    """The model's own validation; uniqueness is checked by the rules, with messages that say which record
    is in the way."""
    return model_errors(instance, exclude=exclude, validate_unique=False, validate_constraints=False)


def _add(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(message)


# --- activity rooms -------------------------------------------------------------------------------------


def room_check(room: ActivityRoom, *, check_duplicate: bool = True, exclude=None) -> None:
    """Every rule an activity room follows; forms and imports call it too."""
    errors = _model_errors(room, exclude)
    organization = valid_related(room, "organization", errors)
    if check_duplicate and organization is not None and "name" not in errors:
        same_name = ActivityRoom.objects.filter(organization=organization, name=room.name).exclude(pk=room.pk)
        if same_name.exists():
            _add(
                errors,
                "name",
                MESSAGES["room_name_taken"] % {"organization": organization, "name": room.name},
            )
    raise_errors(errors)


@transaction.atomic
def activity_room_create(*, actor, organization: Organization, **data) -> ActivityRoom:
    return create_checked(actor, organization, ActivityRoom(organization=organization, **data), room_check)


@transaction.atomic
def activity_room_update(
    *, actor, activity_room: ActivityRoom, expected_version=None, precondition=False, **changes
) -> ActivityRoom:
    return scoped_update(actor, activity_room, expected_version, precondition, changes, rules=room_check)


def _refuse_with_investments(room: ActivityRoom) -> None:
    if room.investments.exists():
        raise ValidationError({"investments": MESSAGES["room_has_investments"]})


@transaction.atomic
def activity_room_delete(*, actor, activity_room: ActivityRoom) -> None:
    """Only a room without investments: those are deleted first, one by one, each leaving its history row."""
    scoped_delete(actor, activity_room, lock=True, rules=_refuse_with_investments)


# --- room investments -----------------------------------------------------------------------------------


def _amount_errors(amount) -> list:
    """More than zero, in at most 12 digits with 2 decimals. The model's own minimum is the float 0.01,
    which refuses Decimal("0.01") itself, so it is not run."""
    field = RoomInvestment._meta.get_field("amount_yuan")
    try:
        amount = field.clean(amount, None) if amount is None else field.to_python(amount)
    except ValidationError as error:
        return error.messages
    if amount <= 0:
        return [MESSAGES["amount_positive"]]
    errors = []
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            continue
        try:
            validator(amount)
        except ValidationError as error:
            errors += error.messages
    return errors


def investment_check(investment: RoomInvestment, *, exclude=None) -> None:
    exclude = [*(exclude or []), "amount_yuan"]
    errors = _model_errors(investment, exclude)
    if amount_errors := _amount_errors(investment.amount_yuan):
        errors["amount_yuan"] = amount_errors
    if (
        "invested_on" not in errors
        and investment.invested_on
        and investment.invested_on > timezone.localdate()
    ):
        _add(errors, "invested_on", MESSAGES["in_future"])
    raise_errors(errors)


@transaction.atomic
def room_investment_add(*, actor, room: ActivityRoom, **data) -> RoomInvestment:
    organization = room.organization if room else None
    return create_checked(actor, organization, RoomInvestment(room=room, **data), investment_check)


@transaction.atomic
def room_investment_update(
    *, actor, room_investment: RoomInvestment, expected_version=None, precondition=False, **changes
) -> RoomInvestment:
    return scoped_update(
        actor, room_investment, expected_version, precondition, changes, rules=investment_check
    )


@transaction.atomic
def room_investment_delete(*, actor, room_investment: RoomInvestment) -> None:
    scoped_delete(actor, room_investment, lock=True)


# --- standardized-room targets --------------------------------------------------------------------------


def room_target_check(target: StandardizedRoomTarget, *, check_duplicate: bool = True, exclude=None) -> None:
    errors = _model_errors(target, exclude)
    organization = valid_related(target, "organization", errors)
    if organization is not None and organization.kind not in COMMITTEE_KINDS:
        _add(errors, "organization", MESSAGES["target_place"])
    if check_duplicate and organization is not None and not errors.keys() & {"organization", "year"}:
        taken = StandardizedRoomTarget.objects.filter(organization=organization, year=target.year)
        if taken.exclude(pk=target.pk).exists():
            params = {"organization": organization, "year": target.year}
            _add(errors, "year", MESSAGES["target_taken"] % params)
    raise_errors(errors)


@transaction.atomic
def room_target_set(*, actor, organization: Organization, year: int, target: int) -> StandardizedRoomTarget:
    """A county administrator sets how many standardized rooms a township or street is to have by the end
    of ``year``."""
    room_target = StandardizedRoomTarget(organization=organization, year=year, target=target)
    return create_checked(actor, organization, room_target, room_target_check, Capability.POLICY)


@transaction.atomic
def room_target_update(
    *, actor, room_target: StandardizedRoomTarget, expected_version=None, precondition=False, **changes
) -> StandardizedRoomTarget:
    return scoped_update(actor, room_target, expected_version, precondition, changes, rules=room_target_check)


@transaction.atomic
def room_target_delete(*, actor, room_target: StandardizedRoomTarget) -> None:
    scoped_delete(actor, room_target, lock=True)


# --- reports and reviews --------------------------------------------------------------------------------


def review_check(record: ReviewRecord, *, check_duplicate: bool = True, exclude=None) -> None:
    """The model refuses a date in the future and more satisfied votes than participants; here: a branch's
    record, and one record of a kind a day (a second is a double entry that would inflate the count)."""
    errors = _model_errors(record, exclude)
    organization = valid_related(record, "organization", errors)
    if organization is not None and not organization.is_branch:
        _add(errors, "organization", MESSAGES["branch_only"])
    if (
        check_duplicate
        and organization is not None
        and not errors.keys() & {"organization", "kind", "held_on"}
    ):
        same = ReviewRecord.objects.filter(
            organization=organization, kind=record.kind, held_on=record.held_on
        )
        if same.exclude(pk=record.pk).exists():
            params = {"organization": organization, "kind": record.get_kind_display(), "day": record.held_on}
            _add(errors, "held_on", MESSAGES["review_taken"] % params)
    raise_errors(errors)


@transaction.atomic
def review_record_create(*, actor, organization: Organization, **data) -> ReviewRecord:
    return create_checked(actor, organization, ReviewRecord(organization=organization, **data), review_check)


@transaction.atomic
def review_record_update(
    *, actor, review_record: ReviewRecord, expected_version=None, precondition=False, **changes
) -> ReviewRecord:
    return scoped_update(actor, review_record, expected_version, precondition, changes, rules=review_check)


@transaction.atomic
def review_record_delete(*, actor, review_record: ReviewRecord) -> None:
    scoped_delete(actor, review_record, lock=True)


# --- financial disclosures ------------------------------------------------------------------------------


def period_start(year: int, period: int) -> dt.date:
    return dt.date(year, PERIOD_START_MONTH[DisclosurePeriod(period)], 1)


def disclosure_check(disclosure: FinancialDisclosure, *, check_duplicate: bool = True, exclude=None) -> None:
    """One disclosure per branch, year and half, made public during the half or after it."""
    errors = _model_errors(disclosure, exclude)
    organization = valid_related(disclosure, "organization", errors)
    if organization is not None and not organization.is_branch:
        _add(errors, "organization", MESSAGES["branch_only"])
    period_known = not errors.keys() & {"year", "period"} and disclosure.year and disclosure.period
    if period_known and "disclosed_on" not in errors and disclosure.disclosed_on:
        start = period_start(disclosure.year, disclosure.period)
        if disclosure.disclosed_on < start:
            params = {"period": disclosure.get_period_display(), "year": disclosure.year, "start": start}
            _add(errors, "disclosed_on", MESSAGES["disclosure_too_early"] % params)
    if check_duplicate and organization is not None and period_known:
        same = FinancialDisclosure.objects.filter(
            organization=organization, year=disclosure.year, period=disclosure.period
        )
        if same.exclude(pk=disclosure.pk).exists():
            params = {
                "organization": organization,
                "period": disclosure.get_period_display(),
                "year": disclosure.year,
            }
            _add(errors, "period", MESSAGES["disclosure_taken"] % params)
    raise_errors(errors)


@transaction.atomic
def disclosure_create(*, actor, organization: Organization, **data) -> FinancialDisclosure:
    disclosure = FinancialDisclosure(organization=organization, **data)
    return create_checked(actor, organization, disclosure, disclosure_check)


@transaction.atomic
def disclosure_update(
    *, actor, disclosure: FinancialDisclosure, expected_version=None, precondition=False, **changes
) -> FinancialDisclosure:
    return scoped_update(actor, disclosure, expected_version, precondition, changes, rules=disclosure_check)


@transaction.atomic
def disclosure_delete(*, actor, disclosure: FinancialDisclosure) -> None:
    scoped_delete(actor, disclosure, lock=True)
