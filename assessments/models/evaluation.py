"""Three-level joint statement, evaluation and examination (三级联述联评联考, docs/ratings-and-evaluation.md).

A county opens one cycle a year. The secretaries of the county committee, its township committees and its
villages' branches are the ones evaluated; each is identified by the organization whose secretary they are,
so a change of secretary mid-year does not split a subject in two (the name is kept as a snapshot).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models.bases import ScopedModel
from branches.models.bases import ScopedRecord
from branches.models.bases import organization_field
from branches.models.bases import raise_errors
from branches.models.bases import user_stamp_field
from branches.models.bases import year_field
from branches.models.policies import CountyYearPolicy
from branches.models.policies import one_per_county_year
from branches.scope.roles import Capability

percentage = [MinValueValidator(0), MaxValueValidator(100)]


def _weight(label, default):
    return models.PositiveSmallIntegerField(label, default=default, validators=percentage)


class CycleState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class EvaluationLevel(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class EvaluationGrade(models.TextChoices):
    GOOD = "good", _("Good (好)")
    FAIRLY_GOOD = "fairly_good", _("Fairly good (较好)")
    AVERAGE = "average", _("Average (一般)")
    POOR = "poor", _("Poor (差)")


GRADE_POINTS = {
    EvaluationGrade.GOOD: 100,
    EvaluationGrade.FAIRLY_GOOD: 80,
    EvaluationGrade.AVERAGE: 60,
    EvaluationGrade.POOR: 40,
}


class RaterGroup(models.TextChoices):
    TOWNSHIP_OFFICIAL = "township_official", _("Township officials")
    MEMBER_REPRESENTATIVE = "member_representative", _("Party member representatives")
    MASS_REPRESENTATIVE = "mass_representative", _("Mass representatives")


class EvaluationCycle(CountyYearPolicy):
    """One county's joint evaluation for one year: its window, weights and grade thresholds."""

    county = organization_field(_("county committee"), "evaluation_cycles", on_delete=models.CASCADE)
    year = year_field()
    opens_on = models.DateField(_("opens on"))
    statements_due_on = models.DateField(_("statements due on"))
    closes_on = models.DateField(_("closes on"))
    state = models.CharField(_("state"), max_length=10, choices=CycleState.choices, default=CycleState.OPEN)
    weight_evaluation = _weight(_("weight of the evaluation in the final score (%)"), 40)
    weight_examination = _weight(_("weight of the examination in the final score (%)"), 60)
    exam_weight_quota = _weight(_("weight of quota achievement within the examination (%)"), 50)
    exam_weight_stars = _weight(_("weight of the star rating within the examination (%)"), 50)
    weight_township_officials = _weight(_("weight of township officials' grades (%)"), 40)
    weight_member_representatives = _weight(_("weight of party member representatives' grades (%)"), 30)
    weight_mass_representatives = _weight(_("weight of mass representatives' grades (%)"), 30)
    good_from = _weight(_("final grade good from (points)"), 90)
    fairly_good_from = _weight(_("final grade fairly good from (points)"), 80)
    average_from = _weight(_("final grade average from (points)"), 60)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = user_stamp_field(_("published by"))

    class Meta(CountyYearPolicy.Meta):
        verbose_name = _("joint evaluation cycle")
        verbose_name_plural = _("joint evaluation cycles")
        constraints = [one_per_county_year("evaluation_cycle_one_per_year")]

    def clean(self):
        errors = self.county_errors(_("A joint evaluation cycle is opened by a county party committee."))
        if self.opens_on and self.closes_on and not self.opens_on <= self.statements_due_on <= self.closes_on:
            errors["statements_due_on"] = _("Statements must be due within the cycle's window.")
        if self.weight_evaluation + self.weight_examination != 100:
            errors["weight_examination"] = _("The evaluation and examination weights must add up to 100.")
        if self.exam_weight_quota + self.exam_weight_stars != 100:
            errors["exam_weight_stars"] = _(
                "The quota and star weights of the examination must add up to 100."
            )
        group_weights = (
            self.weight_township_officials,
            self.weight_member_representatives,
            self.weight_mass_representatives,
        )
        if sum(group_weights) != 100:
            errors["weight_mass_representatives"] = _("The three rater groups' weights must add up to 100.")
        if not self.good_from > self.fairly_good_from > self.average_from:
            errors["fairly_good_from"] = _("The grade thresholds must rise: average < fairly good < good.")
        raise_errors(errors)


def statement_upload_to(instance, filename):
    return f"statements/{instance.cycle_id}/{instance.organization_id}/{filename}"


def cycle_field(related_name: str):
    """The evaluation cycle a row belongs to; it goes with the cycle."""
    return models.ForeignKey(
        EvaluationCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name=related_name
    )


def secretary_field(related_name: str):
    """The organization whose secretary is stated on, graded or scored."""
    return organization_field(_("organization of the secretary"), related_name, on_delete=models.CASCADE)


class Statement(ScopedRecord):
    """A secretary's written report (述) for a cycle; late when submitted after the due date."""

    cycle = cycle_field("statements")
    organization = secretary_field("evaluation_statements")
    level = models.CharField(_("level"), max_length=10, choices=EvaluationLevel.choices)
    secretary_name = models.CharField(_("secretary"), max_length=50)
    text = models.TextField(_("report"))
    attachment = models.FileField(_("attachment"), upload_to=statement_upload_to, blank=True)
    attachment_name = models.CharField(_("attachment file name"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = user_stamp_field(_("submitted by"))
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="statement_one_per_secretary"),
        ]

    def __str__(self):
        return f"{self.organization} {self.cycle.year}"


class EvaluationRater(ScopedRecord):
    """A user appointed to grade the secretaries of one subtree in one rater group for a cycle."""

    scope_write_capability = Capability.POLICY

    cycle = cycle_field("raters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rater"),
        on_delete=models.CASCADE,
        related_name="evaluation_raters",
    )
    group = models.CharField(_("rater group"), max_length=24, choices=RaterGroup.choices)
    organization = organization_field(
        _("rates the secretaries of"), "evaluation_raters", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("rater")
        verbose_name_plural = _("raters")
        ordering = ["cycle", "organization__path", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "user", "organization"], name="evaluation_rater_one_per_subtree"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.get_group_display()} {self.organization}"


class SecretaryGrade(ScopedRecord):
    """One rater's grade (评) of one secretary; a second grade replaces the first and history keeps both."""

    rater = models.ForeignKey(
        EvaluationRater, verbose_name=_("rater"), on_delete=models.CASCADE, related_name="grades"
    )
    organization = secretary_field("evaluation_grades")
    grade = models.CharField(_("grade"), max_length=12, choices=EvaluationGrade.choices)

    class Meta:
        verbose_name = _("secretary grade")
        verbose_name_plural = _("secretary grades")
        ordering = ["organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["rater", "organization"], name="secretary_grade_once_per_rater"),
        ]

    def __str__(self):
        return f"{self.organization}: {self.get_grade_display()}"


# A score's results, in the order of the export's columns (the API lists them too).
SCORE_RESULT_FIELDS = (
    "secretary_name",
    "grades_count",
    "evaluation_score",
    "good_rate",
    "quota_achievement",
    "star_score",
    "stars",
    "examination_score",
    "final_score",
    "grade",
    "rank_in_township",
    "rank_in_county",
)


class EvaluationScore(ScopedModel):
    """The computed score of one secretary in a cycle (考): derived rows, rewritten as a set."""

    cycle = cycle_field("scores")
    organization = secretary_field("evaluation_scores")
    level = models.CharField(_("level"), max_length=10, choices=EvaluationLevel.choices)
    township = organization_field(_("township"), "+", on_delete=models.CASCADE, null=True, blank=True)
    secretary_name = models.CharField(_("secretary"), max_length=50, blank=True)
    grades_count = models.PositiveIntegerField(_("grades"), default=0)
    evaluation_score = models.DecimalField(_("evaluation score"), max_digits=5, decimal_places=2, null=True)
    good_rate = models.DecimalField(_("good rate (%)"), max_digits=5, decimal_places=2, null=True)
    quota_achievement = models.DecimalField(
        _("quota achievement (%)"), max_digits=5, decimal_places=2, null=True
    )
    star_score = models.DecimalField(_("star rating score"), max_digits=5, decimal_places=2, null=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True)
    examination_score = models.DecimalField(_("examination score"), max_digits=5, decimal_places=2, null=True)
    final_score = models.DecimalField(_("final score"), max_digits=5, decimal_places=2, null=True)
    grade = models.CharField(_("final grade"), max_length=12, choices=EvaluationGrade.choices, blank=True)
    rank_in_township = models.PositiveIntegerField(_("rank in the township"), null=True)
    rank_in_county = models.PositiveIntegerField(_("rank in the county"), null=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        ordering = ["organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organization"], name="evaluation_score_one_per_secretary"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "township"], name="evaluation_score_township")]

    def __str__(self):
        return f"{self.organization} {self.final_score}"
