"""API tokens (django-rest-knox): issued at a token login, revoked by their owner, on logout, on a password
change and on an unlock. Their lifetime and idle limit are settings.REST_KNOX (docs/security.md)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from knox.models import get_token_model

from ..models import SecurityEventKind
from ..scope.querysets import NOT_ALLOWED
from ..scope.querysets import OutOfScope
from .tree import security_event_record


def api_token_issue(*, user):
    """A new token for ``user``: returns the stored row and the token text, shown once. The user's expired
    rows go at the same time."""
    get_token_model().objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return get_token_model().objects.create(user=user)


@transaction.atomic
def api_token_revoke(*, actor, token, reason: str = "revoked", ip_address=None) -> None:
    """``actor`` ends one of their own tokens (another user's is refused: the API answers it with 404)."""
    if actor is None or token.user_id != actor.pk:
        raise OutOfScope(NOT_ALLOWED)
    token.delete()
    security_event_record(
        kind=SecurityEventKind.LOGOUT,
        user=actor,
        ip_address=ip_address,
        detail={"via": "api_token", "reason": reason},
    )


def api_tokens_revoke_all(*, user) -> int:
    """Every token of ``user`` stops working: after a password change or an unlock."""
    deleted, _rows = get_token_model().objects.filter(user=user).delete()
    return deleted


def api_tokens_revoke_for_usernames(usernames) -> int:
    users = get_user_model().objects.filter(username__in=[name for name in usernames if name])
    return sum(api_tokens_revoke_all(user=user) for user in users)
