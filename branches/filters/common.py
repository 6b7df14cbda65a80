"""Filters every app's filter sets build from: a choice among the rows the user may view (an organization
through the picker), a lower bound of a number, the bounds of a date and the year of a date."""

import django_filters
from django.utils.translation import gettext_lazy as _

from partybuild.years import FIRST_DATE_YEAR
from partybuild.years import YearFilter

from ..models import Organization
from ..picker import OrganizationPicker
from ..picker import PickerSource


def visible_choice(model, label, **kwargs):
    """A choice among the ``model`` rows the requesting user may view."""
    return django_filters.ModelChoiceFilter(
        label=label,
        queryset=lambda request: model.objects.restrict(getattr(request, "user", None), "view"),
        **kwargs,
    )


def organization_choice(label, source: PickerSource | None = None, **kwargs):
    """An organization the requesting user may view, chosen with the picker (branches/picker.py) rather
    than a select box of every organization in scope."""
    return visible_choice(Organization, label, widget=OrganizationPicker(source), **kwargs)


def at_least(label, field_name: str, most: int):
    """A whole number from 0 to ``most``: the rows whose ``field_name`` is at least that."""
    return django_filters.NumberFilter(
        label=label, field_name=field_name, lookup_expr="gte", min_value=0, max_value=most, decimal_places=0
    )


def on_or_after(label, field_name: str, **kwargs):
    """The rows whose date in ``field_name`` is the day given or later."""
    return django_filters.DateFilter(label=label, field_name=field_name, lookup_expr="gte", **kwargs)


def on_or_before(label, field_name: str, **kwargs):
    """The rows whose date in ``field_name`` is the day given or earlier."""
    return django_filters.DateFilter(label=label, field_name=field_name, lookup_expr="lte", **kwargs)


def year_of(field_name):
    """The year of the date in ``field_name``, from ``FIRST_DATE_YEAR`` on."""
    return YearFilter(label=_("year"), field_name=field_name, lookup_expr="year", first=FIRST_DATE_YEAR)
