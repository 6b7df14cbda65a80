"""Admin for rectifications of weak branches: opened and edited through the services (the township's
"review" capability); the status steps (request close, verify, reopen) and progress notes go through the API,
so here notes are shown, not edited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.forms import ActorFormAdminMixin
from branches.admin.forms import RuleCheckedForm
from branches.admin.permissions import FixedOnceAddedMixin
from branches.admin.permissions import NoDeleteMixin
from branches.admin.permissions import ReadOnlyAdminMixin
from branches.scope.admin import ScopedModelAdmin
from branches.scope.querysets import scope_paths
from branches.scope.roles import Capability
from members.models import Cadre
from members.models import CadrePost

from ..models import Rectification
from ..models import RectificationNote
from ..services import rectifications as services

EDITABLE = ["plan", "responsible_leader", "instructor", "deadline"]


class RectificationForm(RuleCheckedForm):
    actor = None
    rules_say_what_exists = True

    class Meta:
        model = Rectification
        fields = ["organization", "year", *EDITABLE]

    def check(self, rectification):
        changed = None if rectification.pk is None else self.changed_data
        services.rectification_check(actor=self.actor, rectification=rectification, changed=changed)


class NoteInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RectificationNote
    fields = ["written_on", "text", "author", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Rectification)
class RectificationAdmin(
    FixedOnceAddedMixin, ActorFormAdminMixin, NoDeleteMixin, ScopedModelAdmin, SimpleHistoryAdmin
):
    form = RectificationForm
    inlines = [NoteInline]
    list_display = ["organization", "year", "status", "responsible_leader", "instructor", "deadline"]
    list_filter = ["year", "status"]
    search_fields = ["organization__name", "responsible_leader"]
    list_select_related = ["organization", "instructor"]
    fixed_fields = ("organization", "year")
    readonly_fields = [
        "reasons",
        "status",
        "opened_by",
        "close_summary",
        "verified_by",
        "verified_on",
        "version",
    ]
    ordering = ["organization__path", "-year"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Cadre:
            instructors = Cadre.objects.restrict(request.user, "view").filter(post=CadrePost.INSTRUCTOR)
            kwargs["queryset"] = instructors.select_related("organization")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return scope_paths(request.user, Capability.REVIEW) != []

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return Rectification.objects.restrict(request.user, Capability.REVIEW).filter(pk=obj.pk).exists()

    def save_model(self, request, obj, form, change):
        # The township's capability is "review", not the records capability the base re-checks with.
        self.save_via_service(request, obj, form, change)

    def save_via_service(self, request, obj, form, change):
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE}
            original = Rectification.objects.get(pk=obj.pk)
            return services.rectification_update(actor=request.user, rectification=original, **data)
        data = dict(form.cleaned_data)
        saved = services.rectification_open(actor=request.user, **data)
        obj.pk = saved.pk
        return saved
