"""Records that belong to an organization alone: activity rooms, the room targets, reports and reviews
("two reports, two comments", docs/records.md) and financial disclosures."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.models import VersionedModel
from partybuild.years import year_validators

from ..scope.querysets import ScopedQuerySet
from ..scope.roles import Capability
from .tree import Organization

FACILITY_FIELDS = (
    "has_audio_visual",
    "has_remote_education",
    "has_tables_chairs",
    "has_signage",
    "has_rules_on_wall",
    "has_archive_cabinet",
)


class ActivityRoom(VersionedModel):
    """A party members' activity room (党员活动室, 阵地) and its standardization."""

    scope_path_lookup = "organization__path"
    not_personal_fields = {"address": "where a public activity room stands, not a person's home"}

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="activity_rooms"
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=1, validators=[MinValueValidator(0)]
    )
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    renovated_year = models.PositiveSmallIntegerField(_("year renovated"), null=True, blank=True)
    is_standardized = models.BooleanField(_("standardized"), default=False)
    standardized_on = models.DateField(_("certified as standardized on"), null=True, blank=True)
    has_audio_visual = models.BooleanField(_("audio-visual equipment"), default=False)
    has_remote_education = models.BooleanField(_("remote-education terminal"), default=False)
    has_tables_chairs = models.BooleanField(_("tables and chairs"), default=False)
    has_signage = models.BooleanField(_("signage"), default=False)
    has_rules_on_wall = models.BooleanField(_("rules on the wall"), default=False)
    has_archive_cabinet = models.BooleanField(_("archive cabinet"), default=False)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("activity room")
        verbose_name_plural = _("activity rooms")
        ordering = ["organization__path", "name"]

    def __str__(self):
        return self.name

    @property
    def facilities_count(self) -> int:
        return sum(getattr(self, name) for name in FACILITY_FIELDS)

    def clean(self):
        errors = {}
        this_year = timezone.localdate().year
        for field in ("built_year", "renovated_year"):
            value = getattr(self, field)
            if value is not None and not 1949 <= value <= this_year:
                errors[field] = _("Give a year between 1949 and this year.")
        if self.built_year and self.renovated_year and self.renovated_year < self.built_year:
            errors["renovated_year"] = _("A room cannot be renovated before it was built.")
        if self.is_standardized and not self.standardized_on:
            errors["standardized_on"] = _("A standardized room needs the date it was certified.")
        if not self.is_standardized and self.standardized_on:
            errors["standardized_on"] = _("Only a standardized room has a certification date.")
        if self.standardized_on and self.standardized_on > timezone.localdate():
            errors["standardized_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class InvestmentSource(models.TextChoices):
    COUNTY = "county", _("County funds")
    TOWNSHIP = "township", _("Township funds")
    VILLAGE = "village", _("Village collective")
    PAIRED_UNIT = "paired_unit", _("Paired assistance unit")
    DONATION = "donation", _("Social donation")
    OTHER = "other", _("Other")


class RoomInvestment(VersionedModel):
    scope_path_lookup = "room__organization__path"

    room = models.ForeignKey(
        ActivityRoom, verbose_name=_("activity room"), on_delete=models.CASCADE, related_name="investments"
    )
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("source"), max_length=16, choices=InvestmentSource.choices)
    invested_on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=200)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("room investment")
        verbose_name_plural = _("room investments")
        ordering = ["room", "invested_on"]

    def __str__(self):
        return f"{self.room} {self.amount_yuan}"


class StandardizedRoomTarget(VersionedModel):
    """How many standardized activity rooms a township is to have by the end of a year (docs/quotas.md)."""

    scope_path_lookup = "organization__path"
    scope_write_capability = Capability.POLICY

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("township or street"),
        on_delete=models.CASCADE,
        related_name="room_targets",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators())
    target = models.PositiveSmallIntegerField(_("standardized rooms targeted"))

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("standardized room target")
        verbose_name_plural = _("standardized room targets")
        ordering = ["organization__path", "-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="room_target_unique")]

    def __str__(self):
        return f"{self.organization} {self.year}: {self.target}"


class ReviewKind(models.TextChoices):
    COMMITTEE_REPORT = "committee_report", _("Village committee reports to the branch")
    BRANCH_REPORT = "branch_report", _("Branch reports to its members")
    MEMBER_REVIEW = "member_review", _("Members review the village committee cadres")
    REPRESENTATIVE_REVIEW = "representative_review", _("Village representatives review the cadres")


# The democratic reviews (the "two comments"): review.democratic and the mass satisfaction (docs/quotas.md,
# docs/ratings-and-evaluation.md).
DEMOCRATIC_REVIEW_KINDS = frozenset({ReviewKind.MEMBER_REVIEW, ReviewKind.REPRESENTATIVE_REVIEW})


class ReviewRecord(VersionedModel):
    """ "Two reports and two comments" (两述两评): reports to the branch and its members, and democratic
    reviews of the village committee cadres."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        Organization, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="review_records"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReviewKind.choices)
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    satisfied = models.PositiveIntegerField(
        _("satisfied or better"),
        null=True,
        blank=True,
        help_text=_("for reviews: votes of satisfied or better"),
    )
    summary = models.TextField(_("summary"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("report or review")
        verbose_name_plural = _("reports and reviews")
        ordering = ["organization__path", "-held_on"]
        indexes = [models.Index(fields=["organization", "kind", "held_on"], name="review_org_kind_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = _("The date cannot be in the future.")
        if self.satisfied is not None and self.satisfied > self.participants:
            errors["satisfied"] = _("There cannot be more satisfied votes than participants.")
        if errors:
            raise ValidationError(errors)


class DisclosurePeriod(models.IntegerChoices):
    FIRST_HALF = 1, _("First half of the year")
    SECOND_HALF = 2, _("Second half of the year")


class FinancialDisclosure(VersionedModel):
    """Village financial affairs made public (财务公开), at least every six months."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        Organization, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="financial_disclosures"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators())
    period = models.PositiveSmallIntegerField(_("period"), choices=DisclosurePeriod.choices)
    disclosed_on = models.DateField(_("made public on"))
    income_yuan = models.DecimalField(
        _("income (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expenditure_yuan = models.DecimalField(
        _("expenditure (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    content = models.TextField(_("content"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("financial disclosure")
        verbose_name_plural = _("financial disclosures")
        ordering = ["organization__path", "-year", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "period"], name="disclosure_unique_period"
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.year}-{self.period}"

    def clean(self):
        if self.disclosed_on and self.disclosed_on > timezone.localdate():
            raise ValidationError({"disclosed_on": _("The date cannot be in the future.")})
        if self.disclosed_on and self.year and self.disclosed_on.year < self.year:
            raise ValidationError(
                {"disclosed_on": _("A period is disclosed during or after it, not before.")}
            )
