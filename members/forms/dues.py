"""A branch's month of dues on one phone screen: tick who paid; each amount shown is the computed one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import DateInput
from branches.forms import EntryFormMixin
from branches.models import Organization
from branches.scope.roles import Capability

from ..models import DuesBase
from ..models import DuesCategory
from ..models import Member
from ..models import PaymentMethod
from ..picker import MemberPicker
from ..picker import search_when_many
from ..selectors.dues import dues_ledger
from ..selectors.dues import month_start
from ._branches import offer_branches
from ._people import Checklist
from ._people import chosen_organization
from ._people import set_checklist


class MonthInput(DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        forms.DateInput.__init__(self, attrs, format="%Y-%m")


class DuesMonthForm(EntryFormMixin, forms.Form):
    single_organization = None
    organization = forms.ModelChoiceField(label=_("branch"), queryset=Organization.objects.none())
    month = forms.DateField(label=_("month"), widget=MonthInput, input_formats=["%Y-%m", "%Y-%m-%d"])
    paid_on = forms.DateField(label=_("paid on"))
    method = forms.ChoiceField(label=_("payment method"), choices=PaymentMethod.choices)
    paid = Checklist(label=_("members who paid"))

    def __init__(self, data=None, *, user, organization=None, month=None):
        super().__init__(data)
        offer_branches(self, "organization", user)
        today = timezone.localdate()
        self.initial.setdefault("month", month_start(month or today))
        self.initial.setdefault("paid_on", today)
        self.organization = (
            chosen_organization(self, "organization", organization) or self.single_organization
        )
        self.rows = self._ledger()
        unpaid = [row for row in self.rows if row.paid is None and row.due is not None and not row.exempt]
        self.fields["paid"].label_from_instance = lambda row: (
            _("%(name)s · %(due)s yuan")
            % {
                "name": row.name,
                "due": f"{row.due:.2f}",
            }
        )
        set_checklist(
            self.fields["paid"], validate_against=Member.objects.restrict(user, "view"), shown=unpaid
        )

    def chosen_month(self):
        value = self.data.get("month") if self.is_bound else self.initial["month"]
        try:
            return month_start(self.fields["month"].to_python(value) or timezone.localdate())
        except forms.ValidationError:
            return month_start(timezone.localdate())

    def _ledger(self):
        if self.organization is None:
            return []
        return list(dues_ledger(organization=self.organization, month=self.chosen_month()))


def _monthly_yuan(label, help_text="") -> forms.DecimalField:
    """An amount a month in yuan and fen, left empty where the member's category does not use it."""
    return forms.DecimalField(label=label, required=False, min_value=0, decimal_places=2, help_text=help_text)


class DuesBaseForm(EntryFormMixin, forms.Form):
    """A member's yearly base (docs/dues.md, "The amount"): the monthly amount is computed from it by the
    service, never typed. Opened for a member and year (``?member=&year=``), it shows that year's base to
    revise when there is one."""

    member = forms.ModelChoiceField(label=_("party member"), queryset=Member.objects.none())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    category = forms.ChoiceField(label=_("dues category"), choices=DuesCategory.choices)
    income = _monthly_yuan(
        _("monthly income after tax and fixed deductions (yuan)"),
        _("Employed and retired members: the salary or pension after tax and fixed deductions."),
    )
    farmer_amount = _monthly_yuan(
        _("monthly amount set by the branch (yuan)"),
        _("Farmers only: from the policy's least to most amount."),
    )
    voluntary_amount = _monthly_yuan(_("voluntary monthly amount (yuan)"))
    exempt = forms.BooleanField(label=_("exempt from dues"), required=False)
    exemption_decision = forms.CharField(label=_("exemption decision"), required=False, max_length=200)
    unpaid_reason = forms.CharField(label=_("reason for unpaid dues"), required=False, max_length=200)

    def __init__(self, data=None, *, user, member=None, year=None):
        super().__init__(data)
        self.fields["member"].queryset = (
            Member.objects.restrict(user, "records").select_related("branch").order_by("name", "pk")
        )
        self.fields["member"].label_from_instance = lambda m: f"{m.name} · {m.branch.name}"
        search_when_many(self.fields["member"], MemberPicker(Capability.RECORDS))
        self.initial["year"] = year or timezone.localdate().year
        self.chosen = self.fields["member"].queryset.filter(pk=member).first() if member else None
        self.existing = None
        if self.chosen is not None:
            self.initial["member"] = self.chosen.pk
            self.existing = DuesBase.objects.filter(member=self.chosen, year=self.initial["year"]).first()
        if self.existing is not None:
            self.initial.update(
                {name: getattr(self.existing, name) for name in self.fields if name not in ("member", "year")}
            )
