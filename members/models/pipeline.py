"""The pipeline (docs/members-and-pipeline.md): applicant → activist → candidate → probationary → full member.

The model only stores what happened and when; whether a step may happen is decided by
``members.services.pipeline``, which names the rule and the date a refused step becomes possible.
"""

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from branches.models.bases import ScopedModel
from branches.models.bases import organization_field
from branches.models.bases import raise_errors
from partybuild.models import VersionedModel
from partybuild.years import FIRST_DATE_YEAR

from .. import idnumbers
from .. import pipeline_rules as rules
from .roster import Education
from .roster import Gender
from .roster import Member
from .roster import Occupation
from .roster import validate_id_number

EARLIEST_DATE = dt.date(FIRST_DATE_YEAR, 1, 1)


class ApplicantStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Candidate for development")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


STAGE_ORDER = list(ApplicantStage.values)


class ApplicantStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISQUALIFIED = "disqualified", _("Disqualified")


class PoliticalStatus(models.TextChoices):
    MEMBER = "member", _("Party member")
    PROBATIONARY = "probationary", _("Probationary member")
    ACTIVIST = "activist", _("Activist")
    APPLICANT = "applicant", _("Applicant")
    LEAGUE = "league", _("Communist Youth League member")
    MASSES = "masses", _("Masses")


class Applicant(VersionedModel, ScopedModel):
    personal_fields = {"id_number": "id_number", "phone": "phone", "address": "address"}
    scope_path_lookup = "branch__path"

    branch = organization_field(_("branch"), "applicants")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    id_number = models.CharField(_("ID number"), max_length=18, unique=True, validators=[validate_id_number])
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=ApplicantStage.choices, default=ApplicantStage.APPLICANT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicantStatus.choices, default=ApplicantStatus.ACTIVE
    )

    applied_on = models.DateField(_("application submitted on"))
    activist_on = models.DateField(_("designated activist on"), null=True, blank=True)
    mentors = models.ManyToManyField(
        Member, verbose_name=_("mentors"), blank=True, related_name="mentored_applicants"
    )
    political_review_on = models.DateField(_("political review completed on"), null=True, blank=True)
    training_completed_on = models.DateField(_("centralized training completed on"), null=True, blank=True)
    training_days = models.PositiveSmallIntegerField(_("training days"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(_("training class hours"), null=True, blank=True)
    notice_started_on = models.DateField(_("public notice started on"), null=True, blank=True)
    candidate_on = models.DateField(_("designated candidate on"), null=True, blank=True)
    pre_reviewed_on = models.DateField(_("township pre-review on"), null=True, blank=True)
    sponsors = models.ManyToManyField(
        Member, verbose_name=_("sponsors"), blank=True, related_name="sponsored_applicants"
    )
    assembly_on = models.DateField(_("branch assembly on"), null=True, blank=True)
    votes_entitled = models.PositiveSmallIntegerField(
        _("full members entitled to vote"), null=True, blank=True
    )
    votes_yes = models.PositiveSmallIntegerField(_("votes in favour"), null=True, blank=True)
    approved_on = models.DateField(_("approved by the higher committee on"), null=True, blank=True)
    probation_extension_months = models.PositiveSmallIntegerField(
        _("probation extended by (months)"), null=True, blank=True
    )
    probation_extended_on = models.DateField(_("probation extended on"), null=True, blank=True)
    confirmed_on = models.DateField(_("confirmed as full member on"), null=True, blank=True)
    member = models.OneToOneField(
        Member,
        verbose_name=_("member record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="development_record",
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], m2m_fields=[mentors, sponsors])

    class Meta:
        verbose_name = _("development record")
        verbose_name_plural = _("development records")
        ordering = ["branch__path", "applied_on", "pk"]
        indexes = [models.Index(fields=["branch", "stage", "status"], name="applicant_branch_stage")]

    def validate_unique(self, exclude=None):
        # Who already holds an ID number is answered by members/services/identity.py, which knows who asks
        # and must not tell a foreign record from an invalid number.
        super().validate_unique(exclude={*(exclude or ()), "id_number"})

    def __str__(self):
        return f"{self.name} · {self.get_stage_display()}"

    def fill_from_id_number(self) -> None:
        """A blank gender or birth date is read from a valid ID number (a wrong one is left to its check)."""
        try:
            number = idnumbers.parse(self.id_number)
        except idnumbers.IdNumberError:
            return
        if not self.birth_date:
            self.birth_date = idnumbers.birth_date_of(number)
        if not self.gender:
            self.gender = Gender.FEMALE if idnumbers.is_female(number) else Gender.MALE

    def date_errors(self) -> dict:
        """Every date of the record lies between ``EARLIEST_DATE`` and today: each one records something that
        has happened (docs/members-and-pipeline.md), and the rules' arithmetic stays within real dates."""
        today, errors = timezone.localdate(), {}
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(field, models.DateTimeField) or not isinstance(value, dt.date):
                continue
            if value < EARLIEST_DATE:
                errors[field.name] = _("Enter a date from %(year)d on.") % {"year": FIRST_DATE_YEAR}
            elif value > today:
                errors[field.name] = _("The date cannot be in the future.")
        return errors

    def clean(self):
        """The applicant's own rules, on every path (docs/members-and-pipeline.md): gender and birth date as
        the ID number says (filled from it when blank), real dates, and at least 18 on applying."""
        self.fill_from_id_number()
        errors = self.date_errors()
        try:
            number = self.id_number = idnumbers.parse(self.id_number)
        except idnumbers.IdNumberError:
            number = None  # the field's own validator names what is wrong
        if number and self.birth_date and idnumbers.birth_date_of(number) != self.birth_date:
            errors["birth_date"] = _("The birth date does not match the one inside the ID number.")
        if (
            number
            and self.gender
            and self.gender != (Gender.FEMALE if idnumbers.is_female(number) else Gender.MALE)
        ):
            errors["gender"] = _(
                "The gender does not match the ID number: its 17th digit is odd for men and even for women."
            )
        if not errors and self.birth_date and self.applied_on:
            adult = rules.adult_from(self.birth_date)
            if self.applied_on < adult:
                errors["applied_on"] = _(
                    "An applicant must be at least 18 years old when applying; "
                    "this person turns 18 on %(date)s."
                ) % {"date": date_format(adult, "Y-m-d")}
        raise_errors(errors)
