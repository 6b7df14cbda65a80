"""Reads over transfer letters (docs/transfers.md): the list the API, the page and the export share."""

import datetime as dt

from django.utils import timezone

from ..models import EXPIRED, LetterStatus, TransferLetter


def letter_list(*, user, action: str = "view"):
    return TransferLetter.objects.restrict(user, action).select_related(
        "member",
        "organization",
        "from_organization",
        "to_organization",
        "recorded_by",
        "delivered_by",
        "confirmed_by",
        "cancelled_by",
    )


def letters_in_state(letters, state: str, day: dt.date | None = None):
    """Filter by the state a page shows: a stored status (``issued`` then means still valid on ``day``,
    today by default), or ``expired``: issued and past its last valid day, neither delivered nor confirmed."""
    day = day or timezone.localdate()
    if state == EXPIRED:
        return letters.filter(status=LetterStatus.ISSUED, valid_until__lt=day)
    if state == LetterStatus.ISSUED:
        return letters.filter(status=state, valid_until__gte=day)
    return letters.filter(status=state)
