"""The roster's search: names, and a member's full ID number (docs/security.md, "Personal data").

A term that looks like (a part of) an ID number travels only in a request body — the member list's posted
search form, the API's ``POST find-by-id/`` — and is refused in a query string whatever it is, so the answer
says nothing about the number. In a body, a full and valid number matches exactly one stored number inside
the reader's scope; a number held outside it finds nothing, like one held by nobody."""

import re
import unicodedata

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import idnumbers
from ..models import ID_NUMBER_MESSAGES

MAX_TERMS = 10
# Six or more digits, maybe ending in X: a part of an ID number (or a phone), never a name.
NUMBER_LIKE = re.compile(r"[0-9]{5,}[0-9X]", re.ASCII)
NOT_IN_ADDRESS = _(
    "An ID number is never sent in a web address: type it into the member list's search box, or send it "
    "to POST /api/v1/members/find-by-id/."
)
FULL_NUMBER_ONLY = _("Search by the full 18-character ID number: a part of a number finds nothing.")
SEARCH_LABEL = _("Name, or the full ID number")


def _normal(term: str) -> str:
    return unicodedata.normalize("NFKC", term).strip().upper()


def terms_of(text: str) -> list[str]:
    return (text or "").split()[:MAX_TERMS]


def number_like(term: str) -> bool:
    return bool(NUMBER_LIKE.search(_normal(term)))


class MemberSearchField(forms.CharField):
    """Cleans to ``[("name" | "id_number", term), …]``; ``in_body`` says whether the value came in a request
    body, where alone ID numbers are taken."""

    def __init__(self, *, in_body=False, **kwargs):
        kwargs.setdefault("max_length", settings.FILTER_MAX_TEXT)
        super().__init__(**kwargs)
        self.in_body = in_body

    def clean(self, value):
        return [self._term(term) for term in terms_of(super().clean(value))]

    def _term(self, term: str) -> tuple[str, str]:
        if not number_like(term):
            return ("name", term)
        if not self.in_body:
            raise ValidationError(NOT_IN_ADDRESS, code="id_number_in_address")
        try:
            return ("id_number", idnumbers.parse(term))
        except idnumbers.IdNumberError as error:
            reason = str(error)
            if reason in ("length", "characters"):
                raise ValidationError(FULL_NUMBER_ONLY, code="id_number_partial") from error
            raise ValidationError(ID_NUMBER_MESSAGES[reason], code=f"id_{reason}") from error


class MemberSearchFilter(django_filters.CharFilter):
    field_class = MemberSearchField

    def filter(self, queryset, value):
        for kind, term in value or ():
            lookup = {"id_number": term} if kind == "id_number" else {"name__icontains": term}
            queryset = queryset.filter(**lookup)
        return queryset


def in_body(request) -> bool:
    return request is not None and request.method == "POST"
