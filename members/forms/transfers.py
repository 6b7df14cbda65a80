"""Transfer letters in the browser (docs/transfers.md): issuing one from a member's archive, registering
one received (the member's record with it), and the steps of a letter issued here. The forms collect the
facts; the rules are the letter's and the services' (members/models/transfers.py,
members/services/transfers.py), whose messages land beside these fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import DateInput
from branches.forms import EntryFormMixin
from branches.forms import ServiceModelForm
from branches.models import Organization

from ..models import Member
from ..models.roster import PERSON_FIELDS
from ..models.transfers import VALID_DAYS_OUTSIDE_CITY
from ..models.transfers import VALID_DAYS_WITHIN_CITY
from ._branches import offer_branches
from .dues import MonthInput
from .events import MemberEventForm

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]
VALID_DAYS_HELP = _(
    "Empty: %(near)s days within the city, %(far)s days elsewhere. At most three months from the day of "
    "issue."
)


def _month_field(label):
    return forms.DateField(label=label, widget=MonthInput, input_formats=MONTH_FORMATS, required=False)


def _letter_fields():
    """The fields a letter carries, issued or received (fresh instances for each form)."""
    return {
        "within_city": forms.BooleanField(label=_("destination within the city"), required=False),
        "issued_on": forms.DateField(label=_("issued on"), widget=DateInput, required=False),
        "valid_days": forms.IntegerField(
            label=_("valid for (days)"),
            required=False,
            min_value=1,
            max_value=366,
            help_text=VALID_DAYS_HELP % {"near": VALID_DAYS_WITHIN_CITY, "far": VALID_DAYS_OUTSIDE_CITY},
        ),
        "dues_paid_up_to": _month_field(_("dues paid up to")),
        "note": forms.CharField(label=_("note"), max_length=200, required=False),
    }


def _add_fields(form, fields: dict) -> None:
    for name, field in fields.items():
        form._style(field)
        form.fields[name] = field


LETTER_ORDER = (
    "to_organization",
    "number",
    "from_organization_name",
    "issued_on",
    "valid_days",
    "within_city",
    "dues_paid_up_to",
    "accepted_on",
    "note",
)


class LetterIssueForm(MemberEventForm):
    """A letter out of the county for the member of the archive it is opened from."""

    to_organization_name = forms.CharField(
        label=_("to organization"),
        max_length=100,
        required=False,
        help_text=_("The full name of the party organization the member goes to, outside this county."),
    )
    number = forms.CharField(
        label=_("letter number"),
        max_length=30,
        required=False,
        help_text=_("Empty: the next number of the county's register, such as 2026-001."),
    )

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, user=user, member=member, **kwargs)
        _add_fields(self, _letter_fields())
        del self.fields["version"]
        del self.initial["on"]
        self.order_fields(["to_organization_name", "within_city", "issued_on", "valid_days", "number"])
        self.initial.setdefault("issued_on", timezone.localdate())
        last_paid = member.dues_payments.order_by("-month").values_list("month", flat=True).first()
        if last_paid:
            self.initial.setdefault("dues_paid_up_to", last_paid)

    def step_data(self) -> dict:
        data = super().step_data()
        data.pop("on", None)
        return data


class LetterReceiveForm(ServiceModelForm):
    """A letter brought into the county: the letter's facts, then the member's record as it carries it."""

    single_organization = None
    to_organization = forms.ModelChoiceField(
        label=_("receiving branch"), queryset=Organization.objects.none()
    )
    number = forms.CharField(label=_("letter number"), max_length=30, required=False)
    from_organization_name = forms.CharField(
        label=_("issued by"),
        max_length=100,
        required=False,
        help_text=_("The organization that issued the letter."),
    )
    accepted_on = forms.DateField(label=_("accepted on"), widget=DateInput, required=False)

    class Meta:
        model = Member
        fields = (*PERSON_FIELDS, "category", "joined_on", "confirmed_on")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _add_fields(self, _letter_fields())
        self.order_fields(LETTER_ORDER)
        offer_branches(self, "to_organization", user)
        self.initial.setdefault("accepted_on", timezone.localdate())
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})


class LetterStepForm(EntryFormMixin, forms.Form):
    error_aliases = {"delivered_on": "on", "confirmed_on": "on", "cancelled_on": "on", "status": None}
    on = forms.DateField(label=_("date"), widget=DateInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        self.initial.setdefault("version", letter.version)

    def step_data(self) -> dict:
        data = dict(getattr(self, "cleaned_data", {}))
        data.pop("version", None)
        return data


class LetterCancelForm(LetterStepForm):
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
