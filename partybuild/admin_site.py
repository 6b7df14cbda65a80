from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PartybuildAdminSite(admin.AdminSite):
    site_header = _("Party-building management")
    site_title = _("Party-building management")
    index_title = _("Administration")

    def has_permission(self, request):
        """Anyone holding a staff role may enter; what they see is then cut to their subtree."""
        user = request.user
        return user.is_active and (user.is_superuser or user.staff_roles.exists())
