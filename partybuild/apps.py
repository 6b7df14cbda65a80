from django.contrib.admin.apps import AdminConfig


class PartybuildAdminConfig(AdminConfig):
    default_site = "branches.scope.admin_site.PartybuildAdminSite"
