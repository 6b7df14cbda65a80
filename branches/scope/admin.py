"""ModelAdmin base that applies the same organization-subtree scope as the API and writes via services."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404

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

    # Out of scope answers exactly like missing, on every object page (README, "Decisions"): 404, never a
    # redirect with "does not exist" or a 403 that would tell the two apart.
    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def _visible_or_404(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

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
