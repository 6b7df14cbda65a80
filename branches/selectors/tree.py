"""Reads over organizations and roles, always through the user's scope; ``committee_above``, a fact of the
tree that the rules read, is the one read without a user."""

from django.http import Http404

from ..models import COMMITTEE_KINDS, Organization, StaffRole


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
