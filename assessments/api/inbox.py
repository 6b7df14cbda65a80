"""``GET /api/v1/inbox/[?organization=<id>]``: the caller's to-do inbox (docs/inbox.md), optionally only the
items of one organization's subtree (outside the caller's scope: 404, like a missing one)."""

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions
from rest_framework import permissions
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from branches.selectors import organization_get

from ..inbox.compute import inbox_for

ITEMS = inline_serializer(
    "InboxItem",
    {
        "source": serializers.CharField(),
        "key": serializers.CharField(),
        "organization": inline_serializer(
            "InboxOrganization", {"id": serializers.IntegerField(), "name": serializers.CharField()}
        ),
        "what": serializers.CharField(),
        "why": serializers.CharField(),
        "due_on": serializers.DateField(allow_null=True),
        "late": serializers.BooleanField(),
        "url": serializers.CharField(),
    },
    many=True,
)


def _organization(params, user):
    raw = params.get("organization")
    if raw in (None, ""):
        return None
    if not str(raw).strip().isdigit():
        raise exceptions.ValidationError(
            {"organization": [_("The organization must be given by its number.")]}
        )
    try:
        return organization_get(user=user, pk=int(raw))
    except Http404 as error:
        raise exceptions.NotFound() from error


class InboxView(APIView):
    """What the records say is due for the caller: each item with what, why, by when and the page that
    settles it. Computed on every request; an item is never dismissed, only settled by the records."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("organization", OpenApiTypes.INT, description="only this subtree")],
        responses={200: inline_serializer("Inbox", {"count": serializers.IntegerField(), "results": ITEMS})},
    )
    def get(self, request):
        organization = _organization(request.query_params, request.user)
        today = timezone.localdate()
        items = inbox_for(request.user, today=today)
        if organization is not None:
            items = [item for item in items if item.organization_path.startswith(organization.path)]
        return Response({"count": len(items), "results": [item.as_dict(today) for item in items]})


# Served under /api/v1/ beside the router; its OrganizationParamScopeSuite is in tests/assessments.
paths = [path("inbox/", InboxView.as_view(), name="inbox")]
