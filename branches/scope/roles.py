"""Roles and what each may do (docs/scope-and-roles.md): the one table every scope check reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County administrator")
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    VIEWER = "viewer", _("Viewer")


class Capability(models.TextChoices):
    VIEW = "view", _("read")
    RECORDS = "records", _("enter branch records")
    REVIEW = "review", _("review and approve")
    POLICY = "policy", _("set county policy")
    STAFF = "staff", _("manage staff roles")
    STRUCTURE = "structure", _("change the organization tree")
    UNMASK = "unmask", _("see full ID numbers and phones")


CAPABILITY_ROLES: dict[str, frozenset[str]] = {
    Capability.VIEW: frozenset(Role.values),
    Capability.RECORDS: frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_STAFF, Role.BRANCH_SECRETARY}),
    Capability.REVIEW: frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_STAFF}),
    Capability.POLICY: frozenset({Role.COUNTY_ADMIN}),
    Capability.STAFF: frozenset({Role.COUNTY_ADMIN}),
    Capability.STRUCTURE: frozenset({Role.COUNTY_ADMIN}),
    Capability.UNMASK: frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_STAFF}),
}
