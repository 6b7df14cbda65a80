"""List pages of people and what they take part in (under /people/): filters, search, sorting, pages,
export to Excel and import, on ``branches.scope.lists.ScopedListView``. Filters are the API's FilterSets;
querysets the API's scoped ones, so a page never shows what the API would not."""

from django.utils.translation import gettext_lazy as _

from branches.scope.columns import Column
from branches.scope.lists import ScopedListView
from branches.scope.posted_search import PostedSearchMixin
from branches.views.columns import DESKTOP_ONLY
from branches.views.columns import PHONE_ONLY_WIDE
from branches.views.columns import organization_column

from ..filters.activities import MeetingFilter
from ..filters.activities import StudyRecordFilter
from ..filters.activities import TrainingFilter
from ..filters.cadres import CadreFilter
from ..filters.cadres import ReserveCadreFilter
from ..filters.pipeline import ApplicantFilter
from ..filters.roster import MemberFilter
from ..filters.search import SEARCH_LABEL
from ..filters.visits import VisitLogFilter
from ..models import Applicant
from ..models import Cadre
from ..models import Meeting
from ..models import Member
from ..models import ReserveCadre
from ..models import StudyRecord
from ..models import Training
from ..models import VisitLog
from ..resources import CadreResource
from ..resources import MeetingResource
from ..resources import MemberResource
from ..resources import ReserveCadreResource
from ..resources import StudyRecordResource
from ..resources import TrainingResource
from ..resources import VisitLogResource
from ..selectors import activities
from ..selectors import cadres
from ..selectors import pipeline
from ..selectors import roster
from ..selectors import visits
from ..selectors.roster import mask_id_number
from ..selectors.roster import mask_phone

SHORT_TEXT = 30


def _short(attribute: str):
    def value(obj, view):
        text = getattr(obj, attribute) or ""
        return text if len(text) <= SHORT_TEXT else f"{text[: SHORT_TEXT - 1]}…"

    return value


class MemberListView(PostedSearchMixin, ScopedListView):
    """Rows open the member's archive; the search (names, or a full ID number, which is posted) is the
    FilterSet's, as on the API."""

    model = Member
    list_selector = staticmethod(roster.member_list)
    detail_action = "archive"
    filterset_class = MemberFilter
    filter_fields = ("within", "category", "status", "gender", "education", "occupation", "is_mobile")
    search_label = SEARCH_LABEL
    resource_class = MemberResource
    default_ordering = ("branch__path", "name", "pk")
    columns = (
        Column("name", _("name"), sort="name", link=True),
        Column("gender", _("gender"), "get_gender_display"),
        organization_column(_("branch"), "branch"),
        Column("category", _("category"), "get_category_display", sort="category"),
        Column("status", _("status"), "get_status_display", sort="status", classes=PHONE_ONLY_WIDE),
        Column("birth_date", _("birth date"), sort="birth_date", classes=PHONE_ONLY_WIDE),
        Column("joined_on", _("joined the party on"), sort="joined_on", classes=PHONE_ONLY_WIDE),
        Column("education", _("education"), "get_education_display", classes=DESKTOP_ONLY),
        # Masked for everyone, as in the API's lists: unmasking is one record at a time, and logged.
        Column("id_number", _("ID number"), lambda m, v: mask_id_number(m.id_number), classes=DESKTOP_ONLY),
        Column("phone", _("phone"), lambda m, v: mask_phone(m.phone), classes=DESKTOP_ONLY),
    )


class VisitLogListView(ScopedListView):
    model = VisitLog
    list_selector = staticmethod(visits.visit_list)
    basename = "visit"
    filterset_class = VisitLogFilter
    filter_fields = ("within", "year", "visited_after", "visited_before", "open")
    search_fields = ("household_name",)
    search_label = _("Search by household head")
    resource_class = VisitLogResource
    default_ordering = ("-visited_on", "-pk")
    columns = (
        Column("visited_on", _("visited on"), sort="visited_on", link=True),
        Column("household_name", _("household head"), sort="household_name"),
        Column("village_group", _("village group"), sort="village_group", classes=PHONE_ONLY_WIDE),
        organization_column(_("village branch")),
        Column("cadre", _("cadre"), "cadre.name", classes=PHONE_ONLY_WIDE),
        Column("concerns", _("concerns raised"), _short("concerns"), classes=DESKTOP_ONLY),
        Column("resolved_on", _("resolved on"), sort="resolved_on", classes=DESKTOP_ONLY),
    )


class MeetingListView(ScopedListView):
    model = Meeting
    list_selector = staticmethod(activities.meeting_list)
    filterset_class = MeetingFilter
    filter_fields = ("within", "kind", "year", "month", "held_after", "held_before")
    search_fields = ("topic",)
    search_label = _("Search by topic")
    resource_class = MeetingResource
    default_ordering = ("organization__path", "-held_on", "-pk")
    columns = (
        Column("held_on", _("held on"), sort="held_on", link=True),
        Column("kind", _("kind"), "get_kind_display", sort="kind"),
        Column("topic", _("topic"), _short("topic"), sort="topic"),
        organization_column(),
        Column("attendee_count", _("attendees"), sort="attendee_count", classes=PHONE_ONLY_WIDE),
        Column("members_expected", _("members expected"), sort="members_expected", classes=DESKTOP_ONLY),
    )


class TrainingListView(ScopedListView):
    model = Training
    list_selector = staticmethod(activities.training_list)
    filterset_class = TrainingFilter
    filter_fields = ("within", "level", "audience", "year", "held_after", "held_before")
    search_fields = ("topic",)
    search_label = _("Search by topic")
    resource_class = TrainingResource
    default_ordering = ("organizer__path", "-held_on", "-pk")
    columns = (
        Column("held_on", _("first day"), sort="held_on", link=True),
        Column("topic", _("topic"), _short("topic"), sort="topic"),
        Column("level", _("level"), "get_level_display", sort="level"),
        Column("audience", _("audience"), "get_audience_display", sort="audience", classes=PHONE_ONLY_WIDE),
        organization_column(_("organizer"), "organizer"),
        Column("days", _("days"), sort="days", classes=PHONE_ONLY_WIDE),
        Column("hours", _("class hours"), classes=DESKTOP_ONLY),
    )


class ApplicantListView(ScopedListView):
    model = Applicant
    list_selector = staticmethod(pipeline.applicant_list)
    edit_action = "advance"  # what a secretary does with a development record: the next step
    filterset_class = ApplicantFilter
    filter_fields = ("within", "stage", "status", "applied_after")
    search_fields = ("name",)
    default_ordering = ("branch__path", "applied_on", "pk")
    columns = (
        Column("name", _("name"), sort="name", link=True),
        organization_column(_("branch"), "branch"),
        Column("stage", _("stage"), "get_stage_display", sort="stage"),
        Column("status", _("status"), "get_status_display", classes=PHONE_ONLY_WIDE),
        Column("applied_on", _("application submitted on"), sort="applied_on", classes=PHONE_ONLY_WIDE),
        Column("activist_on", _("designated activist on"), sort="activist_on", classes=DESKTOP_ONLY),
        Column("candidate_on", _("designated candidate on"), sort="candidate_on", classes=DESKTOP_ONLY),
        Column("assembly_on", _("branch assembly on"), sort="assembly_on", classes=DESKTOP_ONLY),
    )


class CadreListView(ScopedListView):
    model = Cadre
    list_selector = staticmethod(cadres.cadre_list)
    filterset_class = CadreFilter
    filter_fields = ("within", "post", "current", "one_shoulder", "on")
    search_fields = ("name",)
    resource_class = CadreResource
    default_ordering = ("organization__path", "post", "started_on", "pk")
    columns = (
        Column("name", _("name"), sort="name", link=True),
        Column("post", _("post"), "get_post_display", sort="post"),
        organization_column(),
        Column("started_on", _("term started on"), sort="started_on", classes=PHONE_ONLY_WIDE),
        Column("ended_on", _("term ended on"), sort="ended_on", classes=PHONE_ONLY_WIDE),
        Column("birth_date", _("birth date"), sort="birth_date", classes=DESKTOP_ONLY),
        Column("phone", _("phone"), classes=DESKTOP_ONLY),
    )


class ReserveCadreListView(ScopedListView):
    model = ReserveCadre
    list_selector = staticmethod(cadres.reserve_cadre_list)
    filterset_class = ReserveCadreFilter
    filter_fields = ("within", "status", "source", "young")
    search_fields = ("name",)
    resource_class = ReserveCadreResource
    default_ordering = ("organization__path", "entered_on", "pk")
    columns = (
        Column("name", _("name"), sort="name", link=True),
        organization_column(_("village branch")),
        Column("status", _("status"), "get_status_display", sort="status"),
        Column("birth_date", _("birth date"), sort="birth_date", classes=PHONE_ONLY_WIDE),
        Column("source", _("source"), "get_source_display", classes=PHONE_ONLY_WIDE),
        Column("entered_on", _("entered the roster on"), sort="entered_on", classes=DESKTOP_ONLY),
        Column(
            "trainings_attended", _("trainings attended"), sort="trainings_attended", classes=DESKTOP_ONLY
        ),
        Column("phone", _("phone"), classes=DESKTOP_ONLY),
    )


class StudyRecordListView(ScopedListView):
    model = StudyRecord
    list_selector = staticmethod(activities.study_record_list)
    filterset_class = StudyRecordFilter
    filter_fields = ("within", "year", "month")
    search_fields = ("cadre__name",)
    search_label = _("Search by cadre")
    resource_class = StudyRecordResource
    default_ordering = ("organization__path", "-year", "-month", "pk")
    columns = (
        Column("cadre", _("cadre"), "cadre.name", sort="cadre__name", link=True),
        organization_column(),
        Column("year", _("year"), sort=("year", "month")),
        Column("month", _("month"), sort=("month", "year")),
        Column("sessions", _("study sessions"), sort="sessions", classes=PHONE_ONLY_WIDE),
        Column(
            "note_characters", _("characters of study notes"), sort="note_characters", classes=DESKTOP_ONLY
        ),
        Column("articles", _("articles written"), sort="articles", classes=DESKTOP_ONLY),
    )


urlpatterns = [
    *MemberListView.urls("members"),
    *VisitLogListView.urls("visits"),
    *MeetingListView.urls("meetings"),
    *TrainingListView.urls("trainings"),
    *ApplicantListView.urls("applicants"),
    *CadreListView.urls("cadres"),
    *ReserveCadreListView.urls("reserve-cadres"),
    *StudyRecordListView.urls("study-records"),
]
