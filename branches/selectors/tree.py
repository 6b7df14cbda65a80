"""Reads over organizations and roles, always through the user's scope."""

from django.http import Http404

from ..models import Organization, StaffRole


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
