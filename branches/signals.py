"""Login, logout and lockout are security events (docs/security.md); a login starts the session clocks."""

from axes.signals import user_locked_out
from celery.signals import task_postrun
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from branches.middleware import LOGOUT_REASON, record_login
from partybuild.http import client_ip

from .models import SecurityEventKind
from .services import security_event_record, security_events_flush


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    security_event_record(kind=SecurityEventKind.LOGIN, user=user, ip_address=client_ip(request))
    if request is not None:
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


@task_postrun.connect
def flush_deferred_security_events(**kwargs):
    """A task's refused writes are recorded once it is over, like a request's (branches/middleware.py)."""
    security_events_flush()
