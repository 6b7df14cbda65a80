"""Admin permissions shared by every app's admin: records shown but never written here, and records added
here but never edited in place."""


class ReadOnlyAdminMixin:
    """Shown only: the records are written elsewhere (the services, the API, a computation). Put before the
    admin base; fits a ModelAdmin and an inline alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoEditInPlaceMixin:
    """Added through the admin, never edited in place: a change is a new record (and a removal)."""

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)
