"""Drill-down: the records behind one figure of a dashboard, read through the same scope as the figure."""

import datetime as dt

from django.db.models import Q

from branches.models import DEMOCRATIC_REVIEW_KINDS
from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import Organization
from branches.models import ReviewKind
from branches.models import ReviewRecord
from members.models import Cadre
from members.models import ContactPoint
from members.models import Meeting
from members.models import Member
from members.models import ReserveCadre
from members.models import StudyRecord
from members.models import Training
from members.models import VisitLog
from members.selectors.cadres import TWO_COMMITTEE_POSTS
from members.selectors.cadres import in_roster_on
from members.selectors.cadres import serving

from ..indicators import indicator_label
from .dashboard import reference_day
from .dashboard_counts import as_number
from .dashboard_counts import quota_status
from .quotas import published_results


class Drill:
    """The records behind a quota result: ``queryset`` (scoped, ordered), ``columns`` (the labels of the
    model's ``fields``), ``cells(record)``."""

    def __init__(self, queryset, fields, cells):
        self.queryset, self.cells = queryset, cells
        self.columns = [str(queryset.model._meta.get_field(field).verbose_name) for field in fields]


def _date(value) -> str:
    return value.isoformat() if value else ""


def _drill_for(code: str, *, user, organization: Organization, year: int, ref: dt.date) -> Drill | None:

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if code.startswith("meet."):
        queryset = Meeting.objects.restrict(user).filter(
            organization=organization, kind=code.removeprefix("meet."), held_on__range=(first, last)
        )
        return Drill(
            queryset.order_by("held_on", "pk"),
            ("held_on", "kind", "topic", "attendee_count"),
            lambda m: [_date(m.held_on), m.get_kind_display(), m.topic, m.attendee_count],
        )
    if code == "visit.households":
        queryset = VisitLog.objects.restrict(user).filter(
            organization=organization, visited_on__range=(first, last)
        )
        return Drill(
            queryset.select_related("cadre").order_by("cadre__name", "visited_on", "pk"),
            ("visited_on", "cadre", "household_name", "village_group"),
            lambda v: [_date(v.visited_on), v.cadre.name, v.household_name, v.village_group],
        )
    if code.startswith("dev."):
        since = first.replace(year=year - 1) if code == "dev.two_years_none" else first
        queryset = Member.objects.restrict(user).filter(branch=organization, joined_on__range=(since, last))
        return Drill(
            queryset.order_by("joined_on", "pk"),
            ("name", "joined_on", "birth_date", "education"),
            lambda m: [m.name, _date(m.joined_on), _date(m.birth_date), m.get_education_display()],
        )
    if code == "train.per_level":
        queryset = Training.objects.restrict(user).filter(
            organizer=organization, held_on__range=(first, last)
        )
    elif code in ("train.secretary", "train.rotation"):
        attended = Q(member_attendees__branch=organization) | Q(cadre_attendees__organization=organization)
        # Only the trainings the user may read: a township's staff do not see the county's own trainings.
        queryset = Training.objects.restrict(user).filter(attended, held_on__range=(first, last)).distinct()
    else:
        queryset = None
    if queryset is not None:
        return Drill(
            queryset.order_by("held_on", "pk"),
            ("held_on", "level", "topic", "days"),
            lambda t: [_date(t.held_on), t.get_level_display(), t.topic, t.days],
        )
    if code.startswith("study.village."):
        queryset = StudyRecord.objects.restrict(user).filter(organization=organization, year=year)
        return Drill(
            queryset.select_related("cadre").order_by("cadre__name", "month", "pk"),
            ("cadre", "month", "sessions", "note_characters", "articles"),
            lambda s: [s.cadre.name, s.month, s.sessions, s.note_characters, s.articles],
        )
    review_kinds = {
        "review.committee_reports": [ReviewKind.COMMITTEE_REPORT],
        "review.branch_reports": [ReviewKind.BRANCH_REPORT],
        "review.democratic": DEMOCRATIC_REVIEW_KINDS,
    }
    if code in review_kinds:
        queryset = ReviewRecord.objects.restrict(user).filter(
            organization=organization, kind__in=review_kinds[code], held_on__range=(first, last)
        )
        return Drill(
            queryset.order_by("held_on", "pk"),
            ("held_on", "kind", "topic", "participants"),
            lambda r: [_date(r.held_on), r.get_kind_display(), r.topic, r.participants],
        )
    if code == "review.disclosures":
        queryset = FinancialDisclosure.objects.restrict(user).filter(organization=organization, year=year)
        return Drill(
            queryset.order_by("disclosed_on", "pk"),
            ("period", "disclosed_on", "income_yuan", "expenditure_yuan"),
            lambda d: [d.get_period_display(), _date(d.disclosed_on), d.income_yuan, d.expenditure_yuan],
        )
    if code == "reserve.young":
        queryset = ReserveCadre.objects.restrict(user).filter(in_roster_on(ref), organization=organization)
        return Drill(
            queryset.order_by("birth_date", "pk"),
            ("name", "birth_date", "education", "entered_on"),
            lambda r: [r.name, _date(r.birth_date), r.get_education_display(), _date(r.entered_on)],
        )
    if code == "reserve.team_young":
        queryset = Cadre.objects.restrict(user).filter(
            serving(ref), organization=organization, post__in=TWO_COMMITTEE_POSTS
        )
        return Drill(
            queryset.order_by("birth_date", "pk"),
            ("name", "post", "birth_date", "started_on"),
            lambda c: [c.name, c.get_post_display(), _date(c.birth_date), _date(c.started_on)],
        )
    if code == "contact.visit":
        queryset = ContactPoint.objects.restrict(user).filter(organization=organization, year=year)
        return Drill(
            queryset.select_related("leader").order_by("pk"),
            ("leader", "lecture_on", "check_on", "activity_on", "days_spent"),
            lambda p: [
                p.leader.name,
                _date(p.lecture_on),
                _date(p.check_on),
                _date(p.activity_on),
                p.days_spent,
            ],
        )
    if code == "room.standardized":
        queryset = ActivityRoom.objects.restrict(user).filter(
            organization__path__startswith=organization.path, is_standardized=True, standardized_on__lte=last
        )
        return Drill(
            queryset.select_related("organization").order_by("organization__path", "pk"),
            ("organization", "name", "standardized_on", "area_m2"),
            lambda r: [r.organization.name, r.name, _date(r.standardized_on), r.area_m2],
        )
    return None


def drill_down(*, user, organization: Organization, code: str, year: int, today: dt.date | None = None):
    """The published result of ``organization`` for ``code`` and ``year`` (None when there is none) with its
    colour, and the records behind it (a ``Drill``, or None for an indicator without records of its own)."""
    ref = reference_day(year, today)
    row = (
        published_results(year=year, organization=organization)
        .filter(organization=organization, code=code)
        .values("target", "actual", "met", "detail")
        .first()
    )
    result = None
    if row is not None:
        result = {
            "code": code,
            "label": indicator_label(code),
            "target": as_number(row["target"]),
            "actual": as_number(row["actual"]),
            "met": row["met"],
            "detail": row["detail"],
            "status": quota_status(target=row["target"], actual=row["actual"], met=row["met"]),
        }
    return result, _drill_for(code, user=user, organization=organization, year=year, ref=ref)
