"""``GET /api/v1/dashboard/?organization=<id>&year=<y>``: the county or township dashboard as JSON.

The organization's kind chooses the dashboard: a county committee gets the county one (its townships
compared), a township or street the township one, a branch its own small one (the same parts for itself).
An organization outside the caller's scope answers 404 exactly like a missing one."""

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from branches.selectors import organization_get
from partybuild.years import YEAR_MESSAGE
from partybuild.years import is_year

from ..selectors.dashboard import dashboard
from .dashboard_schema import DASHBOARD


def register(router):
    return None


def parse_year(raw) -> int:
    """The year parameter: this year when absent, else a year from FIRST_YEAR to LAST_YEAR (partybuild.years);
    ValueError otherwise."""
    if raw in (None, ""):
        return timezone.localdate().year
    year = int(str(raw).strip())
    if not is_year(year):
        raise ValueError(raw)
    return year


def dashboard_params(params, user):
    """(organization, year) from query parameters: 400 for malformed ones, 404 outside the user's scope."""
    errors = {}
    raw_organization = params.get("organization")
    if raw_organization in (None, ""):
        errors["organization"] = [_("Choose an organization.")]
    elif not str(raw_organization).strip().isdigit():
        errors["organization"] = [_("The organization must be given by its number.")]
    try:
        year = parse_year(params.get("year"))
    except ValueError:
        errors["year"] = [YEAR_MESSAGE]
    if errors:
        raise exceptions.ValidationError(errors)
    try:
        organization = organization_get(user=user, pk=int(raw_organization))
    except Http404 as error:
        raise exceptions.NotFound() from error
    return organization, year


class DashboardView(APIView):
    """The dashboard of an organization for a year (README, "Dashboards"; colours: docs/quotas.md)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", OpenApiTypes.INT, required=True),
            OpenApiParameter("year", OpenApiTypes.INT, description="default: this year"),
        ],
        responses={200: DASHBOARD},
    )
    def get(self, request):
        organization, year = dashboard_params(request.query_params, request.user)
        return Response(dashboard(user=request.user, organization=organization, year=year))


# django.urls.path() entries served under /api/v1/; each needs an OrganizationParamScopeSuite.
paths = [path("dashboard/", DashboardView.as_view(), name="dashboard")]
