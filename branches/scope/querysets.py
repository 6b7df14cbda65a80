"""Organization-subtree scoping: the single place that decides what a user may see or change.

Every scoped model's manager is built from ``ScopedQuerySet`` and names the path of its organization
(``scope_path_lookup``) and the capability its writes need (``scope_write_capability``). API views, the
admin, imports and exports all call ``restrict(user, action)``; writes re-check with ``ensure_in_scope``
inside their transaction so that a write landing outside the actor's subtree is rolled back.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .roles import CAPABILITY_ROLES
from .roles import Capability

WRITE_ACTIONS = frozenset({"add", "change", "delete"})


class OutOfScope(PermissionDenied):
    """A write that would leave the actor's organization subtree."""

    default_message = _("This change would put the record outside the organizations you are responsible for.")

    def __init__(self, message=None):
        super().__init__(message or self.default_message)


def capability_for(model, action: str) -> str:
    if action in WRITE_ACTIONS:
        return getattr(model, "scope_write_capability", Capability.RECORDS)
    if action == "view":
        return Capability.VIEW
    return Capability(action)


def scope_paths(user, capability: str) -> list[str] | None:
    """Root paths of the subtrees where ``user`` holds ``capability``; None means everywhere.

    The user's roles are read once and kept on the user object, so a request pays one query whatever the
    capabilities it asks about.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = user.__dict__.setdefault("_scope_paths", {})
    if capability not in cache:
        roles = CAPABILITY_ROLES[capability]
        cache[capability] = _outermost(sorted({path for role, path in _roles_of(user) if role in roles}))
    return cache[capability]


def _roles_of(user) -> list[tuple[str, str]]:
    """(role, organization path) of each role ``user`` holds on an organization not dissolved."""
    if "_staff_roles" not in user.__dict__:
        from ..models import StaffRole  # noqa: PLC0415 - the models import this module for their querysets

        roles = StaffRole.objects.filter(user=user, organization__dissolved_on__isnull=True)
        user.__dict__["_staff_roles"] = list(roles.values_list("role", "organization__path"))
    return user.__dict__["_staff_roles"]


def forget_scope(user) -> None:
    user.__dict__.pop("_scope_paths", None)
    user.__dict__.pop("_staff_roles", None)


def _outermost(sorted_paths: list[str]) -> list[str]:
    roots: list[str] = []
    for path in sorted_paths:
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def subtree_q(lookup: str, paths: list[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{lookup}__startswith": path})
    return condition


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        paths = scope_paths(user, capability_for(self.model, action))
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(subtree_q(self.model.scope_path_lookup, paths))


NOT_ALLOWED = _("You are not allowed to make this change.")


def ensure_in_scope(actor, instance, action: str, message=None) -> None:
    """Raise OutOfScope unless ``instance`` (saved) lies where ``actor`` may do ``action``.

    Services call it before a change (with NOT_ALLOWED) and again after saving, so a write that would carry
    the record out of the actor's subtree is rolled back by the surrounding transaction.
    """
    model = type(instance)
    if not model._default_manager.restrict(actor, action).filter(pk=instance.pk).exists():
        raise OutOfScope(message)


def organization_in_scope(actor, organization, capability: str) -> bool:
    paths = scope_paths(actor, capability)
    if paths is None:
        return True
    return any(organization.path.startswith(path) for path in paths)
