"""The organization picker's search (branches/picker.py): a short list of matching organizations in the
user's scope, as the HTML fragment htmx swaps under the text box."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import OrganizationField
from ..models import OrganizationKind
from ..picker import TEXT_SUFFIX
from ..picker import PickerSource
from ..scope.roles import Capability
from ..selectors.tree import organization_pick_list

PICK_LIMIT = 10


def source_from(params) -> PickerSource | None:
    """The ``PickerSource`` a picker's URL names, or None when a parameter is not one of its values."""
    capability = params.get("capability", Capability.VIEW)
    kinds, fields = params.getlist("kind"), params.getlist("field")
    valid = (
        capability in Capability.values
        and set(kinds) <= set(OrganizationKind.values)
        and set(fields) <= set(OrganizationField.values)
        and params.get("active", "") in ("", "1")
    )
    if not valid:
        return None
    return PickerSource(capability, tuple(kinds), tuple(fields), params.get("active") == "1")


def typed_text(params) -> str:
    """What was typed: ``q``, or the text box itself (``<name>_text``, sent by htmx under its own name)."""
    if "q" in params:
        return params["q"]
    return next((params[name] for name in params if name.endswith(TEXT_SUFFIX)), "")


@require_GET
@login_required
def organization_pick(request):
    source = source_from(request.GET)
    text = typed_text(request.GET)
    if source is None or len(text) > settings.FILTER_MAX_TEXT:
        return HttpResponseBadRequest(_("Not a valid search."))
    rows = organization_pick_list(user=request.user, source=source, text=text, limit=PICK_LIMIT + 1)
    context = {"organizations": rows[:PICK_LIMIT], "more": len(rows) > PICK_LIMIT, "text": text}
    return render(request, "branches/_organization_choices.html", context)


urlpatterns = [path("organizations/pick/", organization_pick, name="organization-pick")]
