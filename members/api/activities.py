"""``/api/v1/meetings/``, ``/trainings/``, ``/study-records/`` and ``/contact-points/``.

A meeting is entered from a phone in one request: the date defaults to today and the organization to the
secretary's own branch. Attendees are lists of ids checked in one query each (not one per id), and lists
prefetch them, so a page costs the same number of queries however many rows and attendees it has.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from branches.api.serializers import OrganizationRecordSerializer
from branches.models import Organization
from branches.scope.viewsets import ScopedModelViewSet
from branches.scope.viewsets import ScopedRelatedField
from branches.scope.viewsets import VersionedSerializerMixin
from branches.tabular.api import ImportExportViewSetMixin
from partybuild.serializer_fields import ChoiceLabelField
from partybuild.years import YearField

from ..filters.activities import ContactPointFilter
from ..filters.activities import MeetingFilter
from ..filters.activities import StudyRecordFilter
from ..filters.activities import TrainingFilter
from ..models import Cadre
from ..models import ContactPoint
from ..models import Meeting
from ..models import Member
from ..models import StudyRecord
from ..models import Training
from ..models.activities import CONTACT_DAYS
from ..models.activities import STUDY_MONTH_FIELDS
from ..models.activities import TRAINING_SESSION_FIELDS
from ..resources import ContactPointResource
from ..resources import MeetingResource
from ..resources import StudyRecordResource
from ..resources import TrainingResource
from ..selectors import activities as selectors
from ..services import activities as services


class _BulkManyRelatedField(serializers.ManyRelatedField):
    """A list of ids resolved with one query against the child's (scoped) queryset."""

    def to_internal_value(self, data):
        if isinstance(data, str | bytes) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        child = self.child_relation
        queryset = child.get_queryset()
        keys = []
        for value in data:
            if isinstance(value, bool):
                child.fail("incorrect_type", data_type=type(value).__name__)
            try:
                key = queryset.model._meta.pk.to_python(value)
            except Exception:  # noqa: BLE001 - any unreadable id is the same client error
                child.fail("incorrect_type", data_type=type(value).__name__)
            if isinstance(key, int) and not -(2**63) <= key < 2**63:
                child.fail("does_not_exist", pk_value=value)  # no database integer holds it
            keys.append(key)
        found = queryset.in_bulk(set(keys))
        for key in keys:
            if key not in found:
                child.fail("does_not_exist", pk_value=key)
        return [found[key] for key in dict.fromkeys(keys)]


class ScopedPeopleField(ScopedRelatedField):
    """``ScopedRelatedField(many=True)`` that reads the whole list at once."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return _BulkManyRelatedField(**list_kwargs)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _people(rows):
    return [{"id": row.pk, "name": row.name} for row in rows]


class MeetingSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("left out, the branch of a secretary of a single branch"),
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind_display = ChoiceLabelField("kind")
    held_on = serializers.DateField(required=False, help_text=_("left out, today"))
    attendees = ScopedPeopleField(queryset=Member.objects.all(), many=True, required=False)
    attendee_names = serializers.SerializerMethodField()
    attendance_rate = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("attendees over the members expected (0–1)")
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "held_on",
            "topic",
            "speaker",
            "attendees",
            "attendee_names",
            "members_expected",
            "attendee_count",
            "attendance_rate",
            "minutes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["members_expected", "attendee_count", "created_at", "updated_at"]

    def get_attendee_names(self, meeting) -> list[str]:
        return [member.name for member in meeting.attendees.all()]


class TrainingSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    organizer = ScopedRelatedField(queryset=Organization.objects.all())
    organizer_name = serializers.CharField(source="organizer.name", read_only=True)
    level_display = ChoiceLabelField("level")
    days = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("365")
    )
    audience_display = ChoiceLabelField("audience")
    member_attendees = ScopedPeopleField(queryset=Member.objects.all(), many=True, required=False)
    cadre_attendees = ScopedPeopleField(queryset=Cadre.objects.all(), many=True, required=False)
    attendee_total = serializers.SerializerMethodField(
        help_text=_("member and cadre attendees plus the other attendees (villagers)")
    )

    class Meta:
        model = Training
        fields = [
            "id",
            "organizer",
            "organizer_name",
            "level",
            "level_display",
            "audience",
            "audience_display",
            *TRAINING_SESSION_FIELDS,
            "attendee_total",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["level", "created_at", "updated_at"]

    def get_attendee_total(self, training) -> int:
        members = training.member_attendees.all()
        cadres = training.cadre_attendees.all()
        return len(members) + len(cadres) + training.villager_count


class StudyRecordSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    cadre = ScopedRelatedField(queryset=Cadre.objects.all())
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    post = serializers.CharField(source="cadre.post", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    year = YearField()

    class Meta:
        model = StudyRecord
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "post",
            "organization",
            "organization_name",
            *STUDY_MONTH_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["organization", "created_at", "updated_at"]
        # One per cadre and month: the service says so in words, not the generic unique-together message.
        validators = []


class ContactPointSerializer(VersionedSerializerMixin, OrganizationRecordSerializer):
    leader = ScopedRelatedField(queryset=Member.objects.all())
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    leader_branch_name = serializers.CharField(source="leader.branch.name", read_only=True)
    year = YearField()
    lecture_done = serializers.BooleanField(read_only=True)
    check_done = serializers.BooleanField(read_only=True)
    activity_done = serializers.BooleanField(read_only=True)
    days_met = serializers.BooleanField(read_only=True, help_text=_("at least 90 days spent in the village"))
    complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContactPoint
        fields = [
            "id",
            "leader",
            "leader_name",
            "leader_branch_name",
            "organization",
            "organization_name",
            "year",
            *CONTACT_DAYS,
            "days_spent",
            "note",
            "lecture_done",
            "check_done",
            "activity_done",
            "days_met",
            "complete",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []

    def to_representation(self, point):
        if not hasattr(point, "complete"):
            # A point just written carries no annotations: the same flags, computed in memory.
            for name, value in selectors.contact_point_flags(point).items():
                setattr(point, name, value)
        return super().to_representation(point)


class _RecordViewSet(ImportExportViewSetMixin, ScopedModelViewSet):
    """The scoped list comes from the selector (``list_selector``), which adds what the page needs in a
    fixed number of queries."""


class MeetingViewSet(_RecordViewSet):
    """Branch meetings (三会一课 and other organizational life) with attendance. The members expected are
    the members on the roll of the branch when the meeting is recorded (or last edited)."""

    queryset = Meeting.objects.all()
    list_selector = staticmethod(selectors.meeting_list)
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    resource_class = MeetingResource
    search_fields = ["topic"]
    ordering_fields = [
        "held_on",
        "kind",
        "organization__path",
        "attendee_count",
        "members_expected",
        "topic",
        "created_at",
    ]
    ordering = ["organization__path", "-held_on", "-pk"]
    create_service = staticmethod(services.meeting_record)
    update_service = staticmethod(services.meeting_update)
    delete_service = staticmethod(services.meeting_delete)


class TrainingViewSet(_RecordViewSet):
    """Trainings held by the county, townships and branches; the level follows from the organizer."""

    queryset = Training.objects.all()
    list_selector = staticmethod(selectors.training_list)
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter
    resource_class = TrainingResource
    search_fields = ["topic"]
    ordering_fields = ["held_on", "level", "audience", "days", "organizer__path", "topic", "created_at"]
    ordering = ["organizer__path", "-held_on", "-pk"]
    create_service = staticmethod(services.training_record)
    update_service = staticmethod(services.training_update)
    delete_service = staticmethod(services.training_delete)


class StudyRecordViewSet(_RecordViewSet):
    """Cadres' monthly study: sessions, characters of notes, articles; one record per cadre and month."""

    queryset = StudyRecord.objects.all()
    list_selector = staticmethod(selectors.study_record_list)
    serializer_class = StudyRecordSerializer
    filterset_class = StudyRecordFilter
    resource_class = StudyRecordResource
    search_fields = ["cadre__name"]
    ordering_fields = ["year", "month", "sessions", "note_characters", "articles", "organization__path"]
    ordering = ["organization__path", "-year", "-month", "pk"]
    create_service = staticmethod(services.study_record)
    update_service = staticmethod(services.study_update)
    delete_service = staticmethod(services.study_delete)


class ContactPointViewSet(_RecordViewSet):
    """Township leaders' contact villages by year, with one lecture, one check, one activity and the days
    spent there (``complete`` when all are done)."""

    queryset = ContactPoint.objects.all()
    list_selector = staticmethod(selectors.contact_point_list)
    serializer_class = ContactPointSerializer
    filterset_class = ContactPointFilter
    resource_class = ContactPointResource
    search_fields = ["leader__name", "organization__name"]
    ordering_fields = ["year", "days_spent", "organization__path", "leader__name"]
    ordering = ["organization__path", "-year", "pk"]
    create_service = staticmethod(services.contact_point_record)
    update_service = staticmethod(services.contact_point_update)
    delete_service = staticmethod(services.contact_point_delete)


def register(router):
    router.register("meetings", MeetingViewSet)
    router.register("trainings", TrainingViewSet)
    router.register("study-records", StudyRecordViewSet)
    router.register("contact-points", ContactPointViewSet)
