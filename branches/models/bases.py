"""What the scoped records of every app share: the abstract base with its scoped manager and history, the
fields typed the same way on many models (the organization a record belongs to, its year, the user who
recorded it), and the steps of the checks that models' ``clean()`` and services' rules run on them."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.models import VersionedModel
from partybuild.years import FIRST_DATE_YEAR
from partybuild.years import year_validators

from ..scope.querysets import ScopedQuerySet

UNTRACKED_FIELDS = ["created_at", "updated_at"]
FUTURE_DATE_MESSAGE = _("The date cannot be in the future.")
# A record's day before this is a typing slip (a year of 1 or 202), not history the system keeps.
EARLIEST_RECORD_DAY = dt.date(FIRST_DATE_YEAR, 1, 1)
EARLY_DATE_MESSAGE = _("The date cannot be before 1 January 1900.")


class ScopedModel(models.Model):
    """Scoped by ``restrict()`` over ``scope_path_lookup``: the organization's path unless the model says
    otherwise."""

    scope_path_lookup = "organization__path"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class ScopedRecord(VersionedModel, ScopedModel):
    """A scoped record people edit: versioned, with its history (the timestamps left out of it)."""

    history = HistoricalRecords(inherit=True, excluded_fields=UNTRACKED_FIELDS)

    class Meta:
        abstract = True


def organization_field(verbose_name, related_name: str, *, on_delete=models.PROTECT, **options):
    """The organization a record belongs to."""
    return models.ForeignKey(
        "branches.Organization",
        verbose_name=verbose_name,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def year_field():
    """The year a yearly record is for, within ``partybuild.years`` bounds."""
    return models.PositiveSmallIntegerField(_("year"), validators=year_validators())


def user_stamp_field(verbose_name, **options):
    """The user who recorded, published or submitted a record; kept when the account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )


def date_error(day):
    """The message refusing a record's ``day`` after today or before ``EARLIEST_RECORD_DAY``, else None."""
    if day is None:
        return None
    if day > timezone.localdate():
        return FUTURE_DATE_MESSAGE
    if day < EARLIEST_RECORD_DAY:
        return EARLY_DATE_MESSAGE
    return None


def record_date_errors(record, *fields: str) -> dict:
    """``{field: message}`` for each date of ``fields`` after today or before ``EARLIEST_RECORD_DAY``."""
    found = {field: date_error(getattr(record, field)) for field in fields}
    return {field: message for field, message in found.items() if message}


def refuse_record_date(field: str, day) -> None:
    """Refuse ``day`` on ``field`` when it is after today or too early (no date passes): a service's
    one-date check."""
    if (message := date_error(day)) is not None:
        raise ValidationError({field: message})


def model_errors(instance, **options) -> dict[str, list]:
    """The errors of ``instance.full_clean(**options)`` as ``{field: [messages]}``, for a check to add its
    own rules' to before ``raise_errors``."""
    try:
        instance.full_clean(**options)
    except ValidationError as error:
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {}


def keyed_message(messages: dict, key: str, **params):
    """``messages[key]`` with ``params`` put in; given none, the text as it stands."""
    message = messages[key]
    return message % params if params else message


def keyed_error(messages: dict, field: str, key: str, **params) -> ValidationError:
    """The refusal of ``field`` in ``keyed_message``'s words: what a service raises."""
    return ValidationError({field: keyed_message(messages, key, **params)})


def valid_related(record, field: str, errors: dict):
    """The related object ``field`` of ``record`` for a check's rules to read, or None when it is not set or
    already refused in ``errors`` (an unset one costs no query)."""
    if field in errors or getattr(record, f"{field}_id") is None:
        return None
    return getattr(record, field)


def raise_errors(errors: dict) -> None:
    """What ``clean()`` ends with: the errors gathered, if any."""
    if errors:
        raise ValidationError(errors)
