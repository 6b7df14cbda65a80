"""The menu's inbox badge (templates/base.html): the number of the user's items, computed only when the
template draws it and then read from the cache (assessments/inbox/compute.py, badge_count)."""

from django.utils import timezone

from .compute import badge_count


def inbox_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_count": lambda: badge_count(user, today=timezone.localdate())}
