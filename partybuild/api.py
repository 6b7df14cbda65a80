"""The one API router: every app registers its viewsets here; organization-report paths sit beside it."""

from rest_framework.routers import DefaultRouter

from assessments.api.urls import paths as assessment_paths
from assessments.api.urls import register as register_assessments
from branches.api.urls import register as register_branches
from members.api.urls import register as register_members

router = DefaultRouter()
register_branches(router)
register_members(router)
register_assessments(router)

# Read-only endpoints taking ?organization=&year= (dashboards, reports): plain paths beside the router.
paths = [*assessment_paths]
