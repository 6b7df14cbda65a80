"""Domain errors shared by every app and the one API exception handler that turns them into answers.

Bad input must never become a 500: Django ValidationErrors raised by model ``clean()`` or services are
reported as 400 with per-field messages in the user's language.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


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


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
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

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
# Per-field messages ({"field": ["..."]}, "non_field_errors"), or one list of them per row of a bulk body.
_VALIDATION = {"oneOf": [{"type": "object", "additionalProperties": True}, {"type": "array"}]}
_ERRORS = {
    "400": (_("The input was refused; the messages say why, per field."), _VALIDATION),
    "401": (_("Not logged in (no or a wrong token)."), _DETAIL),
    "403": (_("Logged in, but not allowed to do this here."), _DETAIL),
    "404": (_("Missing, or outside the organizations you may see (the same answer)."), _DETAIL),
    "409": (_("Someone changed the record after you read it; reload and try again."), _DETAIL),
    "412": (_("The If-Match version is stale; reload and try again."), _DETAIL),
    "429": (_("Too many attempts; wait a minute and try again."), _DETAIL),
}
_WRITE_ONLY = {"409", "412"}


class ErrorResponsesAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers every endpoint can give (the handler above): bad
    input 400, not logged in 401, refused 403, missing or out of scope 404, and for writes a stale version
    409/412. Codes an operation documents itself are kept as they are."""

    error_codes = ("400", "401", "403", "404")

    def __init__(self, *, extra_codes=()):
        super().__init__()
        self.extra_codes = tuple(extra_codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = [*self.error_codes, *self.extra_codes]
        if self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            codes += sorted(_WRITE_ONLY)
        for code in codes:
            if code not in responses:
                description, schema = _ERRORS[code]
                responses[code] = {
                    "description": str(description),
                    "content": {"application/json": {"schema": schema}},
                }
        return responses
