"""A branch's month of dues on one phone screen: tick who paid; each amount shown is the computed one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import (
    DateInput,
    EntryFormMixin,
    hide_single_choice,
    limit_organization_field,
    records_organizations,
)
from branches.models import BRANCH_KINDS, Organization

from ..models import Member, PaymentMethod
from ..selectors.dues import dues_ledger, month_start
from ._people import Checklist, set_checklist


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
        field = self.fields["organization"]
        limit_organization_field(field, records_organizations(user, kinds=BRANCH_KINDS))
        hide_single_choice(self, "organization")
        today = timezone.localdate()
        self.initial.setdefault("month", month_start(month or today))
        self.initial.setdefault("paid_on", today)
        self.organization = self._chosen(organization) or self.single_organization
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

    def _chosen(self, organization):
        pk = self.data.get("organization") if self.is_bound else organization
        if not pk:
            return None
        try:
            return self.fields["organization"].queryset.filter(pk=pk).first()
        except (ValueError, TypeError):
            return None
