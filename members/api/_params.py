"""Query parameters the members' API actions share."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from branches.models import Organization


def asked_organization(request) -> Organization:
    """The required ``?organization=``, one the user may view: 400 when it is missing or not a number, 404
    when it is outside the user's scope."""
    value = request.query_params.get("organization") or ""
    if not value.isdigit():
        raise exceptions.ValidationError({"organization": [_("Choose the organization.")]})
    return get_object_or_404(Organization.objects.restrict(request.user, "view"), pk=int(value))
