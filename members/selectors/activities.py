"""Reads over meetings, trainings, study records and contact points, and the yearly figures the quotas
compare with their targets (docs/quotas.md): ``meet.*``, ``train.per_level``, ``train.secretary``,
``train.rotation``, ``study.village``, ``study.township`` and ``contact.visit``.

Everything here is set-based: one query for any number of organizations, cadres or points, never one per
row. Who attended a training is a person: a cadre row, any other post row of the same member, or the
member's own row all count for that person.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from branches.models import BRANCH_KINDS, RURAL_FIELDS, OrganizationKind

from ..models import (
    Cadre,
    CadrePost,
    ContactPoint,
    Meeting,
    MeetingKind,
    Member,
    StudyRecord,
    Training,
    TrainingAudience,
    TrainingLevel,
)
from .cadres import overlapping

LEVEL_BY_KIND = {
    OrganizationKind.COUNTY_COMMITTEE: TrainingLevel.COUNTY,
    OrganizationKind.TOWNSHIP_COMMITTEE: TrainingLevel.TOWNSHIP,
    OrganizationKind.STREET_COMMITTEE: TrainingLevel.TOWNSHIP,
    OrganizationKind.GENERAL_BRANCH: TrainingLevel.VILLAGE,
    OrganizationKind.BRANCH: TrainingLevel.VILLAGE,
    OrganizationKind.JOINT_BRANCH: TrainingLevel.VILLAGE,
}
TRAININGS_PER_LEVEL = 2
CENTRALIZED_LEVELS = frozenset({TrainingLevel.COUNTY, TrainingLevel.TOWNSHIP})
CENTRALIZED_AUDIENCES = frozenset({TrainingAudience.SECRETARIES, TrainingAudience.TWO_COMMITTEES})
CONTACT_MIN_DAYS = 90


@dataclass(frozen=True)
class StudyTarget:
    code: str
    sessions: int | None
    note_characters: int
    articles: int


STUDY_VILLAGE = StudyTarget("study.village", sessions=12, note_characters=5_000, articles=1)
STUDY_TOWNSHIP = StudyTarget("study.township", sessions=None, note_characters=10_000, articles=2)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


class CountDistinct(Func):
    """COUNT(DISTINCT …) as a plain expression, for a correlated subquery that must return one row
    without a GROUP BY."""

    function = "COUNT"
    template = "COUNT(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def _count(queryset, field: str = "pk"):
    return Coalesce(Subquery(queryset.order_by().annotate(n=CountDistinct(field)).values("n")[:1]), 0)


# --- lists (what the API and the admin show) --------------------------------------------------------


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


# --- meetings (meet.*) -------------------------------------------------------------------------------


def meeting_counts(*, organizations, year: int):
    """``organizations`` annotated with ``meetings_<kind>``, the meetings of each kind held in ``year``
    by the organization itself. One query."""
    start, end = year_bounds(year)
    held = Meeting.objects.filter(organization=OuterRef("pk"), held_on__range=(start, end))
    return organizations.annotate(
        **{f"meetings_{kind}": _count(held.filter(kind=kind)) for kind in MeetingKind.values}
    )


# --- trainings ----------------------------------------------------------------------------------------


def _level_of_kind():
    return Case(
        *[When(kind=kind, then=Value(level)) for kind, level in LEVEL_BY_KIND.items()],
        default=Value(""),
        output_field=CharField(),
    )


def trainings_held(*, organizations, year: int):
    """``train.per_level``: ``organizations`` annotated with ``training_level`` (the level their trainings
    have) and ``trainings_held`` (trainings they organized in ``year``; target ≥2 each). One query."""
    start, end = year_bounds(year)
    organized = Training.objects.filter(organizer=OuterRef("pk"), held_on__range=(start, end))
    return organizations.annotate(training_level=_level_of_kind(), trainings_held=_count(organized))


def centralized(year: int) -> Q:
    """Trainings that count as centralized training of secretaries: held by the county or a township for
    secretaries or the two committees, starting in ``year``."""
    start, end = year_bounds(year)
    return Q(
        held_on__range=(start, end),
        level__in=CENTRALIZED_LEVELS,
        audience__in=CENTRALIZED_AUDIENCES,
    )


def _attended_by_member(member_ref) -> Q:
    """Trainings the member ``member_ref`` attended, in person (member row) or through any post row."""
    return Q(member_attendees=member_ref) | Q(cadre_attendees__member=member_ref)


def secretaries_trained(*, organizations, year: int):
    """``train.secretary``: the secretary posts of ``organizations`` held at some time in ``year``,
    annotated with ``centralized_trainings`` (distinct centralized trainings the person attended that year;
    target ≥1). One query."""
    start, end = year_bounds(year)
    attended = Training.objects.filter(centralized(year)).filter(
        Q(cadre_attendees=OuterRef("pk")) | _attended_by_member(OuterRef("member_id"))
    )
    return (
        Cadre.objects.filter(organization__in=organizations, post=CadrePost.SECRETARY)
        .filter(overlapping(start, end))
        .select_related("organization")
        .annotate(centralized_trainings=_count(attended))
    )


def member_rotation(*, organizations, year: int):
    """``train.rotation``: ``organizations`` annotated with ``rural_members`` (members on the roll of the
    village and community branches in their subtree) and ``rural_members_trained`` (those of them who
    attended any training in ``year``). One query whatever the number of organizations."""
    start, end = year_bounds(year)
    rural = Member.objects.on_roll().filter(
        branch__path__startswith=OuterRef("path"), branch__field__in=RURAL_FIELDS
    )
    trained = Training.objects.filter(held_on__range=(start, end)).filter(_attended_by_member(OuterRef("pk")))
    return organizations.annotate(
        rural_members=_count(rural), rural_members_trained=_count(rural.filter(Exists(trained)))
    )


def rotation_share(organization) -> float | None:
    """Share of rural members trained, from an organization annotated by ``member_rotation``."""
    if not organization.rural_members:
        return None
    return round(organization.rural_members_trained / organization.rural_members, 4)


# --- study ----------------------------------------------------------------------------------------------


def study_totals(*, cadres, year: int):
    """``cadres`` annotated with their study in ``year``: ``study_sessions``, ``study_note_characters``,
    ``study_articles`` and ``study_months`` (months recorded). One query."""
    records = StudyRecord.objects.filter(cadre=OuterRef("pk"), year=year).order_by().values("cadre")

    def total(expression):
        return Coalesce(Subquery(records.annotate(total=expression).values("total")), 0)

    return cadres.annotate(
        study_sessions=total(Sum("sessions")),
        study_note_characters=total(Sum("note_characters")),
        study_articles=total(Sum("articles")),
        study_months=total(Count("pk")),
    )


def study_target_for(cadre: Cadre) -> StudyTarget:
    """Village cadres (a branch's posts) have the village targets; cadres of a committee the township's."""
    return STUDY_VILLAGE if cadre.organization.kind in BRANCH_KINDS else STUDY_TOWNSHIP


@dataclass(frozen=True)
class StudyProgress:
    cadre: Cadre
    target: StudyTarget
    sessions: int
    note_characters: int
    articles: int

    @property
    def sessions_met(self) -> bool:
        return self.target.sessions is None or self.sessions >= self.target.sessions

    @property
    def note_characters_met(self) -> bool:
        return self.note_characters >= self.target.note_characters

    @property
    def articles_met(self) -> bool:
        return self.articles >= self.target.articles

    @property
    def met(self) -> bool:
        return self.sessions_met and self.note_characters_met and self.articles_met


def study_progress(*, cadres, year: int) -> list[StudyProgress]:
    """``study.village`` and ``study.township``: each cadre's year against the target of their level.
    One query."""
    rows = study_totals(cadres=cadres.select_related("organization"), year=year)
    return [
        StudyProgress(
            cadre=cadre,
            target=study_target_for(cadre),
            sessions=cadre.study_sessions,
            note_characters=cadre.study_note_characters,
            articles=cadre.study_articles,
        )
        for cadre in rows
    ]


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
