"""The years a record may be for, typed once: models, serializers, forms, filters and services take their
bounds and their message from here.

A plan, a quota run, a rating, an appraisal, an evaluation cycle, a report and the yearly records (room
targets, disclosures, study, contact points) are for a year from ``FIRST_YEAR`` to ``LAST_YEAR``; starting a
quota run or a rating proposal, and the branch page, reach only up to this year. A date may be older: an
imported date (a birth date) and a filter on the year of a date go back to ``FIRST_DATE_YEAR``.
"""

import django_filters
from django import forms
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from rest_framework import serializers

FIRST_YEAR = 2000
LAST_YEAR = 2100
FIRST_DATE_YEAR = 1900


def _year_message(first: int = FIRST_YEAR) -> str:
    return gettext("Choose a year from %(first)d to %(last)d.") % {"first": first, "last": LAST_YEAR}


def _so_far_message() -> str:
    return gettext("Choose a year from %(first)d to this year.") % {"first": FIRST_YEAR}


year_message = lazy(_year_message, str)
YEAR_MESSAGE = year_message()
SO_FAR_MESSAGE = lazy(_so_far_message, str)()


def is_year(year) -> bool:
    return isinstance(year, int) and FIRST_YEAR <= year <= LAST_YEAR


def is_year_so_far(year: int) -> bool:
    """From ``FIRST_YEAR`` to this year: the years whose results can be computed."""
    return FIRST_YEAR <= year <= timezone.localdate().year


def last_complete_year() -> int:
    """The latest year that has ended on the local calendar (Asia/Shanghai): on 31 December still the year
    before, from 1 January the year just ended (docs/ratings-and-evaluation.md, The county report)."""
    return timezone.localdate().year - 1


class FirstYearValidator(MinValueValidator):
    """``FIRST_YEAR`` or later. Without arguments, so a model field's migration names the class, not the
    bound; a subclass of Django's, so DRF and the forms still see a minimum."""

    message = YEAR_MESSAGE

    def __init__(self):
        super().__init__(FIRST_YEAR)


class LastYearValidator(MaxValueValidator):
    """``LAST_YEAR`` or earlier (see ``FirstYearValidator``)."""

    message = YEAR_MESSAGE

    def __init__(self):
        super().__init__(LAST_YEAR)


def year_validators() -> list:
    """The validators of a model's ``year`` field."""
    return [FirstYearValidator(), LastYearValidator()]


def _bounds(first: int) -> dict:
    message = year_message(first)
    return {
        "min_value": first,
        "max_value": LAST_YEAR,
        "error_messages": {"min_value": message, "max_value": message},
    }


class YearField(serializers.IntegerField):
    """A year of a record in the API; ``error_messages`` may add to (not replace) the bounds' message."""

    def __init__(self, **kwargs):
        bounds = _bounds(FIRST_YEAR)
        kwargs["error_messages"] = {**bounds.pop("error_messages"), **kwargs.get("error_messages", {})}
        super().__init__(**bounds, **kwargs)


class YearFormField(forms.IntegerField):
    """A year of a record on a page."""

    def __init__(self, **kwargs):
        super().__init__(**_bounds(FIRST_YEAR), **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A whole year from ``first`` (``FIRST_YEAR``; ``FIRST_DATE_YEAR`` for the year of a date) to
    ``LAST_YEAR``."""

    def __init__(self, *args, first: int = FIRST_YEAR, **kwargs):
        super().__init__(*args, **_bounds(first), decimal_places=0, **kwargs)
