"""Every write to meetings (三会一课), trainings, study records and township leaders' contact points.

Rules beyond the models' own ``clean()`` live here, each refused with a message naming who stands in the
way. The counters a meeting carries (members expected, attendees) and a training's level are derived here,
never entered. People (attendees) are set after the record is saved; simple-history records each change of
them as a row of its own, with the same user.
"""

import calendar
import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import COMMITTEE_KINDS, Organization, StaffRole
from branches.scope.editing import scoped_delete, scoped_update
from branches.scope.roles import Role
from branches.services.writing import require_capability, save_new

from ..models import ON_ROLL, Cadre, ContactPoint, Meeting, Member, StudyRecord, Training
from ..selectors.activities import LEVEL_BY_KIND

NAME_SEPARATOR = "、"

MESSAGES = {
    "organization_required": _(
        "Choose the organization: it can be left out only by the secretary of a single party branch."
    ),
    "meeting_place": _("Meetings of the three meetings and one lecture are held by a party branch."),
    "not_on_roll": _(
        "Not on the roll of %(organization)s or a branch under it, so cannot be recorded as attending: "
        "%(names)s."
    ),
    "outside_organizer": _(
        "Not within %(organization)s, which organizes this training, so cannot be recorded as attending: "
        "%(names)s."
    ),
    "not_serving": _("Did not hold the post on the training days (%(start)s to %(end)s): %(names)s."),
    "study_duplicate": _(
        "%(cadre)s already has a study record for %(year)s-%(month)02d; edit that record instead."
    ),
    "study_outside_term": _("%(cadre)s did not hold the post in %(year)s-%(month)02d (term %(term)s)."),
    "term_open": _("from %(started)s"),
    "term_closed": _("%(started)s to %(ended)s"),
    "contact_place": _("A contact point is a village or community party branch."),
    "contact_no_committee": _("%(organization)s has no township or street party committee above it."),
    "contact_leader": _(
        "%(leader)s is not a member on the roll of a branch under %(committee)s, the committee above the "
        "contact village; a contact point's leader comes from that township."
    ),
    "contact_duplicate": _("%(leader)s already has %(organization)s as a contact point for %(year)s."),
    "member_not_visible": _("There is no such party member among the records you can see."),
}


def _error(field: str, key: str, **params):
    message = MESSAGES[key]
    return ValidationError({field: message % params if params else message})


def _model_errors(instance, **options) -> dict[str, list]:
    try:
        instance.full_clean(**options)
    except ValidationError as error:
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {}


def _related(record, field: str, errors: dict):
    """The related object the rules read, or None when it is missing or already wrong."""
    if field in errors or getattr(record, f"{field}_id") is None:
        return None
    return getattr(record, field)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _pks(people) -> list[int]:
    """Primary keys of people given as objects or ids, once each, in the order given."""
    return list(dict.fromkeys(getattr(person, "pk", person) for person in people or ()))


def _names(rows) -> str:
    return NAME_SEPARATOR.join(str(row) for row in rows)


def _recorded(record, field: str) -> list[int]:
    return list(getattr(record, field).values_list("pk", flat=True))


def committee_above(organization: Organization) -> Organization | None:
    """The nearest township or street committee above ``organization``."""
    ancestor_ids = [int(pk) for pk in organization.path.strip("/").split("/")[:-1]]
    return (
        Organization.objects.filter(pk__in=ancestor_ids, kind__in=COMMITTEE_KINDS).order_by("-path").first()
    )


# --- meetings -----------------------------------------------------------------------------------------


def own_branch(actor) -> Organization | None:
    """The branch of a secretary of exactly one branch (the quick-entry default); otherwise None."""
    if actor is None or not actor.is_authenticated:
        return None
    roles = list(
        StaffRole.objects.filter(
            user=actor, role=Role.BRANCH_SECRETARY, organization__dissolved_on__isnull=True
        ).select_related("organization")[:2]
    )
    return roles[0].organization if len(roles) == 1 else None


def members_on_roll(organization: Organization) -> int:
    """Members a meeting of ``organization`` expects: those on the roll of its subtree. One COUNT."""
    return Member.objects.on_roll().filter(branch__path__startswith=organization.path).count()


def _off_roll(organization: Organization, pks) -> list[Member]:
    """Of the members ``pks``, those who are not on the roll of ``organization``'s subtree. One query."""
    if not pks:
        return []
    rows = Member.objects.filter(pk__in=pks).select_related("branch").only("name", "status", "branch__path")
    found = {member.pk: member for member in rows}
    return [
        member
        for pk in pks
        if (member := found.get(pk)) is not None
        and not (member.status in ON_ROLL and member.branch.path.startswith(organization.path))
    ]


def meeting_check(meeting: Meeting, attendees=(), *, already_recorded=frozenset(), exclude=None) -> None:
    """Every rule a meeting must follow; the admin form and the import call it too. Attendees recorded
    before at the same organization stay even if they have left the roll since (they were on it then)."""
    errors = _model_errors(meeting, exclude=exclude)
    organization = _related(meeting, "organization", errors)
    if organization is not None and not organization.is_branch:
        errors.setdefault("organization", []).append(MESSAGES["meeting_place"])
    elif organization is not None:
        new = [pk for pk in _pks(attendees) if pk not in already_recorded]
        refused = _off_roll(organization, new)
        if refused:
            params = {"organization": organization, "names": _names(refused)}
            errors.setdefault("attendees", []).append(MESSAGES["not_on_roll"] % params)
    _raise(errors)


def _count_attendance(meeting: Meeting, attendees: list[int]) -> None:
    meeting.members_expected = members_on_roll(meeting.organization)
    meeting.attendee_count = len(attendees)


@transaction.atomic
def meeting_record(
    *, actor, kind, topic, organization=None, held_on=None, attendees=(), speaker="", minutes=""
) -> Meeting:
    """Quick entry: one call, the date defaults to today and the organization to the secretary's branch."""
    organization = organization or own_branch(actor)
    if organization is None:
        raise _error("organization", "organization_required")
    require_capability(actor, organization)
    meeting = Meeting(
        organization=organization,
        kind=kind,
        held_on=held_on or timezone.localdate(),
        topic=topic,
        speaker=speaker,
        minutes=minutes,
    )
    attendees = _pks(attendees)
    meeting_check(meeting, attendees)
    _count_attendance(meeting, attendees)
    return save_new(actor, meeting, attendees=attendees)


@transaction.atomic
def meeting_update(
    *, actor, meeting: Meeting, expected_version=None, precondition=False, **changes
) -> Meeting:
    """Edit a meeting; the members expected are counted again and the attendees with them."""
    given = changes.pop("attendees", None)
    moved = False

    def check():
        if "organization" in changes:
            if changes["organization"] is None:
                raise _error("organization", "organization_required")
            require_capability(actor, changes["organization"])

    def prepare(meeting, changes):
        nonlocal moved
        moved = "organization" in changes and changes["organization"].pk != meeting.organization_id
        return changes

    def rules(meeting):
        recorded = _recorded(meeting, "attendees")
        attendees = recorded if given is None else _pks(given)
        meeting_check(meeting, attendees, already_recorded=frozenset() if moved else frozenset(recorded))
        _count_attendance(meeting, attendees)

    def after_save(meeting):
        if given is not None:
            meeting.attendees.set(_pks(given))

    return scoped_update(
        actor,
        meeting,
        expected_version,
        precondition,
        changes,
        check=check,
        prepare=prepare,
        rules=rules,
        after_save=after_save,
    )


@transaction.atomic
def meeting_delete(*, actor, meeting: Meeting) -> None:
    scoped_delete(actor, meeting)


# --- trainings ----------------------------------------------------------------------------------------


def training_level(organizer: Organization) -> str:
    """County committee → county, township or street committee → township, a branch → village."""
    return LEVEL_BY_KIND[organizer.kind]


def last_day(training: Training) -> dt.date:
    """Half a day still takes a day of the calendar."""
    return training.held_on + dt.timedelta(days=max(math.ceil(training.days) - 1, 0))


def _cadres_of(pks) -> dict[int, Cadre]:
    return {cadre.pk: cadre for cadre in Cadre.objects.filter(pk__in=pks).select_related("organization")}


def training_check(training: Training, member_attendees=(), cadre_attendees=(), *, exclude=None) -> None:
    """Every rule a training must follow; the admin form and the import call it too. Attendees come from
    the organizer's subtree: members on its roll, cadres holding a post there on the training days."""
    errors = _model_errors(training, exclude=exclude)
    organizer = _related(training, "organizer", errors)
    if organizer is None:
        _raise(errors)
        return
    members = _off_roll(organizer, _pks(member_attendees))
    if members:
        params = {"organization": organizer, "names": _names(members)}
        errors.setdefault("member_attendees", []).append(MESSAGES["outside_organizer"] % params)
    cadres = _cadres_of(_pks(cadre_attendees)).values()
    outside = [c for c in cadres if not c.organization.path.startswith(organizer.path)]
    if outside:
        params = {"organization": organizer, "names": _names(c.name for c in outside)}
        errors.setdefault("cadre_attendees", []).append(MESSAGES["outside_organizer"] % params)
    if training.held_on is not None and training.days is not None and not errors.keys() & {"held_on", "days"}:
        start, end = training.held_on, last_day(training)
        idle = [c for c in cadres if c.started_on > end or (c.ended_on is not None and c.ended_on < start)]
        if idle:
            params = {"start": start, "end": end, "names": _names(c.name for c in idle)}
            errors.setdefault("cadre_attendees", []).append(MESSAGES["not_serving"] % params)
    _raise(errors)


@transaction.atomic
def training_record(*, actor, organizer, member_attendees=(), cadre_attendees=(), **data) -> Training:
    require_capability(actor, organizer)
    training = Training(organizer=organizer, level=training_level(organizer), **data)
    members, cadres = _pks(member_attendees), _pks(cadre_attendees)
    training_check(training, members, cadres)
    return save_new(actor, training, member_attendees=members, cadre_attendees=cadres)


@transaction.atomic
def training_update(
    *, actor, training: Training, expected_version=None, precondition=False, **changes
) -> Training:
    """Edit a training; a new organizer brings its level and re-checks every attendee."""
    given = {name: changes.pop(name) for name in ("member_attendees", "cadre_attendees") if name in changes}

    def check():
        if "organizer" in changes:
            require_capability(actor, changes["organizer"])

    def rules(training):
        training.level = training_level(training.organizer)
        people = {
            name: _pks(given[name]) if name in given else _recorded(training, name)
            for name in ("member_attendees", "cadre_attendees")
        }
        training_check(training, people["member_attendees"], people["cadre_attendees"])

    def after_save(training):
        for name, pks in given.items():
            getattr(training, name).set(_pks(pks))

    return scoped_update(
        actor,
        training,
        expected_version,
        precondition,
        changes,
        check=check,
        rules=rules,
        after_save=after_save,
    )


@transaction.atomic
def training_delete(*, actor, training: Training) -> None:
    scoped_delete(actor, training)


# --- study records ------------------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def study_check(record: StudyRecord, *, exclude=None, unique=True) -> None:
    """Every rule a study record must follow; the admin form and the import call it too (the import finds
    duplicates for a whole chunk at once, so it passes ``unique=False``)."""
    errors = _model_errors(record, exclude=exclude, validate_constraints=False)
    if errors.keys() & {"cadre", "year", "month"} or _related(record, "cadre", errors) is None:
        _raise(errors)
        return
    cadre = record.cadre
    first, last = month_bounds(record.year, record.month)
    if cadre.started_on > last or (cadre.ended_on is not None and cadre.ended_on < first):
        term = MESSAGES["term_open" if cadre.ended_on is None else "term_closed"] % {
            "started": cadre.started_on,
            "ended": cadre.ended_on,
        }
        params = {"cadre": cadre.name, "year": record.year, "month": record.month, "term": term}
        errors.setdefault("month", []).append(MESSAGES["study_outside_term"] % params)
    elif unique and _study_taken(record):
        params = {"cadre": cadre.name, "year": record.year, "month": record.month}
        errors.setdefault("month", []).append(MESSAGES["study_duplicate"] % params)
    _raise(errors)


def _study_taken(record: StudyRecord) -> bool:
    same = StudyRecord.objects.filter(cadre_id=record.cadre_id, year=record.year, month=record.month)
    return same.exclude(pk=record.pk).exists() if record.pk else same.exists()


@transaction.atomic
def study_record(*, actor, cadre: Cadre, **data) -> StudyRecord:
    """One record per cadre and month; it belongs to the cadre's organization."""
    require_capability(actor, cadre.organization)
    record = StudyRecord(cadre=cadre, organization=cadre.organization, **data)
    study_check(record)
    return save_new(actor, record)


@transaction.atomic
def study_update(
    *, actor, study: StudyRecord, expected_version=None, precondition=False, **changes
) -> StudyRecord:
    def check():
        if "cadre" in changes:
            require_capability(actor, changes["cadre"].organization)

    def rules(record):
        record.organization = record.cadre.organization
        study_check(record)

    return scoped_update(actor, study, expected_version, precondition, changes, check=check, rules=rules)


@transaction.atomic
def study_delete(*, actor, study: StudyRecord) -> None:
    scoped_delete(actor, study)


# --- contact points -----------------------------------------------------------------------------------


def contact_point_check(point: ContactPoint, *, exclude=None, unique=True, committee_of=None) -> None:
    """Every rule a contact point must follow; the admin form and the import call it too. The leader is a
    member on the roll of a branch under the township (street) committee above the contact village."""
    errors = _model_errors(point, exclude=exclude, validate_constraints=False)
    village, leader = _related(point, "organization", errors), _related(point, "leader", errors)
    if village is None or leader is None or "year" in errors:
        _raise(errors)
        return
    committee = (committee_of or committee_above)(village)
    if not village.is_rural:
        errors.setdefault("organization", []).append(MESSAGES["contact_place"])
    elif committee is None:
        errors.setdefault("organization", []).append(
            MESSAGES["contact_no_committee"] % {"organization": village}
        )
    elif leader.status not in ON_ROLL or not leader.branch.path.startswith(committee.path):
        errors.setdefault("leader", []).append(
            MESSAGES["contact_leader"] % {"leader": leader, "committee": committee}
        )
    elif unique and _contact_taken(point):
        params = {"leader": leader, "organization": village, "year": point.year}
        errors.setdefault("year", []).append(MESSAGES["contact_duplicate"] % params)
    _raise(errors)


def _contact_taken(point: ContactPoint) -> bool:
    same = ContactPoint.objects.filter(
        leader_id=point.leader_id, organization_id=point.organization_id, year=point.year
    )
    return same.exclude(pk=point.pk).exists() if point.pk else same.exists()


def _require_visible_member(actor, member) -> None:
    if member is not None and not Member.objects.restrict(actor, "view").filter(pk=member.pk).exists():
        raise _error("leader", "member_not_visible")


@transaction.atomic
def contact_point_record(*, actor, leader: Member, organization: Organization, **data) -> ContactPoint:
    require_capability(actor, organization)
    _require_visible_member(actor, leader)
    point = ContactPoint(leader=leader, organization=organization, **data)
    contact_point_check(point)
    return save_new(actor, point)


@transaction.atomic
def contact_point_update(
    *, actor, contact_point: ContactPoint, expected_version=None, precondition=False, **changes
) -> ContactPoint:
    def check():
        if "organization" in changes:
            require_capability(actor, changes["organization"])
        if "leader" in changes:
            _require_visible_member(actor, changes["leader"])

    return scoped_update(
        actor, contact_point, expected_version, precondition, changes, check=check, rules=contact_point_check
    )


@transaction.atomic
def contact_point_delete(*, actor, contact_point: ContactPoint) -> None:
    scoped_delete(actor, contact_point)
