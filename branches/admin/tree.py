from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partybuild.http import client_ip

from .. import services
from ..models import Organization
from ..models import SecurityEvent
from ..models import StaffRole
from ..models.tree import VILLAGE_STATISTICS_FIELDS
from ..scope.admin import ScopedModelAdmin
from .permissions import NoEditInPlaceMixin
from .permissions import ReadOnlyAdminMixin
from .writes import ServiceSavesMixin


@admin.register(Organization)
class OrganizationAdmin(ServiceSavesMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(services.organization_update)
    list_display = ["name", "code", "kind", "field", "parent", "founded_on", "dissolved_on"]
    list_filter = ["kind", "field"]
    search_fields = ["name", "short_name", "code"]
    ordering = ["path"]
    list_select_related = ["parent"]
    readonly_fields = ["path", "version"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "short_name",
                    "code",
                    "kind",
                    "field",
                    "parent",
                    "founded_on",
                    "dissolved_on",
                ]
            },
        ),
        (
            _("Village statistics"),
            {"fields": list(VILLAGE_STATISTICS_FIELDS)},
        ),
        (_("System"), {"fields": ["path", "version"]}),
    ]


@admin.register(StaffRole)
class StaffRoleAdmin(NoEditInPlaceMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "organization__name"]
    list_select_related = ["user", "organization"]

    def save_via_service(self, request, obj, form, change):
        return services.staff_role_grant(
            actor=request.user,
            user=form.cleaned_data["user"],
            organization=form.cleaned_data["organization"],
            role=form.cleaned_data["role"],
            ip_address=client_ip(request),
        )

    def delete_model(self, request, obj):
        services.staff_role_revoke(actor=request.user, staff_role=obj, ip_address=client_ip(request))

    def delete_queryset(self, request, queryset):
        for staff_role in queryset:
            self.delete_model(request, staff_role)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ["occurred_at", "kind", "username", "ip_address", "organization"]
    list_filter = ["kind"]
    search_fields = ["username"]
    list_select_related = ["organization"]

    def has_view_permission(self, request, obj=None):
        return self._may(request, "staff", obj)

    def has_module_permission(self, request):
        return self._may(request, "staff")
