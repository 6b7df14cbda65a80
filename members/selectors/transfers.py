"""Reads over transfer letters (docs/transfers.md): the list the API, the page and the export share."""

import datetime as dt

from django.utils import timezone

from branches.scope.querysets import subtree_q

from ..models import EXPIRED
from ..models import LetterDirection
from ..models import LetterStatus
from ..models import TransferLetter


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


def letters_awaiting_within(*, paths):
    """Letters issued out of the county and neither delivered, confirmed nor cancelled, expired ones included
    (``TransferLetter.expired_on`` tells them), under every path in ``paths`` (None: the whole database):
    the inbox's letters awaiting confirmation (docs/inbox.md). One query."""
    letters = TransferLetter.objects.filter(status=LetterStatus.ISSUED, direction=LetterDirection.OUT)
    if paths is not None:
        letters = letters.filter(subtree_q("organization__path", paths))
    return letters.select_related("organization", "member").order_by("valid_until", "pk")
