"""Account security writes: first-login password change, TOTP devices, county security policy, unlocks.

Security events for account actions: the county policy change is ``policy_changed``; password changes,
second-factor enrolment and lockout resets are recorded as ``policy_changed`` too, told apart by
``detail["action"]`` (SecurityEventKind has no dedicated kinds for them yet).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from partybuild.versioning import apply_changes
from partybuild.versioning import lock_for_edit

from ..models import AccountSecurity
from ..models import CountySecurityPolicy
from ..models import Organization
from ..models import SecurityEventKind
from ..models import StaffRole
from ..passwords import PUBLISHED_DEMO_PASSWORDS
from ..scope.querysets import NOT_ALLOWED
from ..scope.querysets import OutOfScope
from ..scope.querysets import ensure_in_scope
from ..scope.querysets import organization_in_scope
from ..scope.querysets import scope_paths
from ..scope.roles import Capability
from ..scope.roles import Role
from .tokens import api_tokens_revoke_for_usernames
from .tree import security_event_record

ACCOUNT_EVENT = SecurityEventKind.POLICY_CHANGED


def _may_manage_accounts(actor) -> bool:
    return bool(actor and (actor.is_superuser or scope_paths(actor, Capability.STAFF)))


# --- first-login password change ------------------------------------------------------------------


@transaction.atomic
def account_create(*, actor, username: str, password: str, ip_address=None, **fields):
    """An account created by someone else: its owner must choose a new password at the first login."""
    if not _may_manage_accounts(actor):
        raise OutOfScope(NOT_ALLOWED)
    user_model = get_user_model()
    user = user_model(username=username, **fields)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    account_require_password_change(actor=actor, user=user, ip_address=ip_address, created=True)
    return user


@transaction.atomic
def account_require_password_change(*, actor, user, ip_address=None, created=False) -> AccountSecurity:
    """Flag ``user``: every page sends them to the password change until they pick their own."""
    security, _created = AccountSecurity.objects.get_or_create(user=user)
    security.must_change_password = True
    security._history_user = actor
    security.save()
    security_event_record(
        kind=ACCOUNT_EVENT,
        user=actor,
        ip_address=ip_address,
        detail={
            "action": "account_created" if created else "password_set_by_administrator",
            "account": user.get_username(),
        },
    )
    return security


@transaction.atomic
def account_password_changed(*, user, ip_address=None) -> None:
    """The user changed their own password: clears the first-login flag."""
    security, _created = AccountSecurity.objects.get_or_create(user=user)
    security.must_change_password = False
    security.password_changed_at = timezone.now()
    security._history_user = user
    security.save()
    security_event_record(
        kind=ACCOUNT_EVENT, user=user, ip_address=ip_address, detail={"action": "password_changed"}
    )


def must_change_password(user) -> bool:
    return AccountSecurity.objects.filter(user=user, must_change_password=True).exists()


# --- second factor (TOTP) -------------------------------------------------------------------------


def county_ids_of(paths) -> set[int]:
    """The county (tree root) of each materialized path."""
    return {int(path.strip("/").split("/")[0]) for path in paths}


def totp_required(user) -> bool:
    """True when ``user`` is a county administrator in a county whose policy requires a second factor."""
    if user is None or not user.is_authenticated:
        return False
    paths = StaffRole.objects.filter(
        user=user, role=Role.COUNTY_ADMIN, organization__dissolved_on__isnull=True
    ).values_list("organization__path", flat=True)
    counties = county_ids_of(paths)
    return (
        bool(counties)
        and CountySecurityPolicy.objects.filter(county_id__in=counties, require_totp_for_admins=True).exists()
    )


def confirmed_totp_device(user):

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def totp_device_for_enrolment(*, user):
    """The user's unconfirmed device to enrol (created on first use; one at a time)."""

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, device, token: str, ip_address=None) -> bool:
    """Confirm the device if ``token`` matches it; the user's other devices are then removed."""

    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    security_event_record(
        kind=ACCOUNT_EVENT, user=user, ip_address=ip_address, detail={"action": "totp_enrolled"}
    )
    return True


def account_gate_state(user) -> dict:
    """What the account gate checks, in three small queries; cached in the session by the middleware."""
    return {
        "must_change": must_change_password(user),
        "totp_required": totp_required(user),
        "has_device": confirmed_totp_device(user) is not None,
    }


# --- county security policy ----------------------------------------------------------------------


@transaction.atomic
def county_security_policy_set(
    *, actor, county: Organization, require_totp_for_admins: bool, expected_version=None, ip_address=None
) -> CountySecurityPolicy:
    if not organization_in_scope(actor, county, Capability.POLICY):
        raise OutOfScope(NOT_ALLOWED)
    policy = CountySecurityPolicy.objects.filter(county=county).first()
    if policy is None:
        policy = CountySecurityPolicy(county=county, require_totp_for_admins=require_totp_for_admins)
        policy.full_clean()
        policy._history_user = actor
        policy.save()
        before = False
    else:
        ensure_in_scope(actor, policy, "change", NOT_ALLOWED)
        policy = lock_for_edit(policy, expected_version)
        before = policy.require_totp_for_admins
        apply_changes(policy, {"require_totp_for_admins": require_totp_for_admins}, actor=actor)
    ensure_in_scope(actor, policy, "change")
    if before != require_totp_for_admins:
        security_event_record(
            kind=SecurityEventKind.POLICY_CHANGED,
            user=actor,
            organization=county,
            ip_address=ip_address,
            detail={"policy": "require_totp_for_admins", "from": before, "to": require_totp_for_admins},
        )
    return policy


# --- lockouts ------------------------------------------------------------------------------------


@transaction.atomic
def lockout_reset(*, actor, attempts, ip_address=None) -> int:
    """Unlock: delete the given axes AccessAttempt rows, one security event per unlocked username/address.
    The unlocked users' API tokens are revoked too: whoever guessed at the password may have got one."""
    if not (actor and actor.is_superuser):
        raise OutOfScope(NOT_ALLOWED)
    rows = list(attempts)
    for attempt in rows:
        security_event_record(
            kind=ACCOUNT_EVENT,
            user=actor,
            ip_address=ip_address,
            detail={
                "action": "lockout_reset",
                "account": attempt.username or "",
                "address": attempt.ip_address or "",
                "failures": attempt.failures_since_start,
            },
        )
    for attempt in rows:
        attempt.delete()
    api_tokens_revoke_for_usernames({attempt.username for attempt in rows})
    return len(rows)


# --- no default accounts in production -----------------------------------------------------------


def demo_accounts_with_demo_password() -> list[str]:
    """Usernames of the demo logins that still accept their published demo password."""

    users = {
        u.get_username(): u
        for u in get_user_model().objects.filter(username__in=list(PUBLISHED_DEMO_PASSWORDS), is_active=True)
    }
    return [
        username
        for username, password in PUBLISHED_DEMO_PASSWORDS.items()
        if username in users and users[username].check_password(password)
    ]
