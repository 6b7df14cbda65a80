"""ModelAdmin base that applies the same organization-subtree scope as the API and writes via services."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from ..models import Organization
from ..personal import mask
from ..personal import personal_fields
from ..personal import personal_kind
from .querysets import capability_for
from .querysets import ensure_in_scope
from .querysets import scope_paths

KEEP_HELP = _("Hidden. Leave blank to keep the current value.")


class KeepPersonalFieldsForm:
    """An existing record's personal fields start empty with the masked value as a hint; left empty, the
    stored value stays (docs/security.md). Mixed in front of every admin form by ScopedModelAdmin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_personal = {}
        if self.instance.pk is None:
            return
        for name, kind in personal_fields(type(self.instance)).items():
            field = self.fields.get(name)
            if field is None or field.disabled:
                continue
            stored = getattr(self.instance, name)
            self.kept_personal[name] = stored
            self.initial[name] = ""
            field.required = False
            field.widget.is_required = False
            field.widget.attrs["placeholder"] = mask(kind, stored)
            field.help_text = KEEP_HELP

    def _clean_fields(self):
        super()._clean_fields()
        for name, stored in self.kept_personal.items():
            if name in self.cleaned_data and self.cleaned_data[name] in ("", None):
                self.cleaned_data[name] = stored


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        kind = personal_fields(self.model).get(change.field)
        return mask(kind, str(value or "")) if kind else value


class ScopedModelAdmin(admin.ModelAdmin):
    """Subclasses implement ``save_via_service(request, obj, form, change)``: writes go through services."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")

    def _may(self, request, action, obj=None):
        if obj is not None:
            return self.model._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists()
        return scope_paths(request.user, capability_for(self.model, action)) != []

    # --- personal data: masked on every screen (branches/personal) ---

    def get_list_display(self, request):
        return [self._masked_column(name) for name in super().get_list_display(request)]

    def _masked_column(self, name):
        kind = personal_kind(self.model, name) if isinstance(name, str) else None
        if kind is None:
            return name

        @admin.display(description=self.model._meta.get_field(name).verbose_name)
        def column(obj):
            return mask(kind, getattr(obj, name))

        return column

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if (
            obj is not None
            and request.method in ("GET", "HEAD")
            and not self.has_change_permission(request, obj)
        ):
            # A read-only view renders stored values; this copy is never saved (no change permission).
            for name, kind in personal_fields(self.model).items():
                setattr(obj, name, mask(kind, getattr(obj, name)))
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not personal_fields(self.model):
            return form
        return type(form.__name__, (KeepPersonalFieldsForm, form), {})

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)

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
