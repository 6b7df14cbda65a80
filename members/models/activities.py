"""Records that name people: meetings (三会一课) with attendance, trainings with attendees, household visit
logs, study records and township leaders' contact points."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models.bases import EARLIEST_RECORD_DAY
from branches.models.bases import EARLY_DATE_MESSAGE
from branches.models.bases import FUTURE_DATE_MESSAGE
from branches.models.bases import ScopedModel
from branches.models.bases import ScopedRecord
from branches.models.bases import organization_field
from branches.models.bases import raise_errors
from branches.models.bases import record_date_errors
from branches.models.bases import user_stamp_field
from branches.models.bases import year_field
from partybuild.models import VersionedModel

from .cadres import Cadre
from .roster import Member


class MeetingKind(models.TextChoices):
    ASSEMBLY = "assembly", _("Branch members' assembly")
    COMMITTEE = "committee", _("Branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme party day")
    LIFE_MEETING = "life_meeting", _("Organizational life meeting")
    APPRAISAL = "appraisal", _("Democratic appraisal of members")


# Meetings the whole branch is expected at. Committee meetings (支委会) are for the committee members and
# party group meetings (党小组会) for each group's own members, so neither counts against an ordinary member.
WHOLE_BRANCH_MEETINGS = (
    MeetingKind.ASSEMBLY,
    MeetingKind.LECTURE,
    MeetingKind.THEME_DAY,
    MeetingKind.LIFE_MEETING,
    MeetingKind.APPRAISAL,
)


class Meeting(VersionedModel, ScopedModel):
    """One of the "three meetings and one lecture" or another organizational-life meeting. The attendance
    rate compares the attendees with the members on the roll when the meeting was recorded."""

    organization = organization_field(_("organization"), "meetings")
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    speaker = models.CharField(_("speaker or chair"), max_length=50, blank=True)
    attendees = models.ManyToManyField(
        Member, verbose_name=_("attendees"), blank=True, related_name="meetings"
    )
    members_expected = models.PositiveIntegerField(_("members expected"), default=0, editable=False)
    attendee_count = models.PositiveIntegerField(_("attendees"), default=0, editable=False)
    minutes = models.TextField(_("minutes"), blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], m2m_fields=[attendees])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["organization__path", "-held_on", "-pk"]
        indexes = [models.Index(fields=["organization", "kind", "held_on"], name="meeting_org_kind_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def attendance_rate(self) -> float | None:
        return round(self.attendee_count / self.members_expected, 4) if self.members_expected else None

    def clean(self):
        raise_errors(record_date_errors(self, "held_on"))


class TrainingLevel(models.TextChoices):
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")
    VILLAGE = "village", _("Village level")


class TrainingAudience(models.TextChoices):
    SECRETARIES = "secretaries", _("Branch secretaries")
    TWO_COMMITTEES = "two_committees", _("Members of the two village committees")
    MEMBERS = "members", _("Party members")
    VILLAGERS = "villagers", _("Villagers")
    RESERVE = "reserve", _("Reserve cadres")


# A training session: when, how long, on what, and who attended.
TRAINING_SESSION_FIELDS = (
    "held_on",
    "days",
    "hours",
    "topic",
    "member_attendees",
    "cadre_attendees",
    "villager_count",
)
# What a training's forms take (the level follows from the organizer).
TRAINING_FIELDS = ("organizer", "audience", *TRAINING_SESSION_FIELDS)
# A training as the file and the scale generator write it after the organizer (no attendees).
TRAINING_DETAIL_FIELDS = ("level", "audience", "held_on", "days", "hours", "topic", "villager_count")


class Training(VersionedModel, ScopedModel):
    """A training held by the county, a township or a village; attendees come from the organizer's subtree."""

    scope_path_lookup = "organizer__path"

    organizer = organization_field(_("organizer"), "trainings")
    level = models.CharField(_("level"), max_length=10, choices=TrainingLevel.choices, editable=False)
    audience = models.CharField(_("audience"), max_length=16, choices=TrainingAudience.choices)
    held_on = models.DateField(_("first day"))
    days = models.DecimalField(
        _("days"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0.5), MaxValueValidator(365)]
    )
    hours = models.PositiveSmallIntegerField(_("class hours"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    member_attendees = models.ManyToManyField(
        Member, verbose_name=_("member attendees"), blank=True, related_name="trainings"
    )
    cadre_attendees = models.ManyToManyField(
        Cadre, verbose_name=_("cadre attendees"), blank=True, related_name="trainings"
    )
    villager_count = models.PositiveIntegerField(_("other attendees (villagers)"), default=0)

    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"], m2m_fields=[member_attendees, cadre_attendees]
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["organizer__path", "-held_on", "-pk"]
        indexes = [models.Index(fields=["organizer", "held_on"], name="training_organizer_day")]

    def __str__(self):
        return f"{self.topic} {self.held_on}"

    def clean(self):
        raise_errors(record_date_errors(self, "held_on"))


# A visit's report: which household, when, what it raised and how that was resolved.
VISIT_REPORT_FIELDS = (
    "household_name",
    "village_group",
    "visited_on",
    "concerns",
    "follow_up",
    "resolved_on",
)
# What a visit's forms take (the village and the household key follow from the cadre and the household).
VISIT_FIELDS = ("cadre", *VISIT_REPORT_FIELDS)
# The report with its household key, in the order of the table's columns: what a visit log holds beyond its
# cadre, its organization and who recorded it (the large imports and the scale generator write these).
VISIT_LOG_VALUES = (
    "household_name",
    "village_group",
    "household_key",
    "visited_on",
    "concerns",
    "follow_up",
    "resolved_on",
)


class VisitLog(ScopedRecord):
    """A village cadre's household visit (走访日志). A household is counted once a year however often it is
    visited: ``household_key`` is its normalized identity (village group + household head)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="visits")
    organization = organization_field(_("village branch"), "visits", editable=False)
    household_name = models.CharField(_("household head"), max_length=50)
    village_group = models.CharField(_("village group"), max_length=50, blank=True)
    household_key = models.CharField(_("household key"), max_length=110, editable=False)
    visited_on = models.DateField(_("visited on"))
    concerns = models.TextField(_("concerns raised"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    recorded_by = user_stamp_field(_("recorded by"), editable=False)

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["organization__path", "-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["cadre", "visited_on"], name="visit_cadre_day"),
            models.Index(fields=["organization", "visited_on"], name="visit_org_day"),
            # The API's newest-first page of a year across many villages (a province: five million
            # visits) reads this backwards and stops after a page instead of sorting the year.
            models.Index(fields=["visited_on", "id"], name="visit_day"),
        ]

    def __str__(self):
        return f"{self.household_name} {self.visited_on}"

    @staticmethod
    def key_for(village_group: str, household_name: str) -> str:
        """Same household however it is typed: spaces and full-width forms do not make a new one."""

        def norm(text):
            return "".join(unicodedata.normalize("NFKC", text or "").split())

        return f"{norm(village_group)}|{norm(household_name)}"

    def clean(self):
        raise_errors(visit_date_errors(self.visited_on, self.resolved_on))


def visit_date_errors(visited_on, resolved_on, *, today=None) -> dict:
    """``{field: message}`` for the dates of a visit (docs/records.md, "Household visits"), from the two
    dates alone: the model's ``clean()`` and the import, which builds no model per row, both ask it."""
    today = today or timezone.localdate()
    errors = {}
    if visited_on is not None and visited_on > today:
        errors["visited_on"] = FUTURE_DATE_MESSAGE
    if visited_on is not None and visited_on < EARLIEST_RECORD_DAY:
        errors["visited_on"] = EARLY_DATE_MESSAGE
    if resolved_on is not None and visited_on is not None and resolved_on < visited_on:
        errors["resolved_on"] = _("A concern cannot be resolved before the visit that raised it.")
    if resolved_on is not None and resolved_on > today:
        errors["resolved_on"] = FUTURE_DATE_MESSAGE
    return errors


# A cadre's month of study after the cadre (the organization follows from the post): what its forms take,
# the API and the file show and the scale generator writes.
STUDY_MONTH_FIELDS = ("year", "month", "sessions", "note_characters", "articles")
STUDY_FIELDS = ("cadre", *STUDY_MONTH_FIELDS)


class StudyRecord(ScopedRecord):
    """A cadre's study in one month: sessions attended, characters of notes, articles written."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="study_records"
    )
    organization = organization_field(_("organization"), "study_records", editable=False)
    year = year_field()
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    sessions = models.PositiveSmallIntegerField(_("study sessions"), default=0)
    note_characters = models.PositiveIntegerField(_("characters of study notes"), default=0)
    articles = models.PositiveSmallIntegerField(_("articles written"), default=0)

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        ordering = ["organization__path", "-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year", "month"], name="study_one_per_month")]

    def __str__(self):
        return f"{self.cadre} {self.year}-{self.month:02d}"

    def clean(self):
        today = timezone.localdate()
        if self.year and self.month and (self.year, self.month) > (today.year, today.month):
            raise ValidationError({"month": _("A month in the future cannot be recorded.")})


# The days of a contact point's lecture, check and activity (一讲一查一活动, docs/records.md).
CONTACT_DAYS = ("lecture_on", "check_on", "activity_on")
# What a contact point records (its forms add the note).
CONTACT_POINT_FACTS = ("leader", "organization", "year", *CONTACT_DAYS, "days_spent")
CONTACT_POINT_FIELDS = (*CONTACT_POINT_FACTS, "note")


class ContactPoint(ScopedRecord):
    """A township leader's contact village for a year: one lecture, one check, one activity, days there."""

    leader = models.ForeignKey(
        Member, verbose_name=_("township leader"), on_delete=models.PROTECT, related_name="contact_points"
    )
    organization = organization_field(_("contact village"), "contact_points")
    year = year_field()
    lecture_on = models.DateField(_("lecture given on"), null=True, blank=True)
    check_on = models.DateField(_("check made on"), null=True, blank=True)
    activity_on = models.DateField(_("activity held on"), null=True, blank=True)
    days_spent = models.PositiveSmallIntegerField(_("days spent in the village"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["organization__path", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["leader", "organization", "year"], name="contact_point_unique")
        ]

    def __str__(self):
        return f"{self.leader} · {self.organization} · {self.year}"

    def clean(self):
        errors = {}
        for field in CONTACT_DAYS:
            day = getattr(self, field)
            errors.update(record_date_errors(self, field))
            if day and self.year and day.year != self.year:
                errors[field] = _("The date must fall within the contact year.")
        if self.days_spent > 366:
            errors["days_spent"] = _("A year has at most 366 days.")
        raise_errors(errors)
