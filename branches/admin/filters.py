"""Admin list filters shared by every app's admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class YesNoFilter(admin.SimpleListFilter):
    """ "Yes": the rows that meet ``condition()`` (computed when the list is filtered); "no": the others."""

    def condition(self):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.exclude(self.condition())
        return queryset
