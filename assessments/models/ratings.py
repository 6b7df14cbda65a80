"""Five-good star ratings of organizations, democratic appraisal of members and rectification of weak
branches (docs/ratings-and-evaluation.md)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models.bases import ScopedModel
from branches.models.bases import ScopedRecord
from branches.models.bases import organization_field
from branches.models.bases import raise_errors
from branches.models.bases import user_stamp_field
from branches.models.bases import year_field
from branches.models.policies import CountyYearPolicy
from branches.models.policies import one_per_county_year
from members.models.roster import member_field

DIMENSIONS = ("leadership", "members", "mechanism", "performance", "feedback")
dimension_score = [MinValueValidator(0), MaxValueValidator(20)]
percentage = [MinValueValidator(0), MaxValueValidator(100)]


class RatingPolicy(CountyYearPolicy):
    """The county's star bands, classification and rectification settings for a year."""

    county = organization_field(_("county committee"), "rating_policies", on_delete=models.CASCADE)
    year = year_field()
    five_stars_from = models.PositiveSmallIntegerField(
        _("five stars from (points)"), default=90, validators=percentage
    )
    four_stars_from = models.PositiveSmallIntegerField(
        _("four stars from (points)"), default=80, validators=percentage
    )
    three_stars_from = models.PositiveSmallIntegerField(
        _("three stars from (points)"), default=70, validators=percentage
    )
    three_star_target = models.PositiveSmallIntegerField(
        _("target share of organizations at three stars or more (%)"), default=85, validators=percentage
    )
    member_three_star_target = models.PositiveSmallIntegerField(
        _("target share of rural members at three stars or more (%)"), default=90, validators=percentage
    )
    rectification_share = models.PositiveSmallIntegerField(
        _("lowest share of branches listed for rectification (%)"),
        default=5,
        validators=[MinValueValidator(5), MaxValueValidator(10)],
    )
    satisfaction_floor = models.PositiveSmallIntegerField(
        _("mass satisfaction below which a branch is weak (%)"), default=60, validators=percentage
    )
    vacancy_months = models.PositiveSmallIntegerField(
        _("months of a vacant secretary post that make a branch weak"),
        default=3,
        validators=[MinValueValidator(1)],
    )

    class Meta(CountyYearPolicy.Meta):
        verbose_name = _("rating policy")
        verbose_name_plural = _("rating policies")
        constraints = [one_per_county_year("rating_policy_one_per_year")]

    def clean(self):
        errors = self.county_errors(_("Rating policies are set by a county party committee."))
        if not self.five_stars_from > self.four_stars_from > self.three_stars_from:
            errors["four_stars_from"] = _("The bands must rise: three stars < four stars < five stars.")
        raise_errors(errors)


class RatingStage(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the system")
    SELF_ASSESSED = "self_assessed", _("Self-assessed by the branch")
    REVIEWED = "reviewed", _("Reviewed by the township")
    CONFIRMED = "confirmed", _("Confirmed by the county")


class Classification(models.TextChoices):
    ADVANCED = "advanced", _("Advanced: create (创)")
    GENERAL = "general", _("General: promote (升)")
    BACKWARD = "backward", _("Backward: help (帮)")


def _score(label):
    return models.DecimalField(label, max_digits=4, decimal_places=1, default=0, validators=dimension_score)


class StarRating(ScopedRecord):
    """An organization's five-good rating for a year. The five scores are the current ones (the latest
    step's); the proposal keeps what the system suggested and why, and each step keeps its own record."""

    organization = organization_field(_("organization"), "star_ratings", on_delete=models.CASCADE)
    year = year_field()
    stage = models.CharField(
        _("stage"), max_length=14, choices=RatingStage.choices, default=RatingStage.PROPOSED
    )
    leadership = _score(_("good leadership team"))
    members = _score(_("good member team"))
    mechanism = _score(_("good working mechanism"))
    performance = _score(_("good work performance"))
    feedback = _score(_("good mass feedback"))
    total = models.DecimalField(_("total"), max_digits=4, decimal_places=1, default=0)
    stars = models.PositiveSmallIntegerField(_("stars"), default=0, help_text=_("0 means unrated"))
    classification = models.CharField(
        _("classification"), max_length=10, choices=Classification.choices, default=Classification.BACKWARD
    )
    proposal = models.JSONField(_("proposal and its basis"), default=dict, blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        ordering = ["organization__path", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="star_rating_one_per_year")
        ]
        indexes = [models.Index(fields=["year", "stars"], name="star_rating_year_stars")]

    def __str__(self):
        return f"{self.organization} {self.year}: {self.stars}★"


class RatingStep(ScopedModel):
    """One workflow step of a rating: who, when, the five scores they set and why."""

    scope_path_lookup = "rating__organization__path"

    rating = models.ForeignKey(
        StarRating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.CharField(_("stage"), max_length=14, choices=RatingStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    leadership = _score(_("good leadership team"))
    members = _score(_("good member team"))
    mechanism = _score(_("good working mechanism"))
    performance = _score(_("good work performance"))
    feedback = _score(_("good mass feedback"))
    total = models.DecimalField(_("total"), max_digits=4, decimal_places=1)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("rating step")
        verbose_name_plural = _("rating steps")
        ordering = ["rating", "at", "pk"]

    def __str__(self):
        return f"{self.rating} {self.get_stage_display()}"


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASIC = "basic", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class MemberAppraisal(ScopedRecord):
    """A member's democratic appraisal (民主评议党员) for a year; probationary members take part ungraded."""

    scope_path_lookup = "branch__path"

    member = member_field("appraisals")
    branch = organization_field(_("branch"), "appraisals", editable=False)
    year = year_field()
    participated = models.BooleanField(_("took part"), default=True)
    grade = models.CharField(_("grade"), max_length=12, choices=AppraisalGrade.choices, blank=True)
    stars = models.PositiveSmallIntegerField(_("member stars"), default=0, editable=False)
    appraised_on = models.DateField(_("appraised on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("member appraisal")
        verbose_name_plural = _("member appraisals")
        ordering = ["branch__path", "-year", "member__name"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="appraisal_one_per_year")]
        indexes = [models.Index(fields=["branch", "year", "grade"], name="appraisal_branch_year_grade")]

    def __str__(self):
        return f"{self.member} {self.year} {self.get_grade_display()}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSE_REQUESTED = "close_requested", _("Close requested")
    VERIFIED = "verified", _("Verified and closed")


class Rectification(ScopedRecord):
    """Rectifying a weak branch (软弱涣散党组织整顿): plan, leader, instructor, deadline, progress, close."""

    organization = organization_field(_("branch"), "rectifications")
    year = year_field()
    reasons = models.JSONField(_("reasons"), default=list)
    plan = models.TextField(_("plan"))
    responsible_leader = models.CharField(_("responsible leader"), max_length=50)
    instructor = models.ForeignKey(
        "members.Cadre",
        verbose_name=_("instructor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    close_summary = models.TextField(_("summary of the results"), blank=True)
    verified_by = user_stamp_field(_("verified by"), editable=False)
    verified_on = models.DateField(_("verified on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["organization__path", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="rectification_one_per_year")
        ]

    def __str__(self):
        return f"{self.organization} {self.year}"


class RectificationNote(ScopedModel):
    """A progress note on a rectification."""

    scope_path_lookup = "rectification__organization__path"

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification"), on_delete=models.CASCADE, related_name="notes"
    )
    written_on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification note")
        verbose_name_plural = _("rectification notes")
        ordering = ["rectification", "written_on", "pk"]

    def __str__(self):
        return f"{self.rectification} {self.written_on}"
