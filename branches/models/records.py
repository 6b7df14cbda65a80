"""Records that belong to an organization alone: activity rooms, the room targets, reports and reviews
("two reports, two comments", docs/records.md) and financial disclosures."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..scope.roles import Capability
from .bases import ScopedRecord
from .bases import organization_field
from .bases import raise_errors
from .bases import record_date_errors
from .bases import year_field

FACILITY_FIELDS = (
    "has_audio_visual",
    "has_remote_education",
    "has_tables_chairs",
    "has_signage",
    "has_rules_on_wall",
    "has_archive_cabinet",
)
# A room as its forms, the API and the file show it after its organization.
ROOM_DETAIL_FIELDS = (
    "name",
    "address",
    "area_m2",
    "built_year",
    "renovated_year",
    "is_standardized",
    "standardized_on",
    *FACILITY_FIELDS,
)
ROOM_FIELDS = ("organization", *ROOM_DETAIL_FIELDS)
# A report or review, and a financial disclosure, after the organization: what their admin forms take and
# their files and the scale generator write.
REVIEW_DETAIL_FIELDS = ("kind", "held_on", "topic", "participants", "satisfied", "summary")
DISCLOSURE_DETAIL_FIELDS = ("year", "period", "disclosed_on", "income_yuan", "expenditure_yuan", "content")


class ActivityRoom(ScopedRecord):
    """A party members' activity room (党员活动室, 阵地) and its standardization."""

    not_personal_fields = {"address": "where a public activity room stands, not a person's home"}

    organization = organization_field(_("organization"), "activity_rooms")
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
        errors.update(record_date_errors(self, "standardized_on"))
        raise_errors(errors)


class InvestmentSource(models.TextChoices):
    COUNTY = "county", _("County funds")
    TOWNSHIP = "township", _("Township funds")
    VILLAGE = "village", _("Village collective")
    PAIRED_UNIT = "paired_unit", _("Paired assistance unit")
    DONATION = "donation", _("Social donation")
    OTHER = "other", _("Other")


class RoomInvestment(ScopedRecord):
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

    class Meta:
        verbose_name = _("room investment")
        verbose_name_plural = _("room investments")
        ordering = ["room", "invested_on"]

    def __str__(self):
        return f"{self.room} {self.amount_yuan}"


class StandardizedRoomTarget(ScopedRecord):
    """How many standardized activity rooms a township is to have by the end of a year (docs/quotas.md)."""

    scope_write_capability = Capability.POLICY

    organization = organization_field(_("township or street"), "room_targets", on_delete=models.CASCADE)
    year = year_field()
    target = models.PositiveSmallIntegerField(_("standardized rooms targeted"))

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


class ReviewRecord(ScopedRecord):
    """ "Two reports and two comments" (两述两评): reports to the branch and its members, and democratic
    reviews of the village committee cadres."""

    organization = organization_field(_("branch"), "review_records")
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

    class Meta:
        verbose_name = _("report or review")
        verbose_name_plural = _("reports and reviews")
        ordering = ["organization__path", "-held_on"]
        indexes = [models.Index(fields=["organization", "kind", "held_on"], name="review_org_kind_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"

    def clean(self):
        errors = record_date_errors(self, "held_on")
        if self.satisfied is not None and self.satisfied > self.participants:
            errors["satisfied"] = _("There cannot be more satisfied votes than participants.")
        raise_errors(errors)


class DisclosurePeriod(models.IntegerChoices):
    FIRST_HALF = 1, _("First half of the year")
    SECOND_HALF = 2, _("Second half of the year")


class FinancialDisclosure(ScopedRecord):
    """Village financial affairs made public (财务公开), at least every six months."""

    organization = organization_field(_("branch"), "financial_disclosures")
    year = year_field()
    period = models.PositiveSmallIntegerField(_("period"), choices=DisclosurePeriod.choices)
    disclosed_on = models.DateField(_("made public on"))
    income_yuan = models.DecimalField(
        _("income (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expenditure_yuan = models.DecimalField(
        _("expenditure (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    content = models.TextField(_("content"), blank=True)

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
        raise_errors(record_date_errors(self, "disclosed_on"))
        if self.disclosed_on and self.year and self.disclosed_on.year < self.year:
            raise ValidationError(
                {"disclosed_on": _("A period is disclosed during or after it, not before.")}
            )
