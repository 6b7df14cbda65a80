"""How a page asks for a year (the dashboards, the star rating overview), and the form a page asks an
organization and a year with (a quota run to start, a report to show, the weak-branch candidates)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.picker import pick_from
from partybuild.years import YEAR_MESSAGE
from partybuild.years import YearFormField

from ..api.dashboard import parse_year


def asked_year(request) -> tuple[int, str | None]:
    """``?year=`` and None, this year when it is missing; this year and the message when it is not a year."""
    try:
        return parse_year(request.GET.get("year")), None
    except ValueError:
        return timezone.localdate().year, str(YEAR_MESSAGE)


def year_choices(year: int) -> list[int]:
    """The years a page's year picker offers: the last five and the one shown, newest first."""
    this_year = timezone.localdate().year
    return sorted({*range(this_year - 4, this_year + 1), year}, reverse=True)


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
