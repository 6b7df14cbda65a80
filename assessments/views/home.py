from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from assessments.selectors.quotas import alert_list
from branches.models import BRANCH_KINDS
from branches.scope.roles import CAPABILITY_ROLES
from branches.scope.roles import Capability
from branches.scope.roles import Role


@login_required
def home(request):
    """The home page by role: county admins and township staff get their dashboards and open alerts, a
    branch secretary their branch page and a big "record a visit" button, a viewer the dashboards to read."""

    roles = list(request.user.staff_roles.select_related("organization").order_by("organization__path"))
    year = timezone.localdate().year
    dashboards, branches, seen = [], [], set()
    for role in roles:
        organization = role.organization
        if organization.dissolved_on is not None:
            continue
        if role.role == Role.BRANCH_SECRETARY:
            branches.append(organization)
        elif organization.pk not in seen and organization.kind not in BRANCH_KINDS:
            dashboards.append({"organization": organization, "read_only": role.role == Role.VIEWER})
            seen.add(organization.pk)
    # Reviewers (county admins, township staff) see the open alerts of their subtrees, a few at a time.
    reviewed = [
        role.organization
        for role in roles
        if role.role in CAPABILITY_ROLES[Capability.REVIEW] and role.organization.dissolved_on is None
    ]
    alerts, alert_count = [], 0
    if reviewed:
        queryset = alert_list(user=request.user).filter(year=year)
        alert_count = queryset.count()
        alerts = list(queryset.order_by("organization__path", "kind")[:10])
    return render(
        request,
        "home.html",
        {
            "roles": roles,
            "year": year,
            "dashboards": dashboards,
            "branches": branches,
            "alerts": alerts,
            "alert_count": alert_count,
            "show_alerts": bool(reviewed),
        },
    )
