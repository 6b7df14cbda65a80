from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.permissions import NoEditInPlaceMixin
from branches.admin.permissions import ReadOnlyAdminMixin
from branches.admin.writes import ServiceSavesMixin
from branches.scope.admin import ScopedModelAdmin

from ..models import Alert
from ..models import QuotaPolicy
from ..models import QuotaRun
from ..services import quotas as services


@admin.register(QuotaPolicy)
class QuotaPolicyAdmin(ServiceSavesMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    list_display = ["county", "year", "dev_branch_min", "visit_households", "train_per_level"]
    list_filter = ["year"]
    list_select_related = ["county"]
    create_service = staticmethod(services.quota_policy_create)
    update_service = staticmethod(services.quota_policy_update)


@admin.register(QuotaRun)
class QuotaRunAdmin(NoEditInPlaceMixin, ScopedModelAdmin):
    """Runs are started here with "add" (scope and year); the rest of the record is written by the run."""

    list_display = ["organization", "year", "state", "progress", "trigger", "created_at", "finished_at"]
    list_filter = ["state", "year", "trigger"]
    list_select_related = ["organization"]
    fields = [
        "organization",
        "year",
        "state",
        "progress",
        "stage",
        "counts",
        "error",
        "started_at",
        "finished_at",
    ]
    readonly_fields = ["state", "progress", "stage", "counts", "error", "started_at", "finished_at"]

    def save_via_service(self, request, obj, form, change):
        return services.quota_run_start(
            actor=request.user,
            organization=form.cleaned_data["organization"],
            year=form.cleaned_data["year"],
            trigger="admin",
        )


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ["organization", "year", "kind", "cadre"]
    list_filter = ["kind", "year"]
    list_select_related = ["organization", "cadre"]
