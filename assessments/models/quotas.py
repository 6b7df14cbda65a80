"""Annual quotas (docs/quotas.md): the county's policy for a year, engine runs, their results and alerts.

A run writes its results under its own id while it computes; readers only ever see the run published for
an organization and year (``QuotaPublication``), which is swapped for the whole scope in one statement at the
end — so a reader sees the old set or the new one, never a mix, and a run that dies leaves the old one.
"""

from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.models.bases import ScopedModel
from branches.models.bases import organization_field
from branches.models.bases import raise_errors
from branches.models.bases import user_stamp_field
from branches.models.bases import year_field
from branches.models.policies import CountyYearPolicy
from branches.models.policies import one_per_county_year
from branches.scope.roles import Capability

share = [MinValueValidator(0), MaxValueValidator(100)]
count = [MinValueValidator(0)]


def _count(label, default):
    return models.PositiveIntegerField(label, default=default, validators=count)


def _share(label, default):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=default, validators=share)


class QuotaPolicy(CountyYearPolicy):
    """Every annual target of docs/quotas.md for one county and year, each with its default."""

    county = organization_field(_("county committee"), "quota_policies", on_delete=models.CASCADE)
    year = year_field()
    dev_branch_min = _count(_("admissions per rural branch a year"), 1)
    dev_two_years_none = models.PositiveSmallIntegerField(
        _("years without admission that trigger an investigation"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    dev_young_share = _share(_("share of new members under 35 (%)"), 70)
    dev_educated_share = _share(_("share of new members with senior high school or more (%)"), 50)
    dev_under_25 = _count(_("new members under 25 per branch a year (advisory)"), 1)
    train_per_level = _count(_("trainings held by each level a year"), 2)
    train_secretary = _count(_("centralized trainings each branch secretary attends a year"), 1)
    train_rotation = _share(_("share of rural members trained over the cycle (%)"), 100)
    train_rotation_cycle_years = models.PositiveSmallIntegerField(
        _("rotation training cycle (years)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    visit_households = _count(_("distinct households each village cadre visits a year"), 50)
    study_village_sessions = _count(_("study sessions of a village secretary a year"), 12)
    study_village_notes = _count(_("characters of study notes of a village secretary a year"), 5000)
    study_village_articles = _count(_("articles of a village secretary a year"), 1)
    study_township_notes = _count(_("characters of study notes of a township cadre a year"), 10000)
    study_township_articles = _count(_("articles of a township cadre a year"), 2)
    meet_assembly = _count(_("branch assemblies a year"), 4)
    meet_committee = _count(_("branch committee meetings a year"), 12)
    meet_group = _count(_("party group meetings a year"), 12)
    meet_lecture = _count(_("party lectures a year"), 4)
    meet_theme_day = _count(_("theme party days a year"), 12)
    meet_life_meeting = _count(_("organizational life meetings a year"), 1)
    meet_appraisal = _count(_("democratic appraisals a year"), 1)
    review_committee_reports = _count(_("village committee reports to the branch a year"), 2)
    review_branch_reports = _count(_("branch reports to members a year"), 2)
    review_democratic = _count(_("democratic reviews of village cadres a year"), 2)
    review_disclosures = _count(_("financial disclosures a year"), 2)
    reserve_young = _count(_("reserve cadres aged 35 or under per village"), 1)
    reserve_team_young = _count(_("two-committee members aged 35 or under per village"), 1)
    # docs/quotas.md, "Dues paid on time" and "Training hours"
    dues_on_time = _share(_("share of monthly dues paid by the month's end (%)"), 95)
    train_member_hours = _count(_("class hours of training each member takes a year"), 32)
    train_cadre_hours = _count(
        _("class hours of training each secretary or committee member takes a year"), 56
    )
    train_hours_share = _share(_("share of members with their class hours of training (%)"), 100)
    contact_lectures = _count(_("lectures per contact village"), 1)
    contact_checks = _count(_("checks per contact village"), 1)
    contact_activities = _count(_("activities per contact village"), 1)
    contact_days = models.PositiveSmallIntegerField(
        _("days a township leader spends in the contact village"),
        default=90,
        validators=[MaxValueValidator(366)],
    )

    class Meta(CountyYearPolicy.Meta):
        verbose_name = _("quota policy")
        verbose_name_plural = _("quota policies")
        constraints = [one_per_county_year("quota_policy_one_per_year")]

    def clean(self):
        raise_errors(self.county_errors(_("Quota policies are set by a county party committee.")))


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING)  # a run or a report job not finished yet


class QuotaRun(ScopedModel):
    """One computation of every indicator for every organization in a subtree and a year."""

    scope_write_capability = Capability.REVIEW

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("scope"),
        on_delete=models.CASCADE,
        related_name="quota_runs",
        null=True,
        blank=True,
        help_text=_("empty: every tree in the database (system runs only)"),
    )
    year = year_field()
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=60, blank=True)
    requested_by = user_stamp_field(_("requested by"))
    trigger = models.CharField(_("trigger"), max_length=10, default="api")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    # Not stored: set by quota_run_start when a request joined this run instead of queueing another.
    joined = False

    class Meta:
        verbose_name = _("quota run")
        verbose_name_plural = _("quota runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "year", "state"], name="quota_run_scope_state")]

    def __str__(self):
        return f"{self.organization} {self.year} #{self.pk}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 3)
        return None


def run_field(related_name: str):
    """The run that wrote a derived row: no database constraint nor index of its own (see QuotaResult)."""
    return models.ForeignKey(
        QuotaRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name=related_name,
        db_constraint=False,
        db_index=False,
    )


class QuotaResult(ScopedModel):
    """One indicator for one organization and year: the current figure, one row per organization, year and
    indicator. A run rewrites only the rows whose figures changed (docs/quotas.md, "Writing the results")."""

    # Results are derived rows written by the engine in bulk; checking a million foreign keys per run costs
    # seconds and protects nothing the engine does not already guarantee, so the keys have no database
    # constraint (Django still cascades deletes). Nor single-column indexes: the unique index below leads with
    # the organization, and every index costs its share of a run's writes.
    run = models.ForeignKey(
        QuotaRun,
        verbose_name=_("run"),
        help_text=_("The run that last changed this figure."),
        on_delete=models.SET_NULL,
        null=True,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    organization = organization_field(
        _("organization"), "quota_results", on_delete=models.CASCADE, db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("indicator"), max_length=40)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True)
    actual = models.DecimalField(_("actual"), max_digits=12, decimal_places=2, null=True)
    met = models.BooleanField(_("met"), null=True)
    detail = models.JSONField(_("detail"), default=dict)

    class Meta:
        verbose_name = _("quota result")
        verbose_name_plural = _("quota results")
        ordering = ["organization__path", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "code"], name="quota_result_one_per_code"
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.year} {self.code}"


class QuotaPublication(models.Model):
    """Which run's results are the current ones for an organization and year."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    run = models.ForeignKey(QuotaRun, on_delete=models.CASCADE, related_name="publications")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="quota_publication_unique")
        ]
        indexes = [models.Index(fields=["run"], name="quota_publication_run")]

    def __str__(self):
        return f"{self.organization_id} {self.year} → run {self.run_id}"


class AlertKind(models.TextChoices):
    NO_ADMISSION = "dev.two_years_none", _("No admission two years running: investigate and rectify")
    VISIT_PACE = "visit.pace", _("Household visits on pace to fall short of the year's target")
    TRAININGS_MISSING = "train.per_level", _("Trainings behind the level's target")
    MEETINGS_OVERDUE = "meet.overdue", _("Meetings overdue this quarter")
    NO_YOUNG_RESERVE = "reserve.young", _("No reserve cadre aged 35 or under")
    SECRETARY_UNTRAINED = "train.secretary", _("Secretary without this year's centralized training")
    PROBATION_OVERDUE = "member.probation_overdue", _("Probation over, not confirmed")
    OUT_OF_CONTACT = "member.out_of_contact", _("Members working away not contacted for six months")
    LETTER_EXPIRED = "member.letter_expired", _("Transfer letter expired, not delivered or confirmed")
    MEMBERS_FEW = "org.members_few", _("Fewer than 3 full members")
    MEMBERS_MANY = "org.members_many", _("More than 50 full members")
    COMMITTEE = "org.committee", _("7 or more full members without a committee of 3 to 5")
    SECRETARY = "org.secretary", _("Fewer than 7 full members without a secretary (and at most a deputy)")
    TERM_ENDS_6M = "term.ends_6m", _("Term ends within 6 months")
    TERM_ENDS_3M = "term.ends_3m", _("Term ends within 3 months")
    TERM_OVERDUE = "term.overdue", _("Term over: election overdue")


class Alert(ScopedModel):
    run = run_field("alerts")
    organization = organization_field(
        _("organization"), "alerts", on_delete=models.CASCADE, db_constraint=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    cadre = models.ForeignKey(
        "members.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    detail = models.JSONField(_("detail"), default=dict)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["organization__path", "kind"]
        indexes = [models.Index(fields=["run", "organization"], name="alert_run_org")]

    def __str__(self):
        return f"{self.organization} {self.get_kind_display()}"
