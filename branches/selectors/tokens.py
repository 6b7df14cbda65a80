"""A user's API tokens that still work (knox leaves an expired row until someone presents it)."""

from django.db.models import Q
from django.utils import timezone
from knox.models import get_token_model


def api_token_list(user):
    return (
        get_token_model()
        .objects.filter(user=user)
        .filter(Q(expiry__isnull=True) | Q(expiry__gte=timezone.now()))
        .order_by("-created")
    )
