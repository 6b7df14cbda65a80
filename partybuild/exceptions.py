"""Domain errors shared by every app and the one API exception handler that turns them into answers.

Bad input must never become a 500: Django ValidationErrors raised by model ``clean()`` or services are
reported as 400 with per-field messages in the user's language.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .api_schema import error_response


class StaleWrite(exceptions.APIException):
    """Someone saved the record after the client read it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_write"
    default_detail = _(
        "This record was changed by someone else after you opened it. Reload it and try again."
    )

    def __init__(self, *, current_version, changed_by=None, changed_at=None, precondition=False):
        detail = {
            "detail": self.default_detail,
            "current_version": current_version,
            "changed_by": changed_by,
            "changed_at": changed_at,
        }
        super().__init__(detail)
        self.payload = {**detail, "detail": str(self.default_detail)}
        if precondition:
            self.status_code = status.HTTP_412_PRECONDITION_FAILED


# What a value too large for any number (1e999, a 400-digit integer) or a body nested thousands deep raises
# deep inside a parser, a field or the ORM: the client's input, never the server's fault.
INPUT_BEYOND_LIMITS = (OverflowError, RecursionError)
BEYOND_LIMITS = _("A value in the request is too large, or nested too deeply, to be read.")


NOT_JSON = _("The request body is not valid JSON.")
NO_DATA = _("No data was sent.")


def _in_words(detail):
    """A serializer's errors with Django REST framework's untranslated "No data provided" (a body of
    ``null``) in the user's language."""
    if isinstance(detail, dict):
        return {key: _in_words(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_in_words(item) for item in detail]
    if getattr(detail, "code", None) == "null" and str(detail) == "No data provided":
        return exceptions.ErrorDetail(str(NO_DATA), code="null")
    return detail


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, INPUT_BEYOND_LIMITS):
        exc = exceptions.ParseError(BEYOND_LIMITS)
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith("JSON parse error"):
        exc = exceptions.ParseError(NOT_JSON)  # Django REST framework's own text is English, not translated
    elif isinstance(exc, exceptions.ValidationError):
        exc.detail = _in_words(exc.detail)
    elif isinstance(exc, Http404) and str(exc).endswith(" matches the given query."):
        # Django's get_object_or_404 says "No Organization matches the given query.": English, and naming the
        # model; a record out of scope must read exactly like one that does not exist. A 404 with a message
        # of the project's own (no evaluation cycle that year) keeps it.
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, StaleWrite):
        response = Response(exc.payload, status=exc.status_code)
    return response


def validation_detail(error: DjangoValidationError):
    """The body DRF answers a Django ValidationError with (also kept as an import job's result)."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


# --- documenting the error answers ----------------------------------------------------------------------


class ErrorResponsesAutoSchema(AutoSchema):
    """drf-spectacular's schema plus error answers only some views give, e.g. 429 where a view is throttled.
    The ones every operation can give are added to the whole schema once (partybuild/api_schema.py)."""

    def __init__(self, *, extra_codes=()):
        super().__init__()
        self.extra_codes = tuple(extra_codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self.extra_codes:
            responses.setdefault(code, error_response(code))
        return responses
