"""Login, logout and lockout are security events (docs/security.md); a login starts the session clocks.

Also the start-up check that refuses the demo logins' published passwords in production.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core import checks
from django.db import DatabaseError
from django.dispatch import receiver

from branches.middleware import LOGOUT_REASON, record_login
from partybuild.http import client_ip

from .models import SecurityEventKind
from .services import security_event_record


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


@checks.register(checks.Tags.security)
def demo_accounts_in_production(app_configs=None, **kwargs):
    """In production no demo login may still accept its published password (an error blocks migrate,
    check --deploy and every management command until the password is changed or the user removed)."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    from .services.accounts import demo_accounts_with_demo_password

    try:
        usernames = demo_accounts_with_demo_password()
    except DatabaseError:  # no database yet (first deployment, before migrate): nothing to refuse
        return []
    return [
        checks.Error(
            f"The demo login {username!r} still has its published demo password.",
            hint="Change its password (manage.py changepassword) or delete the user.",
            id="branches.E001",
        )
        for username in usernames
    ]
