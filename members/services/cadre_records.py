"""Every write to cadres' monthly study records and township leaders' contact points.

The rules beyond the models' own ``clean()`` live here; the messages are in ``checks``.
"""

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone

from branches.models import Organization
from branches.models.bases import model_errors
from branches.models.bases import raise_errors
from branches.models.bases import valid_related
from branches.scope.editing import scoped_delete
from branches.scope.editing import scoped_update
from branches.selectors.tree import committee_above
from branches.selectors.tree import committees_above
from branches.services.writing import create_checked
from branches.services.writing import require_capability
from branches.services.writing import save_new

from ..models import Cadre
from ..models import ContactPoint
from ..models import Member
from ..models import StudyRecord
from ..models.activities import CONTACT_DAYS
from ..selectors.roster import rolls_on
from .checks import MESSAGES
from .checks import _error
from .checks import _taken

# --- study records ------------------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def study_check(record: StudyRecord, *, exclude=None, unique=True) -> None:
    """Every rule a study record must follow; the admin form and the import call it too (the import finds
    duplicates for a whole chunk at once, so it passes ``unique=False``)."""
    errors = model_errors(record, exclude=exclude, validate_constraints=False)
    if errors.keys() & {"cadre", "year", "month"} or valid_related(record, "cadre", errors) is None:
        raise_errors(errors)
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
    elif unique and _taken(record, "cadre_id", "year", "month"):
        params = {"cadre": cadre.name, "year": record.year, "month": record.month}
        errors.setdefault("month", []).append(MESSAGES["study_duplicate"] % params)
    raise_errors(errors)


@transaction.atomic
def study_record(*, actor, cadre: Cadre, **data) -> StudyRecord:
    """One record per cadre and month; it belongs to the cadre's organization."""
    record = StudyRecord(cadre=cadre, organization=cadre.organization, **data)
    return create_checked(actor, cadre.organization, record, study_check)


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


def contact_point_check(
    point: ContactPoint, *, exclude=None, unique=True, committee_of=None, rolls=None
) -> None:
    """Every rule a contact point must follow; the admin form and the import call it too. The leader is a
    member on the roll of a branch under the township (street) committee above the contact village on each
    day recorded (lecture, check, activity), or, before any is, on the last day of the year or today. The
    import asks for a whole chunk at once (``contact_points_facts``) and passes what it found: the committee
    of each village (``committee_of``) and the answers of the roll (``rolls``)."""
    errors = model_errors(point, exclude=exclude, validate_constraints=False)
    village, leader = valid_related(point, "organization", errors), valid_related(point, "leader", errors)
    if village is None or leader is None or "year" in errors:
        raise_errors(errors)
        return
    committee = (committee_of or committee_above)(village)
    if not village.is_rural:
        errors.setdefault("organization", []).append(MESSAGES["contact_place"])
    elif committee is None:
        errors.setdefault("organization", []).append(
            MESSAGES["contact_no_committee"] % {"organization": village}
        )
    elif days := _leader_off_roll(point, committee, errors, rolls or {}):
        days = "、".join(str(day) for day in days)
        errors.setdefault("leader", []).append(
            MESSAGES["contact_leader"] % {"leader": leader, "committee": committee, "days": days}
        )
    elif unique and _taken(point, "leader_id", "organization_id", "year"):
        params = {"leader": leader, "organization": village, "year": point.year}
        errors.setdefault("year", []).append(MESSAGES["contact_duplicate"] % params)
    raise_errors(errors)


def _leader_days(point: ContactPoint, errors: dict) -> list[dt.date]:
    """The days the leader must be on the roll: those the contact happened on (without an error of their
    own), or, before any is, the last day of the year or today."""
    days = sorted({day for field in CONTACT_DAYS if field not in errors and (day := getattr(point, field))})
    return days or [min(timezone.localdate(), dt.date(point.year, 12, 31))]


def _leader_off_roll(
    point: ContactPoint, committee: Organization, errors: dict, rolls: dict
) -> list[dt.date]:
    """The days the leader was not on the roll of ``committee``'s subtree (docs/records.md, "On the roll on
    a day"), read from ``rolls`` when it has them, else asked: one query."""
    checks = [(point.leader_id, committee, day) for day in _leader_days(point, errors)]
    missing = [check for check in checks if check not in rolls]
    if missing:
        rolls = {**rolls, **rolls_on(missing)}
    return [check[2] for check in checks if not rolls[check]]


def contact_points_facts(points) -> tuple[dict, dict]:
    """What ``contact_point_check`` reads, for many contact points at once (an import's chunk): the committee
    above each village (by id) and the roll on each day of each leader. Two queries."""
    points = [
        p
        for p in points
        if p.organization_id is not None
        and p.leader_id is not None
        and dt.MINYEAR <= (p.year or 0) <= dt.MAXYEAR
    ]
    committees = committees_above({p.organization_id: p.organization for p in points}.values())
    checks = [
        (point.leader_id, committee, day)
        for point in points
        if (committee := committees[point.organization_id]) is not None
        for day in _leader_days(point, {})
    ]
    return committees, rolls_on(checks) if checks else {}


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
