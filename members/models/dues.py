"""Party dues (党费, docs/dues.md): the county's rates for a year, each member's yearly base and the
payments recorded month by month."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models.bases import ScopedRecord
from branches.models.bases import organization_field
from branches.models.bases import user_stamp_field
from branches.models.bases import year_field
from branches.models.policies import CountyYearPolicy
from branches.models.policies import one_per_county_year

from .roster import Member

FEN = Decimal("0.01")
not_negative = [MinValueValidator(Decimal("0"))]


def _money(label, default=None, **options):
    return models.DecimalField(
        label, max_digits=10, decimal_places=2, default=default, validators=not_negative, **options
    )


def _rate(label, default):
    return models.DecimalField(
        label, max_digits=4, decimal_places=2, default=default, validators=not_negative
    )


class DuesCategory(models.TextChoices):
    EMPLOYED = "employed", _("Employed (salary or other income)")
    RETIRED = "retired", _("Retired (pension)")
    FARMER = "farmer", _("Farmer")
    STUDENT = "student", _("Student")
    HARDSHIP = "hardship", _("Unemployed, on relief or on the subsistence allowance")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    MOBILE = "mobile", _("Mobile payment")
    PAYROLL = "payroll", _("Deducted from pay")


class DuesPolicy(CountyYearPolicy):
    """The 2008 dues rules as one county's defaults for a year; each band's upper edge belongs to it."""

    county = organization_field(_("county committee"), "dues_policies", on_delete=models.CASCADE)
    year = year_field()
    employed_band1_to = _money(_("employed: first band up to (yuan)"), Decimal("3000"))
    employed_band1_rate = _rate(_("employed: first band rate (%)"), Decimal("0.5"))
    employed_band2_to = _money(_("employed: second band up to (yuan)"), Decimal("5000"))
    employed_band2_rate = _rate(_("employed: second band rate (%)"), Decimal("1"))
    employed_band3_to = _money(_("employed: third band up to (yuan)"), Decimal("10000"))
    employed_band3_rate = _rate(_("employed: third band rate (%)"), Decimal("1.5"))
    employed_top_rate = _rate(_("employed: rate above the third band (%)"), Decimal("2"))
    retired_band_to = _money(_("retired: lower band up to (yuan)"), Decimal("5000"))
    retired_low_rate = _rate(_("retired: lower band rate (%)"), Decimal("0.5"))
    retired_high_rate = _rate(_("retired: rate above the lower band (%)"), Decimal("1"))
    farmer_min = _money(_("farmers: least monthly amount (yuan)"), Decimal("0.2"))
    farmer_max = _money(_("farmers: most monthly amount (yuan)"), Decimal("1"))
    student_amount = _money(_("students: monthly amount (yuan)"), Decimal("0.2"))
    hardship_amount = _money(_("unemployed or on relief: monthly amount (yuan)"), Decimal("0.2"))

    class Meta(CountyYearPolicy.Meta):
        verbose_name = _("dues policy")
        verbose_name_plural = _("dues policies")
        constraints = [one_per_county_year("dues_policy_one_per_year")]


class DuesBase(ScopedRecord):
    """What a member declares once a year and the monthly amount computed from it (never typed)."""

    scope_path_lookup = "member__branch__path"

    member = models.ForeignKey(
        Member, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="dues_bases"
    )
    year = year_field()
    category = models.CharField(_("dues category"), max_length=10, choices=DuesCategory.choices)
    income = _money(_("monthly income after tax and fixed deductions (yuan)"), null=True, blank=True)
    farmer_amount = _money(_("monthly amount set by the branch (yuan)"), null=True, blank=True)
    exempt = models.BooleanField(_("exempt from dues"), default=False)
    exemption_decision = models.CharField(_("exemption decision"), max_length=200, blank=True)
    voluntary_amount = _money(_("voluntary monthly amount (yuan)"), null=True, blank=True)
    monthly_amount = models.DecimalField(
        _("monthly dues (yuan)"), max_digits=10, decimal_places=2, editable=False
    )
    unpaid_reason = models.CharField(_("reason for unpaid dues"), max_length=200, blank=True)
    declared_by = user_stamp_field(_("declared by"))

    class Meta:
        verbose_name = _("dues base")
        verbose_name_plural = _("dues bases")
        ordering = ["member__branch__path", "member__name", "-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="dues_base_one_per_year")]

    def __str__(self):
        return f"{self.member} {self.year}"


class DuesPayment(ScopedRecord):
    """One member's dues for one month, paid to the branch whose roll the member was on that month."""

    member = models.ForeignKey(
        Member, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="dues_payments"
    )
    organization = organization_field(_("branch"), "dues_payments")
    month = models.DateField(_("month"), help_text=_("the first day of the month paid for"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices)
    recorded_by = user_stamp_field(_("recorded by"))

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["organization__path", "-month", "member__name"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_payment_one_per_month")]
        indexes = [models.Index(fields=["organization", "month"], name="dues_payment_branch_month")]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m}"
