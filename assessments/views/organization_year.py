"""The form a page asks an organization and a year with (a quota run to start, a report to show)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.picker import pick_from
from partybuild.years import YearFormField


class OrganizationYearForm(forms.Form):
    """An organization picked among ``organizations(user)`` (search-as-you-type through ``picker_source``,
    branches/picker.py) and a year."""

    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    year = YearFormField(label=_("Year"))
    picker_source = None

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        pick_from(self.fields["organization"], self.organizations(user), self.picker_source)
        self.fields["year"].widget.attrs["class"] = "form-control"

    def organizations(self, user):
        raise NotImplementedError
