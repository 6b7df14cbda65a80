"""Every write about members working away (流动党员, docs/mobile-members.md): a spell away starts, its details
change, the member comes back, the branch logs a contact. Each keeps the member's own summary fields
(``is_mobile``, ``mobile_destination``, ``mobile_contact_person``, ``mobile_last_contact_on``) in step, so
the roster, its exports and filters read the same facts as the away records."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from branches.models.bases import refuse_record_date
from branches.scope.editing import scoped_update
from branches.services.writing import require_capability
from branches.services.writing import save_new

from ..models import ON_ROLL
from ..models import AwayContact
from ..models import AwayRecord
from ..models import Member
from ..models.mobile import AWAY_DETAIL_FIELDS

MESSAGES = {
    "not_on_roll": _("%(name)s is not on the roll of a branch (status: %(status)s)."),
    "already_away": _("%(name)s is already recorded as working away in %(destination)s since %(left_on)s."),
    "before_joining": _("The member joined the party on %(joined_on)s; the spell away cannot start before."),
    "overlaps": _(
        "%(name)s came back on %(back_on)s from the previous spell away; this one starts after it."
    ),
    "back_before_left": _("The member left on %(left_on)s; coming back cannot be earlier."),
    "already_back": _("%(name)s is already recorded as back on %(back_on)s."),
    "back_before_contact": _("A contact is logged on %(contacted_on)s; coming back cannot be earlier."),
    "contact_before_left": _("The member left on %(left_on)s; a contact while away cannot be earlier."),
    "contact_after_back": _("The member came back on %(back_on)s; a contact while away cannot be later."),
    "destination_required": _("Say where the member works."),
    "back_on_create": _("Record the spell away first, then the day the member came back."),
}


def _summarize(member: Member) -> None:
    """The member's summary fields from the open spell and its last contact (none open: not mobile)."""
    away = member.away_records.filter(back_on__isnull=True).first()
    if away is None:
        changes = {"is_mobile": False}
    else:
        last = away.contacts.order_by("-contacted_on").values_list("contacted_on", flat=True).first()
        changes = {
            "is_mobile": True,
            "mobile_destination": away.destination[:100],
            "mobile_contact_person": away.contact_name,
            "mobile_last_contact_on": last,
        }
    Member.objects.filter(pk=member.pk).update(**changes)


def _start_rules(away: AwayRecord) -> None:
    member = away.member
    names = {"name": member.name}
    if not (away.destination or "").strip():
        raise ValidationError({"destination": MESSAGES["destination_required"]})
    refuse_record_date("left_on", away.left_on)
    if away.left_on is not None and away.left_on < member.joined_on:
        raise ValidationError({"left_on": MESSAGES["before_joining"] % {"joined_on": member.joined_on}})
    others = member.away_records.exclude(pk=away.pk)
    open_one = others.filter(back_on__isnull=True).first()
    if open_one is not None:
        params = {**names, "destination": open_one.destination, "left_on": open_one.left_on}
        raise ValidationError({"member": MESSAGES["already_away"] % params})
    last_back = others.order_by("-back_on").values_list("back_on", flat=True).first()
    if last_back is not None and away.left_on is not None and away.left_on <= last_back:
        raise ValidationError({"left_on": MESSAGES["overlaps"] % {**names, "back_on": last_back}})


@transaction.atomic
def away_record_start(
    *,
    actor,
    member: Member,
    destination: str,
    left_on: dt.date,
    work_unit: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    host_organization: str = "",
) -> AwayRecord:
    """``member`` has left to work in ``destination`` on ``left_on``: a new open spell away."""
    require_capability(actor, member.branch)
    if member.status not in ON_ROLL:
        params = {"name": member.name, "status": member.get_status_display()}
        raise ValidationError({"member": MESSAGES["not_on_roll"] % params})
    away = AwayRecord(
        member=member,
        destination=(destination or "").strip(),
        work_unit=(work_unit or "").strip(),
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        host_organization=(host_organization or "").strip(),
        left_on=left_on,
        recorded_by=actor,
    )
    _start_rules(away)
    away.full_clean()
    save_new(actor, away)
    _summarize(member)
    return away


@transaction.atomic
def away_record_update(
    *, actor, away: AwayRecord, expected_version=None, precondition=False, **changes
) -> AwayRecord:
    """Correct where the member works, who to reach them through, the organization there or the day left."""
    unknown = set(changes) - {*AWAY_DETAIL_FIELDS, "back_on"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})

    def rules(record):
        _start_rules(record)
        if "back_on" in changes:
            _back_rules(record)

    record = scoped_update(actor, away, expected_version, precondition, changes, rules=rules)
    _summarize(record.member)
    return record


def _back_rules(away: AwayRecord) -> None:
    if away.back_on is None:
        return
    refuse_record_date("back_on", away.back_on)
    if away.back_on < away.left_on:
        raise ValidationError({"back_on": MESSAGES["back_before_left"] % {"left_on": away.left_on}})
    last = away.contacts.order_by("-contacted_on").values_list("contacted_on", flat=True).first()
    if last is not None and away.back_on < last:
        raise ValidationError({"back_on": MESSAGES["back_before_contact"] % {"contacted_on": last}})


@transaction.atomic
def away_record_end(
    *, actor, away: AwayRecord, back_on: dt.date, expected_version=None, precondition=False
) -> AwayRecord:
    """The member came back on ``back_on``: the spell closes and the member is no longer away."""
    if away.back_on is not None:
        params = {"name": away.member.name, "back_on": away.back_on}
        raise ValidationError({"back_on": MESSAGES["already_back"] % params})
    if back_on is None:
        raise ValidationError({"back_on": _("Enter the day the member came back.")})
    record = scoped_update(
        actor, away, expected_version, precondition, {"back_on": back_on}, rules=_back_rules
    )
    _summarize(record.member)
    return record


@transaction.atomic
def away_contact_record(
    *, actor, away: AwayRecord, contacted_on: dt.date, way: str, note: str = ""
) -> AwayContact:
    """The branch reached a member away on ``contacted_on`` (by ``way``); ``actor`` made the contact."""
    require_capability(actor, away.member.branch)
    refuse_record_date("contacted_on", contacted_on)
    if contacted_on is not None and contacted_on < away.left_on:
        raise ValidationError({"contacted_on": MESSAGES["contact_before_left"] % {"left_on": away.left_on}})
    if contacted_on is not None and away.back_on is not None and contacted_on > away.back_on:
        raise ValidationError({"contacted_on": MESSAGES["contact_after_back"] % {"back_on": away.back_on}})
    contact = AwayContact(
        away=away, contacted_on=contacted_on, way=way, note=(note or "").strip(), recorded_by=actor
    )
    contact.full_clean()
    save_new(actor, contact)
    _summarize(away.member)
    return contact
