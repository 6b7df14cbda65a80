from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.permissions import NoEditInPlaceMixin, ReadOnlyAdminMixin
from branches.scope.admin import ScopedModelAdmin

from ..models import Alert, QuotaPolicy, QuotaRun
from ..services import quotas as services


@admin.register(QuotaPolicy)
class QuotaPolicyAdmin(ScopedModelAdmin, SimpleHistoryAdmin):
    list_display = ["county", "year", "dev_branch_min", "visit_households", "train_per_level"]
    list_filter = ["year"]
    list_select_related = ["county"]

    def save_via_service(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            return services.quota_policy_update(actor=request.user, quota_policy=obj, **data)
        fields = {k: v for k, v in form.cleaned_data.items() if k not in {"county", "year"}}
        return services.quota_policy_create(
            actor=request.user, county=form.cleaned_data["county"], year=form.cleaned_data["year"], **fields
        )


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
