from django.contrib.admin.apps import AdminConfig


class PartybuildAdminConfig(AdminConfig):
    default_site = "partybuild.admin_site.PartybuildAdminSite"
