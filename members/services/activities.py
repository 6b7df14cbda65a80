"""Every write to meetings (三会一课) and trainings; study records and contact points are in ``cadre_records``
(re-exported here, where the API, admin and import modules look them up).

Rules beyond the models' own ``clean()`` live here, each refused with a message naming who stands in the
way. The counters a meeting carries (members expected, attendees) and a training's level are derived here,
never entered. People (attendees) are set after the record is saved; simple-history records each change of
them as a row of its own, with the same user.
"""

import datetime as dt
import math

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from branches.models import Organization
from branches.models import StaffRole
from branches.models.bases import model_errors
from branches.models.bases import raise_errors
from branches.models.bases import valid_related
from branches.scope.editing import scoped_delete
from branches.scope.editing import scoped_update
from branches.scope.roles import Role
from branches.selectors.tree import committee_above
from branches.services.writing import require_capability
from branches.services.writing import save_new

from ..models import Cadre
from ..models import Meeting
from ..models import Member
from ..models import Training
from ..selectors.activities import LEVEL_BY_KIND
from ..selectors.roster import off_roll_on
from ..selectors.roster import roll_on
from .cadre_records import contact_point_check
from .cadre_records import contact_point_delete
from .cadre_records import contact_point_record
from .cadre_records import contact_point_update
from .cadre_records import contact_points_facts
from .cadre_records import month_bounds
from .cadre_records import study_check
from .cadre_records import study_delete
from .cadre_records import study_record
from .cadre_records import study_update
from .checks import MESSAGES
from .checks import _error
from .checks import _existing
from .checks import _names
from .checks import _pks
from .checks import _recorded

__all__ = [
    "MESSAGES",
    "committee_above",
    "contact_point_check",
    "contact_point_delete",
    "contact_point_record",
    "contact_point_update",
    "contact_points_facts",
    "month_bounds",
    "study_check",
    "study_delete",
    "study_record",
    "study_update",
]

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


def members_on_roll(organization: Organization, day: dt.date) -> int:
    """Members a meeting of ``organization`` held on ``day`` expects: those on the roll of its subtree that
    day (docs/records.md, "On the roll on a day"). One COUNT."""
    return roll_on(organization, day).count()


def _off_roll(organization: Organization, day: dt.date | None, pks) -> list[Member]:
    """Of the members ``pks``, those not on the roll of ``organization``'s subtree on ``day``, the day the
    record was held, however late it is entered (docs/records.md, "On the roll on a day"). One query; none
    while the day is missing (the date's own error stands)."""
    if day is None:
        return []
    return off_roll_on(organization, day, pks)


MEETING_KEY = ("organization_id", "kind", "held_on", "topic")
TRAINING_KEY = ("organizer_id", "held_on", "topic")


def _duplicate(record, key: tuple[str, ...], errors: dict, message: str, url_name: str, **params) -> None:
    """Refuse ``record`` under ``topic`` when another has the same ``key`` (docs/records.md, "Entered
    twice"), naming that one and its page; skipped while a part of the key is itself wrong."""
    names = {name.removesuffix("_id") for name in key}
    if names & errors.keys() or (existing := _existing(record, *key)) is None:
        return
    url = reverse(url_name, args=[existing.pk])
    params |= {"day": existing.held_on, "topic": existing.topic, "id": existing.pk, "url": url}
    errors.setdefault("topic", []).append(MESSAGES[message] % params)


def meeting_check(
    meeting: Meeting, attendees=(), *, already_recorded=frozenset(), exclude=None, check_duplicate=True
) -> None:
    """Every rule a meeting must follow; the admin form and the import call it too (the import checks
    duplicates itself, set-based). Attendees are judged on the roll of the day held; those recorded before
    stay while the meeting keeps its organization and day (an event back-dated since does not undo them)."""
    errors = model_errors(meeting, exclude=exclude)
    organization = valid_related(meeting, "organization", errors)
    if organization is not None and not organization.is_branch:
        errors.setdefault("organization", []).append(MESSAGES["meeting_place"])
    elif organization is not None:
        new = [pk for pk in _pks(attendees) if pk not in already_recorded]
        day = None if "held_on" in errors else meeting.held_on
        refused = _off_roll(organization, day, new)
        if refused:
            params = {"organization": organization, "day": day, "names": _names(refused)}
            errors.setdefault("attendees", []).append(MESSAGES["not_on_roll"] % params)
        if check_duplicate:
            params = {"organization": organization, "kind": meeting.get_kind_display()}
            _duplicate(meeting, MEETING_KEY, errors, "meeting_duplicate", "members:meeting-edit", **params)
    raise_errors(errors)


def _count_attendance(meeting: Meeting, attendees: list[int]) -> None:
    meeting.members_expected = members_on_roll(meeting.organization, meeting.held_on)
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
        moved = ("organization" in changes and changes["organization"].pk != meeting.organization_id) or (
            "held_on" in changes and changes["held_on"] != meeting.held_on
        )
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


def training_check(
    training: Training, member_attendees=(), cadre_attendees=(), *, exclude=None, check_duplicate=True
) -> None:
    """Every rule a training must follow; the admin form and the import call it too (the import checks
    duplicates itself, set-based). Attendees come from the organizer's subtree: members on its roll on the
    first day (docs/records.md, "On the roll on a day"), cadres holding a post there on the training days."""
    errors = model_errors(training, exclude=exclude)
    organizer = valid_related(training, "organizer", errors)
    if organizer is None:
        raise_errors(errors)
        return
    day = None if "held_on" in errors else training.held_on
    members = _off_roll(organizer, day, _pks(member_attendees))
    if members:
        params = {"organization": organizer, "day": day, "names": _names(members)}
        errors.setdefault("member_attendees", []).append(MESSAGES["training_off_roll"] % params)
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
    if check_duplicate:
        params = {"organizer": organizer}
        _duplicate(training, TRAINING_KEY, errors, "training_duplicate", "members:training-edit", **params)
    raise_errors(errors)


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
