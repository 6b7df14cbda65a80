"""Search pickers for people (branches/picker.py has the widget): a member for a cadre post or a reserve
cadre, a cadre post for a household visit. A select box lists every choice, which for a county's staff is
thousands of people and hundreds of kilobytes on every form (docs/scale.md); with few choices (a village
secretary's own branch) the select box stays, so the form also works offline (docs/offline.md)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from branches.picker import SearchPicker
from branches.scope.roles import Capability

# More choices than this and the field searches instead of listing them.
SELECT_AT_MOST = 50


class MemberPicker(SearchPicker):
    """Members the user holds ``capability`` over (the form's own queryset says the same)."""

    placeholder = _("Type a name")

    def __init__(self, capability: str = Capability.VIEW, attrs=None):
        super().__init__(attrs)
        self.capability = capability

    def search_url(self) -> str:
        return f"{reverse('members:member-pick')}?{urlencode({'capability': self.capability})}"


class VisitCadrePicker(SearchPicker):
    placeholder = _("Type a name")

    def search_url(self) -> str:
        return reverse("members:visit-cadre-pick")


def search_when_many(field, picker: SearchPicker) -> None:
    """Give ``field`` (a ModelChoiceField whose queryset is set) the search ``picker`` when it has more
    than ``SELECT_AT_MOST`` choices. One COUNT query."""
    if field.queryset.order_by().count() > SELECT_AT_MOST:
        picker.attrs.setdefault("class", "form-control")
        queryset = field.queryset
        field.widget = picker
        field.queryset = queryset  # after the widget: the field hands its queryset to the widget
