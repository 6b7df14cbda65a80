"""The error answers every API operation can give, documented once for the whole schema.

A postprocessing hook of drf-spectacular (settings SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds to each
operation the answers the machinery around its view gives, whatever the view: bad input 400 (the exception
handler in partybuild/exceptions.py, a malformed body or filter), not logged in 401 (no, a wrong or an
expired token; a session past its limits), refused 403 (permissions, the account gate), missing or out of
scope 404 (the same answer), an ``Accept`` no renderer serves 406, and for an operation with a body a
``Content-Type`` no parser reads 415; writes add a stale version 409/412. Every one of them is JSON with a
``detail`` message, except 400's per-field messages. Codes an operation documents itself are kept as they
are; throttled ones add 429 themselves (``ErrorResponsesAutoSchema(extra_codes=["429"])``).
"""

from django.utils.translation import gettext_lazy as _

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
# Per-field messages ({"field": ["..."]}, "non_field_errors"), or one list of them per row of a bulk body.
VALIDATION = {"oneOf": [{"type": "object", "additionalProperties": True}, {"type": "array"}]}
ERRORS = {
    "400": (_("The input was refused; the messages say why, per field."), VALIDATION),
    "401": (_("Not logged in (no or a wrong token)."), DETAIL),
    "403": (_("Logged in, but not allowed to do this here."), DETAIL),
    "404": (_("Missing, or outside the organizations you may see (the same answer)."), DETAIL),
    "406": (_("None of the media types the Accept header asks for can be answered."), DETAIL),
    "409": (_("Someone changed the record after you read it; reload and try again."), DETAIL),
    "412": (_("The If-Match version is stale; reload and try again."), DETAIL),
    "415": (_("The body's Content-Type is not one this operation reads."), DETAIL),
    "429": (_("Too many attempts; wait a minute and try again."), DETAIL),
}
EVERY_OPERATION = ("400", "401", "403", "404", "406")
WRITES = frozenset({"post", "put", "patch", "delete"})
WRITE_ONLY = ("409", "412")
METHODS = frozenset({"get", "head", "options", *WRITES})


def error_response(code: str) -> dict:
    description, schema = ERRORS[code]
    return {"description": str(description), "content": {"application/json": {"schema": schema}}}


def codes_for(method: str, operation: dict) -> list[str]:
    codes = list(EVERY_OPERATION)
    if "requestBody" in operation:
        codes.append("415")
    if method in WRITES:
        codes.extend(WRITE_ONLY)
    return codes


def document_error_answers(result, generator, request, public):
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in codes_for(method, operation):
                responses.setdefault(code, error_response(code))
            operation["responses"] = dict(sorted(responses.items()))
    return result
