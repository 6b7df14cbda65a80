"""Login, logout and lockout are security events (docs/security.md); a login starts the session clocks; a new
password ends every API token of its user."""

from axes.signals import user_locked_out
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.signals import user_logged_out
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from branches.middleware import LOGOUT_REASON
from branches.middleware import TOKEN_LOGIN
from branches.middleware import record_login
from partybuild.http import client_ip

from .models import SecurityEventKind
from .services import api_tokens_revoke_all
from .services import security_event_record
from .services import security_events_flush


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    via_token = getattr(request, TOKEN_LOGIN, False)
    security_event_record(
        kind=SecurityEventKind.LOGIN,
        user=user,
        ip_address=client_ip(request),
        detail={"via": "api_token"} if via_token else None,
    )
    if request is not None and not via_token:
        record_login(request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, LOGOUT_REASON, None)
        security_event_record(
            kind=SecurityEventKind.LOGOUT,
            user=user,
            ip_address=client_ip(request),
            detail={"reason": reason} if reason else None,
        )


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    security_event_record(
        kind=SecurityEventKind.LOGIN_FAILED,
        username=str(credentials.get("username", "")),
        ip_address=client_ip(request),
    )


@receiver(user_locked_out)
def on_lockout(sender, request, username, ip_address, **kwargs):
    security_event_record(kind=SecurityEventKind.LOCKOUT, username=username or "", ip_address=ip_address)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def on_password_set(sender, instance, created, **kwargs):
    """``set_password`` keeps the new raw password until the save (on every path: admin, browser, shell)."""
    if not created and getattr(instance, "_password", None) is not None:
        api_tokens_revoke_all(user=instance)


@task_postrun.connect
def flush_deferred_security_events(**kwargs):
    """A task's refused writes are recorded once it is over, like a request's (branches/middleware.py)."""
    security_events_flush()
