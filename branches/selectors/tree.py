"""Reads over organizations and roles, always through the user's scope; ``committee_above``, a fact of the
tree that the rules read, is the one read without a user."""

from django.db.models import Q
from django.http import Http404

from ..models import COMMITTEE_KINDS
from ..models import Organization
from ..models import StaffRole


def committee_above(organization: Organization) -> Organization | None:
    """The nearest township or street committee above ``organization`` (through a general branch, if any)."""
    return committees_above([organization])[organization.pk]


def _ancestor_ids(organization: Organization) -> list[int]:
    return [int(pk) for pk in organization.path.strip("/").split("/")[:-1]]


def committees_above(organizations) -> dict[int, Organization | None]:
    """``committee_above`` of many organizations at once (by id): one query."""
    organizations = list(organizations)
    wanted = {pk for organization in organizations for pk in _ancestor_ids(organization)}
    found = Organization.objects.filter(pk__in=wanted, kind__in=COMMITTEE_KINDS).in_bulk() if wanted else {}
    return {
        organization.pk: next(
            (found[pk] for pk in reversed(_ancestor_ids(organization)) if pk in found), None
        )
        for organization in organizations
    }


def organization_list(*, user, action: str = "view"):
    return Organization.objects.restrict(user, action)


def organization_get(*, user, pk, action: str = "view") -> Organization:
    """Fetch and authorize at once: a missing organization and one out of scope look the same."""
    try:
        return organization_list(user=user, action=action).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def staff_role_list(*, user):
    return StaffRole.objects.restrict(user, "view").select_related("user", "organization")


def organization_pick_list(*, user, source, text: str, limit: int):
    """The organization picker's answer (branches/picker.py): at most ``limit`` organizations of ``source``
    in ``user``'s scope whose name contains ``text`` or whose code starts with it, in tree order."""
    queryset = Organization.objects.restrict(user, source.capability)
    if source.kinds:
        queryset = queryset.filter(kind__in=source.kinds)
    if source.fields:
        queryset = queryset.filter(field__in=source.fields)
    if source.active:
        queryset = queryset.active()
    text = text.strip()
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(code__istartswith=text))
    return list(queryset.order_by("path").values("pk", "name", "code")[:limit])
