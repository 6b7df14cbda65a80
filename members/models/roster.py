from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models.bases import ScopedModel
from branches.models.bases import ScopedRecord
from branches.models.bases import organization_field
from branches.models.bases import raise_errors
from branches.models.bases import user_stamp_field
from branches.scope.querysets import ScopedQuerySet

from .. import idnumbers
from ..pipeline_rules import adult_from
from ..pipeline_rules import probation_ends

ID_NUMBER_MESSAGES = {
    "not_text": _("The ID number must be entered as text (a numeric spreadsheet cell loses digits)."),
    "length": _("An ID number has exactly 18 characters."),
    "characters": _("An ID number is 17 digits followed by a digit or X."),
    "birth_date": _("The birth date inside the ID number is not a real date."),
    "checksum": _("The ID number's check character is wrong; please check each digit."),
}


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR_HIGH = "junior_high", _("Junior high school")
    SENIOR_HIGH = "senior_high", _("Senior high / secondary vocational")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class MemberCategory(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class Occupation(models.TextChoices):
    FARMER = "farmer", _("Farmer or herder")
    MIGRANT_WORKER = "migrant_worker", _("Migrant worker")
    VILLAGE_CADRE = "village_cadre", _("Village cadre")
    PUBLIC_SECTOR = "public_sector", _("Government or public institution")
    ENTERPRISE = "enterprise", _("Enterprise")
    STUDENT = "student", _("Student")
    RETIRED = "retired", _("Retired")
    UNEMPLOYED = "unemployed", _("No occupation")
    OTHER = "other", _("Other")


class MemberStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    STOPPED = "stopped", _("Membership suspended")
    LEFT = "left", _("Left the party")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")


# The statuses on a branch's roll (docs/quotas.md, "On the roll"): the members it counts and expects.
ON_ROLL = frozenset({MemberStatus.NORMAL, MemberStatus.LOST_CONTACT})


def validate_id_number(value):
    try:
        idnumbers.parse(value)
    except idnumbers.IdNumberError as error:
        raise ValidationError(ID_NUMBER_MESSAGES[str(error)], code=f"id_{error}") from error


# A person's own details, alike on a member and an applicant (copied over when the applicant is admitted).
PERSON_IDENTITY_FIELDS = ("name", "gender", "ethnicity", "id_number", "birth_date", "education")
PERSON_FIELDS = (*PERSON_IDENTITY_FIELDS, "occupation", "phone", "address")
MOBILE_FIELDS = ("is_mobile", "mobile_destination", "mobile_contact_person", "mobile_last_contact_on")
# What a member's page form takes, in its order (the status moves through its own action).
MEMBER_FIELDS = (
    *PERSON_IDENTITY_FIELDS,
    "category",
    "branch",
    "joined_on",
    "confirmed_on",
    "occupation",
    "phone",
    "address",
    *MOBILE_FIELDS,
    "post_duty",
)


class MemberQuerySet(ScopedQuerySet):
    def on_roll(self):
        """Members a branch counts: neither gone nor transferred out."""
        return self.filter(status__in=ON_ROLL)


class Member(ScopedRecord):
    scope_path_lookup = "branch__path"
    # branches/personal: masked wherever shown; the mobile_* fields describe a migrant (流动) member.
    personal_fields = {"id_number": "id_number", "phone": "phone", "address": "address"}
    not_personal_fields = {
        "is_mobile": "a migrant (流动) member, not a phone",
        "mobile_destination": "where a migrant member works: a city, not an address",
        "mobile_contact_person": "a migrant member's contact person: a name, not a phone",
        "mobile_last_contact_on": "a date",
    }

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    # Left empty, the gender and the birth date are taken from the ID number (Member.clean).
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    id_number = models.CharField(_("ID number"), max_length=18, unique=True, validators=[validate_id_number])
    birth_date = models.DateField(_("birth date"), blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    category = models.CharField(_("category"), max_length=12, choices=MemberCategory.choices)
    branch = organization_field(_("branch"), "members")
    joined_on = models.DateField(_("joined the party on"))
    confirmed_on = models.DateField(_("confirmed as full member on"), null=True, blank=True)
    # Set only by the extension step (members/services/roster.py, member_extend_probation).
    probation_extension_months = models.PositiveSmallIntegerField(
        _("probation extended by (months)"), null=True, blank=True, editable=False
    )
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.NORMAL
    )
    is_mobile = models.BooleanField(_("mobile member"), default=False)
    mobile_destination = models.CharField(_("working away in"), max_length=100, blank=True)
    mobile_contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    mobile_last_contact_on = models.DateField(_("last contact on"), null=True, blank=True)
    post_duty = models.CharField(_("set-post duty"), max_length=100, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["branch__path", "name"]
        indexes = [
            models.Index(fields=["branch", "status"], name="member_branch_status"),
            models.Index(fields=["joined_on"], name="member_joined_on"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self) -> str:
        return idnumbers.mask(self.id_number)

    def validate_unique(self, exclude=None):
        # Who already holds an ID number is answered by members/services/identity.py, which knows who asks
        # and must not tell a foreign record from an invalid number.
        super().validate_unique(exclude={*(exclude or ()), "id_number"})

    @property
    def probation_extension(self) -> int | None:
        """Months the probation was extended by: the member's own extension step, or the one recorded on the
        development record that admitted them (members/services/pipeline.py, ``probation_extend``)."""
        if self.probation_extension_months or self.pk is None:
            return self.probation_extension_months
        record = getattr(self, "development_record", None)
        return record.probation_extension_months if record is not None else None

    @property
    def probation_ends_on(self):
        """The first day of full membership: one year after joining, plus any extension (docs/records.md)."""
        return probation_ends(self.joined_on, self.probation_extension) if self.joined_on else None

    def probation_overdue_on(self, day) -> bool:
        """Still probationary on ``day`` although the probation ended before it: an alert, not a state."""
        if self.category != MemberCategory.PROBATIONARY or self.status not in ON_ROLL:
            return False
        ends = self.probation_ends_on
        return bool(ends and ends < day)

    def clean(self):
        """The one home of the record's own consistency (docs/records.md, "Member record"): the API, the entry
        pages, the admin, the import and the pipeline's steps all reach it through ``full_clean``."""
        errors = {}
        try:
            id_number = self.id_number = idnumbers.parse(self.id_number)
        except idnumbers.IdNumberError:
            id_number = None
        errors.update(self._identity_errors(id_number))
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("The birth date cannot be in the future.")
        if self.joined_on and self.joined_on > today:
            errors["joined_on"] = _("The joining date cannot be in the future.")
        if self.confirmed_on and self.confirmed_on > today:
            errors["confirmed_on"] = _("The confirmation date cannot be in the future.")
        if not errors.keys() & {"birth_date", "joined_on"} and self.birth_date and self.joined_on:
            adult = adult_from(self.birth_date)
            if self.joined_on < adult:
                errors["joined_on"] = _(
                    "A member joins the party at 18 or older: with this birth date, on or after %(date)s."
                ) % {"date": adult.isoformat()}
        errors = {**self._confirmation_errors(), **errors}
        if self.branch_id and not self.branch.is_branch:
            errors["branch"] = _("Members belong to a party branch, not to a party committee.")
        raise_errors(errors)

    def _identity_errors(self, id_number) -> dict:
        """Gender and birth date follow the ID number: taken from it when empty, refused when they differ."""
        if id_number is None:
            # An invalid number has its own error; without one nothing fills an empty field.
            return {
                name: _("This field is required.")
                for name in ("gender", "birth_date")
                if getattr(self, name) in (None, "") and self.id_number in (None, "")
            }
        gender = Gender.FEMALE if idnumbers.is_female(id_number) else Gender.MALE
        self.gender = self.gender or gender
        self.birth_date = self.birth_date or idnumbers.birth_date_of(id_number)
        errors = {}
        if self.gender != gender:
            errors["gender"] = _(
                "The gender does not match the ID number: its 17th digit is odd for men and even for women."
            )
        if idnumbers.birth_date_of(id_number) != self.birth_date:
            errors["birth_date"] = _("The birth date does not match the one inside the ID number.")
        return errors

    def _confirmation_errors(self) -> dict:
        if self.category == MemberCategory.FULL and not self.confirmed_on:
            return {"confirmed_on": _("A full member needs the date of confirmation.")}
        if self.category == MemberCategory.PROBATIONARY and self.confirmed_on:
            return {
                "confirmed_on": _(
                    "A probationary member has no confirmation date: leave it empty until they become a "
                    "full member."
                )
            }
        ends = self.probation_ends_on
        if self.confirmed_on and ends and self.confirmed_on < ends:
            return {
                "confirmed_on": _(
                    "Full membership comes at the end of the probation, one year after joining plus any "
                    "extension: not before %(date)s."
                )
                % {"date": ends.isoformat()}
            }
        return {}


class MemberEventKind(models.TextChoices):
    STATUS_CHANGE = "status_change", _("Status change")
    TRANSFER = "transfer", _("Transfer between branches")
    ADMISSION = "admission", _("Admission as probationary member")
    CONFIRMATION = "confirmation", _("Confirmation as full member")
    EXTENSION = "extension", _("Extension of the probation")


# The events that change a member's branch or status (what the member had on a past day).
MEMBER_MOVE_KINDS = (MemberEventKind.TRANSFER, MemberEventKind.STATUS_CHANGE)
# What a membership event moves, from and to.
MEMBER_EVENT_MOVE_FIELDS = ("from_branch", "to_branch", "from_status", "to_status")


def member_field(related_name: str, *, on_delete=models.CASCADE, **options):
    """The party member a record is about."""
    return models.ForeignKey(
        "members.Member",
        verbose_name=_("party member"),
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


class MemberEvent(ScopedModel):
    """What happened to a membership, in order: status changes, transfers, admission, probation extension,
    confirmation."""

    scope_path_lookup = "member__branch__path"

    member = member_field("events")
    kind = models.CharField(_("kind"), max_length=16, choices=MemberEventKind.choices)
    occurred_on = models.DateField(_("date"))
    from_branch = organization_field(_("from branch"), "+", null=True, blank=True)
    to_branch = organization_field(_("to branch"), "+", null=True, blank=True)
    from_status = models.CharField(
        _("previous status"), max_length=16, choices=MemberStatus.choices, blank=True
    )
    to_status = models.CharField(_("new status"), max_length=16, choices=MemberStatus.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = user_stamp_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        ordering = ["member", "occurred_on", "pk"]
        indexes = [
            models.Index(fields=["occurred_on"], name="member_event_day"),
            # The members moved (transferred, or their status changed) after a day, found as one set
            # (members/selectors/roster.py, _with_state_on): a few rows of a small index instead of every
            # admission and confirmation since the day, which for a past year's December is a year of them.
            models.Index(
                fields=["occurred_on"],
                name="member_event_move_day",
                condition=models.Q(kind__in=MEMBER_MOVE_KINDS),
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.occurred_on}"
