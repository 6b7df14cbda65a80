"""The limits of a list's query (docs/security.md, "Limits"), for the API's lists and the browser's list
pages alike: a free-text value of at most ``FILTER_MAX_TEXT`` characters, at most ``MAX_VALUES`` values of
one parameter and ``MAX_QUERY_BYTES`` of query string in all, so that no list's request line reaches the
web server's limit (gunicorn ``--limit-request-line``) and a refusal is a clear message, never a bare 414."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend

MAX_VALUES = 30
MAX_QUERY_BYTES = 3000


def filter_errors(params, query_string: str = "") -> dict[str, list[str]]:
    """What is wrong with a list's query parameters, by parameter ("" for the query as a whole)."""
    limit = settings.FILTER_MAX_TEXT
    errors: dict[str, list[str]] = {}
    for name in params:
        values = params.getlist(name)
        if any(len(value) > limit for value in values):
            errors[name] = [_("At most %(max)s characters.") % {"max": limit}]
        elif len(values) > MAX_VALUES:
            errors[name] = [_("At most %(max)s values.") % {"max": MAX_VALUES}]
    if not errors and len(query_string) > MAX_QUERY_BYTES:
        errors[""] = [_("Too many filters at once: remove some of them.")]
    return errors


class BoundedQueryFilterBackend(BaseFilterBackend):
    """First of the API's filter backends: a query over the limits is a 400 naming the parameter."""

    def filter_queryset(self, request, queryset, view):
        errors = filter_errors(request.query_params, request.META.get("QUERY_STRING", ""))
        if errors:
            raise exceptions.ValidationError({name or "query": messages for name, messages in errors.items()})
        return queryset
