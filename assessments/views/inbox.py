"""The to-do inbox page (docs/inbox.md): the user's items, each with what, why, by when and the page that
settles it, and the switch of the daily digest. Nothing here dismisses an item: only the records do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ..inbox.compute import badge_count
from ..inbox.compute import inbox_for
from ..inbox.sources import SOURCES
from ..selectors.inbox import digest_wanted
from ..services.inbox import inbox_preference_set

DIGEST_ON = _("The daily digest is on.")
DIGEST_OFF = _("The daily digest is off.")


@login_required
@require_http_methods(["GET", "POST"])
def inbox_page(request):
    if request.method == "POST":
        wanted = request.POST.get("daily_digest") == "on"
        inbox_preference_set(actor=request.user, daily_digest=wanted)
        messages.success(request, DIGEST_ON if wanted else DIGEST_OFF)
        return redirect("assessments:inbox")
    today = timezone.localdate()
    items = inbox_for(request.user, today=today)
    labels = {source.key: source.label for source in SOURCES}
    context = {
        "rows": [
            {"item": item, "late": item.is_late(today), "source": labels[item.source]} for item in items
        ],
        "today": today,
        "daily_digest": digest_wanted(user=request.user),
        "has_email": bool(request.user.email),
    }
    return render(request, "assessments/inbox/page.html", context)


@login_required
@require_http_methods(["GET"])
def inbox_badge(request):
    """The menu's count of the user's items, loaded by the menu after the page (templates/base.html): from the
    cache, computed on a miss (assessments/inbox/compute.py, badge_count)."""
    count = badge_count(request.user, today=timezone.localdate())
    return render(request, "assessments/inbox/badge.html", {"count": count})


urlpatterns = [
    path("inbox/", inbox_page, name="inbox"),
    path("inbox/badge/", inbox_badge, name="inbox-badge"),
]
