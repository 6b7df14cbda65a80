"""Reads over organizations and roles, always through the user's scope; ``committee_above``, a fact of the
tree that the rules read, is the one read without a user."""

from django.http import Http404

from ..models import COMMITTEE_KINDS, Organization, StaffRole


def committee_above(organization: Organization) -> Organization | None:
    """The nearest township or street committee above ``organization`` (through a general branch, if any)."""
    ancestor_ids = [int(pk) for pk in organization.path.strip("/").split("/")[:-1]]
    return (
        Organization.objects.filter(pk__in=ancestor_ids, kind__in=COMMITTEE_KINDS).order_by("-path").first()
    )


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
