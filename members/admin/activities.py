"""Admin for meetings, trainings, study records and contact points. Every save and delete goes through the
services; the forms run the services' rule checks so that a broken rule shows beside the fields. People
(attendees, leaders, cadres) are chosen among the records the user can see."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.choices import ScopedChoicesMixin
from branches.admin.forms import RuleCheckedForm as BaseRuleCheckedForm
from branches.admin.permissions import NoRevertMixin
from branches.admin.writes import ServiceWritesMixin
from branches.scope.admin import ScopedModelAdmin

from ..models import Cadre
from ..models import ContactPoint
from ..models import Meeting
from ..models import Member
from ..models import StudyRecord
from ..models import Training
from ..models.activities import CONTACT_POINT_FACTS
from ..models.activities import CONTACT_POINT_FIELDS
from ..models.activities import STUDY_FIELDS
from ..models.activities import STUDY_MONTH_FIELDS
from ..models.activities import TRAINING_FIELDS
from ..selectors.activities import contact_point_flags
from ..services import activities as services


class RuleCheckedForm(BaseRuleCheckedForm):
    """Runs ``check(instance)`` once the fields are valid and shows its errors beside the fields."""

    def recorded(self, field: str) -> set[int]:
        if self.instance.pk is None:
            return set()
        return set(
            type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list(field, flat=True)
        )


class MeetingForm(RuleCheckedForm):
    class Meta:
        model = Meeting
        fields = ["organization", "kind", "held_on", "topic", "speaker", "attendees", "minutes"]

    def check(self, meeting):
        moved = "organization" in self.changed_data
        recorded = set() if moved else self.recorded("attendees")
        services.meeting_check(meeting, self.cleaned_data.get("attendees", ()), already_recorded=recorded)


class TrainingForm(RuleCheckedForm):
    class Meta:
        model = Training
        fields = TRAINING_FIELDS

    def check(self, training):
        organizer = self.cleaned_data.get("organizer")
        if organizer is not None:
            training.level = services.training_level(organizer)
        services.training_check(
            training,
            self.cleaned_data.get("member_attendees", ()),
            self.cleaned_data.get("cadre_attendees", ()),
        )


class StudyRecordForm(RuleCheckedForm):
    class Meta:
        model = StudyRecord
        fields = STUDY_FIELDS

    def check(self, record):
        record.organization = record.cadre.organization
        services.study_check(record)


class ContactPointForm(RuleCheckedForm):
    class Meta:
        model = ContactPoint
        fields = CONTACT_POINT_FIELDS

    def check(self, point):
        services.contact_point_check(point)


class PeopleRecordAdmin(
    NoRevertMixin, ServiceWritesMixin, ScopedChoicesMixin, ScopedModelAdmin, SimpleHistoryAdmin
):
    """Scoped choices of people; writes and deletes through the services named by the subclass, which
    keep the counters and the attendee rules (so no past version is reverted to here)."""

    scoped_choices = {Member: ("view",), Cadre: ("view",)}

    def save_related(self, request, form, formsets, change):
        # The service has set the people already: form.save_m2m() would write them a second time.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Meeting)
class MeetingAdmin(PeopleRecordAdmin):
    form = MeetingForm
    create_service = staticmethod(services.meeting_record)
    update_service = staticmethod(services.meeting_update)
    delete_service = staticmethod(services.meeting_delete)
    list_display = [
        "held_on",
        "kind",
        "topic",
        "organization",
        "attendee_count",
        "members_expected",
        "attendance",
    ]
    list_filter = ["kind", "held_on"]
    date_hierarchy = "held_on"
    search_fields = ["topic", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["attendees"]
    readonly_fields = ["members_expected", "attendee_count", "attendance", "version"]
    ordering = ["organization__path", "-held_on"]

    @admin.display(description=_("attendance rate"))
    def attendance(self, meeting):
        rate = meeting.attendance_rate
        return "—" if rate is None else f"{rate:.0%}"


@admin.register(Training)
class TrainingAdmin(PeopleRecordAdmin):
    form = TrainingForm
    create_service = staticmethod(services.training_record)
    update_service = staticmethod(services.training_update)
    delete_service = staticmethod(services.training_delete)
    list_display = ["held_on", "topic", "organizer", "level", "audience", "days", "hours"]
    list_filter = ["level", "audience", "held_on"]
    date_hierarchy = "held_on"
    search_fields = ["topic", "organizer__name"]
    list_select_related = ["organizer"]
    autocomplete_fields = ["member_attendees", "cadre_attendees"]
    readonly_fields = ["level", "version"]
    ordering = ["organizer__path", "-held_on"]


@admin.register(StudyRecord)
class StudyRecordAdmin(PeopleRecordAdmin):
    form = StudyRecordForm
    create_service = staticmethod(services.study_record)
    update_service = staticmethod(services.study_update)
    delete_service = staticmethod(services.study_delete)
    list_display = ["cadre", "organization", *STUDY_MONTH_FIELDS]
    list_filter = ["year", "month"]
    search_fields = ["cadre__name", "organization__name"]
    list_select_related = ["cadre__organization", "organization"]
    autocomplete_fields = ["cadre"]
    readonly_fields = ["organization", "version"]
    ordering = ["organization__path", "-year", "-month"]


@admin.register(ContactPoint)
class ContactPointAdmin(PeopleRecordAdmin):
    form = ContactPointForm
    create_service = staticmethod(services.contact_point_record)
    update_service = staticmethod(services.contact_point_update)
    delete_service = staticmethod(services.contact_point_delete)
    list_display = [*CONTACT_POINT_FACTS, "complete"]
    list_filter = ["year"]
    search_fields = ["leader__name", "organization__name"]
    list_select_related = ["leader", "organization"]
    autocomplete_fields = ["leader"]
    readonly_fields = ["version"]
    ordering = ["organization__path", "-year"]

    @admin.display(description=_("complete"), boolean=True)
    def complete(self, point):
        return contact_point_flags(point)["complete"]
