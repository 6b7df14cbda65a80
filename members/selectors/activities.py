"""Reads over meetings, trainings, study records and contact points: the lists the API, the list pages and
their exports read, and each contact point's progress towards ``contact.visit`` (docs/quotas.md).

Everything here is set-based: one query for any number of rows, never one per row. The yearly figures the
other quotas compare with their targets are computed by the quota engine (assessments/quota/engine.py).
"""

from django.db.models import BooleanField
from django.db.models import ExpressionWrapper
from django.db.models import Prefetch
from django.db.models import Q

from branches.models import OrganizationKind

from ..models import Cadre
from ..models import ContactPoint
from ..models import Meeting
from ..models import Member
from ..models import StudyRecord
from ..models import Training
from ..models import TrainingLevel

LEVEL_BY_KIND = {
    OrganizationKind.COUNTY_COMMITTEE: TrainingLevel.COUNTY,
    OrganizationKind.TOWNSHIP_COMMITTEE: TrainingLevel.TOWNSHIP,
    OrganizationKind.STREET_COMMITTEE: TrainingLevel.TOWNSHIP,
    OrganizationKind.GENERAL_BRANCH: TrainingLevel.VILLAGE,
    OrganizationKind.BRANCH: TrainingLevel.VILLAGE,
    OrganizationKind.JOINT_BRANCH: TrainingLevel.VILLAGE,
}
CONTACT_MIN_DAYS = 90


# --- lists (what the API, the list pages and their exports read) -------------------------------------


def meeting_list(*, user):
    people = Prefetch("attendees", queryset=Member.objects.only("id", "name"))
    return Meeting.objects.restrict(user, "view").select_related("organization").prefetch_related(people)


def training_list(*, user):
    return (
        Training.objects.restrict(user, "view")
        .select_related("organizer")
        .prefetch_related(
            Prefetch("member_attendees", queryset=Member.objects.only("id", "name")),
            Prefetch("cadre_attendees", queryset=Cadre.objects.only("id", "name", "post")),
        )
    )


def study_record_list(*, user):
    return StudyRecord.objects.restrict(user, "view").select_related("organization", "cadre")


def contact_point_list(*, user):
    return contact_point_progress(
        points=ContactPoint.objects.restrict(user, "view").select_related("organization", "leader__branch")
    )


# --- contact points (contact.visit) ---------------------------------------------------------------------


def _flag(condition: Q):
    return ExpressionWrapper(condition, output_field=BooleanField())


def contact_point_progress(*, points, min_days: int = CONTACT_MIN_DAYS):
    """``contact.visit``: ``points`` annotated with ``lecture_done``, ``check_done``, ``activity_done``,
    ``days_met`` (at least ``min_days`` days in the village) and ``complete`` (all four). No extra query."""
    lecture = Q(lecture_on__isnull=False)
    check = Q(check_on__isnull=False)
    activity = Q(activity_on__isnull=False)
    days = Q(days_spent__gte=min_days)
    return points.annotate(
        lecture_done=_flag(lecture),
        check_done=_flag(check),
        activity_done=_flag(activity),
        days_met=_flag(days),
        complete=_flag(lecture & check & activity & days),
    )


def contact_point_flags(point: ContactPoint, min_days: int = CONTACT_MIN_DAYS) -> dict[str, bool]:
    """The same flags for one point in memory (a point just written has no annotations)."""
    flags = {
        "lecture_done": point.lecture_on is not None,
        "check_done": point.check_on is not None,
        "activity_done": point.activity_on is not None,
        "days_met": point.days_spent >= min_days,
    }
    return {**flags, "complete": all(flags.values())}
