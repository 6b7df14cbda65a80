"""ModelAdmin base that applies the same organization-subtree scope as the API and writes via services."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from ..models import Organization
from .querysets import capability_for, ensure_in_scope, scope_paths


class ScopedModelAdmin(admin.ModelAdmin):
    """Subclasses implement ``save_via_service(request, obj, form, change)``: writes go through services."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")

    def _may(self, request, action, obj=None):
        if obj is not None:
            return self.model._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists()
        return scope_paths(request.user, capability_for(self.model, action)) != []

    def has_module_permission(self, request):
        return self._may(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view", obj)

    def has_add_permission(self, request):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete", obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization:
            kwargs["queryset"] = Organization.objects.restrict(request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = self.save_via_service(request, obj, form, change)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
        ensure_in_scope(request.user, saved or obj, "change" if change else "add")

    def save_via_service(self, request, obj, form, change):
        raise PermissionDenied
