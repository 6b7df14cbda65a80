"""Transfer letters (组织关系介绍信, docs/transfers.md): a member's organizational relation moving out of the
county, into it, or between its branches. The letter's own consistency is ``TransferLetter.clean``; the
steps (issue, delivery, confirmation, cancellation, registration of a received letter) are the services in
``members/services/transfers.py``, which also move the member on or off the roll."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models.bases import ScopedRecord
from branches.models.bases import organization_field
from branches.models.bases import raise_errors
from branches.models.bases import record_date_errors
from branches.models.bases import user_stamp_field

from .roster import MemberEvent
from .roster import member_field

# Default validity in days (docs/transfers.md): within the city, and anywhere else.
VALID_DAYS_WITHIN_CITY = 10
VALID_DAYS_OUTSIDE_CITY = 30
# The longest validity: three calendar months from the day of issue.
MAX_VALID_MONTHS = 3


class LetterDirection(models.TextChoices):
    OUT = "out", _("Out of the county")
    IN = "in", _("Into the county")
    WITHIN = "within", _("Within the county")


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    DELIVERED = "delivered", _("Delivered")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


# Not stored: an issued letter past its last valid day, neither delivered nor confirmed (an alert).
EXPIRED = "expired"
EXPIRED_LABEL = _("Expired, unconfirmed")


def default_valid_days(within_city: bool) -> int:
    return VALID_DAYS_WITHIN_CITY if within_city else VALID_DAYS_OUTSIDE_CITY


def valid_until(issued_on: dt.date, valid_days: int) -> dt.date:
    """The last day a letter is valid: the day of issue is its first day, so 30 days from 1 March run to
    30 March and the letter has expired on 31 March."""
    return issued_on + dt.timedelta(days=valid_days - 1)


def latest_valid_until(issued_on: dt.date) -> dt.date:
    """The last day the longest letter may be valid: the day before the same day three months later (a day
    the month lacks is its last: from 30 November, 27 February)."""
    return issued_on + relativedelta(months=MAX_VALID_MONTHS) - dt.timedelta(days=1)


def max_valid_days(issued_on: dt.date) -> int:
    return (latest_valid_until(issued_on) - issued_on).days + 1


class TransferLetter(ScopedRecord):
    """One letter: its number in the county's register, the member, where from and where to (an
    organization of the system, or its name when it lies outside), validity, dues paid up to, and each step
    with who recorded it. ``organization`` is the branch that keeps it: the member's branch when issued
    here, the receiving branch when received."""

    county = organization_field(_("county committee"), "+", editable=False)
    organization = organization_field(_("branch keeping the letter"), "transfer_letters")
    number = models.CharField(_("letter number"), max_length=30)
    direction = models.CharField(_("direction"), max_length=8, choices=LetterDirection.choices)
    member = member_field("transfer_letters")
    from_organization = organization_field(_("from organization"), "+", null=True, blank=True)
    from_organization_name = models.CharField(
        _("from organization (outside the system)"), max_length=100, blank=True
    )
    to_organization = organization_field(_("to organization"), "+", null=True, blank=True)
    to_organization_name = models.CharField(
        _("to organization (outside the system)"), max_length=100, blank=True
    )
    within_city = models.BooleanField(_("destination within the city"), default=False)
    issued_on = models.DateField(_("issued on"))
    valid_days = models.PositiveSmallIntegerField(_("valid for (days)"))
    # Derived in clean() from the two above: the last day the letter is valid.
    valid_until = models.DateField(_("valid until"), editable=False)
    dues_paid_up_to = models.DateField(
        _("dues paid up to"), null=True, blank=True, help_text=_("the first day of the last month paid")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.ISSUED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = user_stamp_field(_("issued or registered by"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_by = user_stamp_field(_("delivery recorded by"))
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    confirmed_by = user_stamp_field(_("confirmation recorded by"))
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancelled_by = user_stamp_field(_("cancelled by"))
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # The membership event the letter caused: leaving the roll, joining it, or the transfer between branches.
    event = models.ForeignKey(
        MemberEvent,
        verbose_name=_("membership event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("transfer letter")
        verbose_name_plural = _("transfer letters")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            # The county's own register numbers the letters it issues; a received letter carries the number
            # its issuer gave it, unique per issuer.
            models.UniqueConstraint(
                fields=["county", "number"], condition=~Q(direction="in"), name="letter_number_per_county"
            ),
            models.UniqueConstraint(
                fields=["county", "from_organization_name", "number"],
                condition=Q(direction="in"),
                name="received_letter_number_per_issuer",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="letter_status_valid_until")]

    def __str__(self):
        return f"{self.number} {self.member}"

    def expired_on(self, day: dt.date) -> bool:
        """Issued, neither delivered nor confirmed, and past its last valid day on ``day``."""
        return self.status == LetterStatus.ISSUED and self.valid_until is not None and day > self.valid_until

    @property
    def state(self) -> str:
        """The status, or ``expired`` for an issued letter past its validity (docs/transfers.md)."""
        return EXPIRED if self.expired_on(timezone.localdate()) else self.status

    @property
    def state_label(self):
        return EXPIRED_LABEL if self.state == EXPIRED else self.get_status_display()

    @property
    def from_label(self) -> str:
        return self.from_organization.name if self.from_organization_id else self.from_organization_name

    @property
    def to_label(self) -> str:
        return self.to_organization.name if self.to_organization_id else self.to_organization_name

    def clean(self):
        """The letter's consistency (docs/transfers.md, "Rules"), the one check every path reaches."""
        errors = record_date_errors(self, "issued_on", "delivered_on", "confirmed_on", "cancelled_on")
        self.number = (self.number or "").strip()
        if not self.number:
            errors["number"] = _("Give the letter's number.")
        errors.update(self._ends_errors())
        errors.update(self._validity_errors())
        if self.issued_on and self.valid_days:
            self.valid_until = valid_until(self.issued_on, self.valid_days)
        errors = {**self._step_errors(), **errors}
        if self.dues_paid_up_to:
            self.dues_paid_up_to = self.dues_paid_up_to.replace(day=1)
        elif self.direction != LetterDirection.WITHIN:
            errors["dues_paid_up_to"] = _("Give the last month the member's dues are paid for.")
        raise_errors(errors)

    def _ends_errors(self) -> dict:
        """Out of the county: from a branch here to an organization named; into it: from one named to a
        branch here; within: between two branches here."""
        errors = {}
        named_from = self.direction == LetterDirection.IN
        named_to = self.direction == LetterDirection.OUT
        if named_from and not self.from_organization_name.strip():
            errors["from_organization_name"] = _("Give the name of the organization that issued the letter.")
        if not named_from and not self.from_organization_id:
            errors["from_organization"] = _("Choose the branch the member leaves.")
        if named_to and not self.to_organization_name.strip():
            errors["to_organization_name"] = _("Give the name of the organization the member goes to.")
        if not named_to and not self.to_organization_id:
            errors["to_organization"] = _("Choose the branch that receives the member.")
        elif not named_to and not self.to_organization.is_branch:
            errors["to_organization"] = _("Members belong to a party branch, not to a party committee.")
        return errors

    def _validity_errors(self) -> dict:
        if self.valid_days is None or self.issued_on is None:
            return (
                {} if self.valid_days is not None else {"valid_days": _("Give the days the letter is valid.")}
            )
        if self.valid_days < 1:
            return {"valid_days": _("A letter is valid for at least one day.")}
        longest = max_valid_days(self.issued_on)
        if self.valid_days > longest:
            return {
                "valid_days": _(
                    "A letter is valid for at most three months: issued on %(issued)s, at most %(days)s days "
                    "(until %(until)s)."
                )
                % {
                    "issued": self.issued_on.isoformat(),
                    "days": longest,
                    "until": latest_valid_until(self.issued_on).isoformat(),
                }
            }
        return {}

    def _step_errors(self) -> dict:
        """Delivery and confirmation (a received letter's acceptance) fall within the validity; nothing
        happens to a letter before its issue."""
        errors = {}
        until = self.valid_until
        for field in ("delivered_on", "confirmed_on", "cancelled_on"):
            day = getattr(self, field)
            if day is None or self.issued_on is None:
                continue
            if day < self.issued_on:
                errors[field] = _("The date cannot be before the letter was issued (%(date)s).") % {
                    "date": self.issued_on.isoformat()
                }
            elif field != "cancelled_on" and until is not None and day > until:
                errors[field] = _(
                    "The letter was valid until %(date)s: a member reporting later needs a new letter "
                    "(cancel this one and issue another)."
                ) % {"date": until.isoformat()}
        return errors
