import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import organization_choice
from branches.filters import year_of

from ..models import EXPIRED
from ..models import LetterDirection
from ..models import LetterStatus
from ..models import TransferLetter
from ..models.transfers import EXPIRED_LABEL
from ..selectors.transfers import letters_in_state

STATE_CHOICES = [*LetterStatus.choices, (EXPIRED, EXPIRED_LABEL)]


class TransferLetterFilter(ScopedFilterSet):
    """Letters by state (``expired``: issued, past its validity, unconfirmed), direction, year of issue,
    branch keeping it and member."""

    status = django_filters.ChoiceFilter(label=_("status"), choices=STATE_CHOICES, method="filter_status")
    direction = django_filters.ChoiceFilter(choices=LetterDirection.choices)
    year = year_of("issued_on")
    organization = organization_choice(_("branch keeping the letter"), field_name="organization")
    number = django_filters.CharFilter(label=_("letter number"), lookup_expr="icontains")

    class Meta:
        model = TransferLetter
        fields = ["status", "direction", "year", "organization", "within", "member", "number"]

    def filter_status(self, queryset, name, value):
        return letters_in_state(queryset, value)
