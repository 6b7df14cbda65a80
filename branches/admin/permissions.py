"""Admin permissions shared by every app's admin: records shown but never written here, records added here
but never edited in place, fields fixed once a record is added, records never deleted, past versions never
reverted to."""

from django.core.exceptions import PermissionDenied


class NoDeleteMixin:
    """Never deleted here: a record ends by a date or a step of its own (a term by its last day, a reserve
    cadre by removal) or is only ever changed (a county's policy); history keeps every version."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin(NoDeleteMixin):
    """Shown only: the records are written elsewhere (the services, the API, a computation). Put before the
    admin base; fits a ModelAdmin and an inline alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoEditInPlaceMixin:
    """Added through the admin, never edited in place: a change is a new record (and a removal)."""

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)


class FixedOnceAddedMixin:
    """``fixed_fields`` (which record it is: whose, where, which year) are chosen when the record is added
    and shown read-only after, before the other read-only fields."""

    fixed_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*self.fixed_fields, *readonly] if obj is not None else readonly


class NoRevertMixin:
    """A past version is neither opened nor reverted to: reverting would bypass the services' rules. Put
    before ScopedModelAdmin, whose 404 for a record out of scope comes first."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        raise PermissionDenied
