from ..tabular.api import ExportJobViewSet
from ..tabular.api import ImportJobViewSet
from . import audit
from . import records
from .views import OrganizationViewSet
from .views import StaffRoleViewSet


def register(router):
    router.register("organizations", OrganizationViewSet)
    router.register("staff-roles", StaffRoleViewSet)
    records.register(router)
    audit.register(router)
    router.register("export-jobs", ExportJobViewSet, basename="export-job")
    router.register("import-jobs", ImportJobViewSet, basename="import-job")
