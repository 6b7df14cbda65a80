"""The people pickers' searches (members/picker.py): a short list of matching people in the user's scope,
as the HTML fragment htmx swaps under the text box."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from branches.scope.roles import Capability
from branches.views.picker import PICK_LIMIT
from branches.views.picker import typed_text

from ..forms.visits import visit_cadres
from ..selectors.roster import member_list


def _answer(request, queryset, hint):
    text = typed_text(request.GET).strip()
    if len(text) > settings.FILTER_MAX_TEXT:
        return HttpResponseBadRequest(_("Not a valid search."))
    if text:
        queryset = queryset.filter(name__icontains=text)
    found = list(queryset[: PICK_LIMIT + 1])
    rows = [{"pk": row.pk, "label": row.name, "hint": hint(row)} for row in found[:PICK_LIMIT]]
    return render(request, "members/_pick_choices.html", {"rows": rows, "more": len(found) > PICK_LIMIT})


@require_GET
@login_required
def member_pick(request):
    capability = request.GET.get("capability", Capability.VIEW)
    if capability not in Capability.values:
        return HttpResponseBadRequest(_("Not a valid search."))
    members = member_list(user=request.user, action=capability).order_by("name", "pk")
    return _answer(request, members, lambda member: member.branch.short_name or member.branch.name)


@require_GET
@login_required
def visit_cadre_pick(request):
    cadres = visit_cadres(request.user, on=timezone.localdate())
    return _answer(request, cadres, lambda cadre: f"{cadre.get_post_display()} · {cadre.organization.name}")


urlpatterns = [
    path("members/pick/", member_pick, name="member-pick"),
    path("visits/cadres/pick/", visit_cadre_pick, name="visit-cadre-pick"),
]
