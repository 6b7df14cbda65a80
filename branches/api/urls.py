from ..tabular.api import ExportJobViewSet, ImportJobViewSet
from . import audit, records
from .views import OrganizationViewSet, StaffRoleViewSet


def register(router):
    router.register("organizations", OrganizationViewSet)
    router.register("staff-roles", StaffRoleViewSet)
    records.register(router)
    audit.register(router)
    router.register("export-jobs", ExportJobViewSet, basename="export-job")
    router.register("import-jobs", ImportJobViewSet, basename="import-job")
