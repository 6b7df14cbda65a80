"""Reads about the inbox that are not items (those are in assessments/inbox): a user's digest choice."""

from ..models import InboxPreference


def digest_wanted(*, user) -> bool:
    """Whether ``user`` receives the daily digest: yes unless they switched it off."""
    chosen = InboxPreference.objects.filter(user=user).values_list("daily_digest", flat=True).first()
    return chosen is not False
