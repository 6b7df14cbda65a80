from branches.scope.viewsets import ScopedModelViewSet

from .. import services
from ..filters import OrganizationFilter
from ..filters import StaffRoleFilter
from ..models import Organization
from ..models import StaffRole
from ..selectors import tree as selectors
from .serializers import OrganizationSerializer
from .serializers import StaffRoleSerializer


def _organization_create(*, actor, parent=None, **data):
    """``parent`` may be left out: a new root (a county committee) is then refused to all but superusers."""
    return services.organization_create(actor=actor, parent=parent, **data)


class OrganizationViewSet(ScopedModelViewSet):
    """Party organizations of the county tree; each user sees the subtrees they hold a role on."""

    queryset = Organization.objects.all()
    list_selector = staticmethod(selectors.organization_list)
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    search_fields = ["name", "short_name", "code"]
    ordering_fields = ["path", "name", "code", "kind", "founded_on"]
    ordering = ["path"]
    create_service = staticmethod(_organization_create)
    update_service = staticmethod(services.organization_update)


class StaffRoleViewSet(ScopedModelViewSet):
    """Who holds which role where. Granting and revoking are security events."""

    queryset = StaffRole.objects.all()
    list_selector = staticmethod(selectors.staff_role_list)
    serializer_class = StaffRoleSerializer
    filterset_class = StaffRoleFilter
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]
    ordering_fields = ["organization__path", "user__username", "role", "created_at"]
    ordering = ["organization__path", "user__username"]
    create_service = staticmethod(services.staff_role_grant)
    delete_service = staticmethod(services.staff_role_revoke)
