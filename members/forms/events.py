"""A member's membership events in the browser: a transfer to another branch of the county, a status change,
an extension of the probation. Each form collects the step's facts; the rules (dates, who may, which
branches and statuses) are the services' (members/services/roster.py), whose messages land beside these
fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import BRANCH_RECORDS_SOURCE
from branches.forms import DateInput
from branches.forms import EntryFormMixin
from branches.forms import limit_organization_field
from branches.forms import records_organizations
from branches.models import BRANCH_KINDS

from ..models import Member
from ..models import MemberStatus

REASON_WIDGET = forms.Textarea(attrs={"rows": 2})


def county_path(organization) -> str:
    """The path of the county at the top of ``organization``'s tree (docs/scope-and-roles.md: only a county
    stands at the top)."""
    return "/" + organization.path.strip("/").split("/")[0] + "/"


def transfer_targets(user, member: Member):
    """Active branches of the member's county, other than the member's own, whose records ``user`` keeps: the
    transfer service asks for the records capability on both branches."""
    return (
        records_organizations(user, kinds=BRANCH_KINDS)
        .filter(path__startswith=county_path(member.branch))
        .exclude(pk=member.branch_id)
    )


class MemberEventForm(EntryFormMixin, forms.Form):
    """The date of the step and the record's version; a reason, required by the service where it is."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.initial.setdefault("version", member.version)
        self.initial.setdefault("on", timezone.localdate())

    def step_data(self) -> dict:
        """What the service receives besides the actor and the member: every field, None when it did not
        parse (so the service still names its own rules in the same round)."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name != "version"}


class TransferForm(MemberEventForm):
    to_branch = forms.ModelChoiceField(queryset=None, label=_("to branch"))
    on = forms.DateField(label=_("transferred on"), widget=DateInput)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False, widget=REASON_WIDGET)
    letter_number = forms.CharField(
        label=_("letter number"),
        max_length=30,
        required=False,
        help_text=_("The transfer letter's number, if one was written: kept with the transfer."),
    )

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, user=user, member=member, **kwargs)
        field = self.fields["to_branch"]
        limit_organization_field(field, transfer_targets(user, member), source=BRANCH_RECORDS_SOURCE)
        field.empty_label = _("Choose a branch")
        field.help_text = _(
            "A branch of this county. A member leaving the county gets a transfer letter out of the county "
            "(from the archive)."
        )


class StatusChangeForm(MemberEventForm):
    status = forms.ChoiceField(label=_("new status"))
    on = forms.DateField(label=_("changed on"), widget=DateInput)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False, widget=REASON_WIDGET)

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, user=user, member=member, **kwargs)
        others = [(value, label) for value, label in MemberStatus.choices if value != member.status]
        self.fields["status"].choices = [("", _("Choose a status")), *others]
        self.fields["status"].required = False  # the service names a missing status, with the other rules


class ExtensionForm(MemberEventForm):
    months = forms.IntegerField(label=_("extended by (months)"), required=False, min_value=1, max_value=99)
    on = forms.DateField(label=_("decided on"), widget=DateInput)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False, widget=REASON_WIDGET)

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, user=user, member=member, **kwargs)
        self.fields["months"].help_text = _("From 6 to 12 months, once, decided during the first year.")
