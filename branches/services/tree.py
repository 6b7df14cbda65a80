"""Every write to organizations, staff roles and security events."""

import contextvars

from django.db import transaction
from django.db.models import F
from django.db.models import Value
from django.db.models.functions import Concat
from django.db.models.functions import Substr

from ..models import Organization
from ..models import SecurityEvent
from ..models import SecurityEventKind
from ..models import StaffRole
from ..scope.editing import scoped_update
from ..scope.querysets import NOT_ALLOWED
from ..scope.querysets import OutOfScope
from ..scope.querysets import ensure_in_scope
from ..scope.querysets import forget_scope
from ..scope.roles import Capability
from .writing import require_capability
from .writing import save_new


@transaction.atomic
def organization_create(*, actor, parent: Organization | None, **data) -> Organization:
    if parent is not None:
        require_capability(actor, parent, Capability.STRUCTURE)
    elif not (actor and actor.is_superuser):
        raise OutOfScope(NOT_ALLOWED)
    organization = Organization(parent=parent, **data)
    organization.path = f"tmp-{id(organization)}"
    organization.full_clean(exclude=["path"])
    organization._history_user = actor
    organization.save()
    organization.path = f"{parent.path if parent else '/'}{organization.pk}/"
    Organization.objects.filter(pk=organization.pk).update(path=organization.path)
    ensure_in_scope(actor, organization, "add")
    return organization


@transaction.atomic
def organization_update(
    *, actor, organization: Organization, expected_version=None, precondition=False, **changes
) -> Organization:
    return scoped_update(
        actor,
        organization,
        expected_version,
        precondition,
        changes,
        after_save=_move_if_reparented,
        exclude_clean=["path"],
    )


def _move_if_reparented(organization: Organization) -> None:
    """The path (never edited: it is derived) still names the old parent when the parent changed."""
    if organization.parent_id != _parent_id_from_path(organization.path):
        _move_subtree(organization, organization.path)


def _parent_id_from_path(path: str) -> int | None:
    parts = path.strip("/").split("/")
    return int(parts[-2]) if len(parts) > 1 else None


def _move_subtree(organization: Organization, old_path: str) -> None:
    """Rewrite the paths of the organization and all its descendants in one statement."""
    new_path = f"{organization.parent.path if organization.parent else '/'}{organization.pk}/"
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    organization.path = new_path


@transaction.atomic
def staff_role_grant(*, actor, user, organization: Organization, role: str, ip_address=None) -> StaffRole:
    require_capability(actor, organization, Capability.STAFF)
    staff_role = StaffRole(user=user, organization=organization, role=role)
    staff_role.full_clean()
    save_new(actor, staff_role)
    forget_scope(user)
    security_event_record(
        kind=SecurityEventKind.ROLE_GRANTED,
        user=actor,
        organization=organization,
        ip_address=ip_address,
        detail={"grantee": user.get_username(), "role": role},
    )
    return staff_role


@transaction.atomic
def staff_role_revoke(*, actor, staff_role: StaffRole, ip_address=None) -> None:
    ensure_in_scope(actor, staff_role, "delete", NOT_ALLOWED)
    detail = {"grantee": staff_role.user.get_username(), "role": staff_role.role}
    organization = staff_role.organization
    staff_role._history_user = actor
    staff_role.delete()
    forget_scope(staff_role.user)
    security_event_record(
        kind=SecurityEventKind.ROLE_REVOKED,
        user=actor,
        organization=organization,
        ip_address=ip_address,
        detail=detail,
    )


_deferred_events = contextvars.ContextVar("deferred_security_events", default=())


def security_event_record_deferred(**event) -> None:
    """Record an event about a write that is being refused: the refusal rolls back the transaction it is
    decided in, the event must outlive it. Written when the transaction commits, or else by
    ``security_events_flush`` once the request, task or import is over (branches/middleware.py)."""
    if not transaction.get_connection().in_atomic_block:
        security_event_record(**event)
        return
    _deferred_events.set((*_deferred_events.get(), event))
    transaction.on_commit(security_events_flush)


def security_events_flush() -> None:
    events = _deferred_events.get()
    _deferred_events.set(())
    for event in events:
        security_event_record(**event)


def security_event_record(*, kind, user=None, username="", organization=None, ip_address=None, detail=None):
    if user is not None and not username:
        username = user.get_username()
    if organization is None and user is not None and user.pk:
        first_role = StaffRole.objects.filter(user=user).select_related("organization").first()
        organization = first_role.organization if first_role else None
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if (user is not None and user.pk) else None,
        username=username[:150],
        organization=organization,
        ip_address=ip_address,
        detail=detail or {},
    )
