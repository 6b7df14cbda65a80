"""Admin of the joint evaluation: cycles are edited, closed, computed and published through the services;
statements, grades and scores are read here (grades and scores with the same secrecy as the API)."""

from django.contrib import admin
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.permissions import NoEditInPlaceMixin
from branches.admin.permissions import ReadOnlyAdminMixin
from branches.admin.writes import ServiceSavesMixin
from branches.admin.writes import ServiceWritesMixin
from branches.scope.admin import ScopedModelAdmin

from ..models import EvaluationCycle
from ..models import EvaluationRater
from ..models import EvaluationScore
from ..models import SecretaryGrade
from ..models import Statement
from ..selectors import evaluation as selectors
from ..services import evaluation as services
from ..services import evaluation_scores


class _VisibleAdmin(ScopedModelAdmin):
    """Rows as the selector shows them (not merely everything in the read scope)."""

    visible = None

    def get_queryset(self, request):
        return type(self).visible(request.user, super(ScopedModelAdmin, self).get_queryset(request))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return type(self).visible(request.user, self.model._default_manager.filter(pk=obj.pk)).exists()


def _run(modeladmin, request, queryset, service, done):
    for cycle in queryset:
        try:
            service(actor=request.user, cycle=cycle)
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(getattr(error, "messages", [str(error)]))
            modeladmin.message_user(request, f"{cycle}: {text}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{cycle}: {done}", messages.SUCCESS)


@admin.register(EvaluationCycle)
class EvaluationCycleAdmin(ServiceSavesMixin, _VisibleAdmin, SimpleHistoryAdmin):
    visible = staticmethod(selectors.visible_cycles)
    create_service = staticmethod(services.evaluation_cycle_create)
    update_service = staticmethod(services.evaluation_cycle_update)
    list_display = ["county", "year", "state", "opens_on", "statements_due_on", "closes_on", "published_at"]
    list_filter = ["year", "state"]
    list_select_related = ["county"]
    readonly_fields = ["state", "published_at", "published_by", "version"]
    actions = ["close_cycles", "compute_scores", "publish_cycles"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "county", "year"] if obj is not None else self.readonly_fields

    @admin.action(description=_("Close the selected cycles"))
    def close_cycles(self, request, queryset):
        _run(self, request, queryset, services.evaluation_cycle_close, _("closed"))

    @admin.action(description=_("Compute the scores of the selected cycles"))
    def compute_scores(self, request, queryset):
        _run(self, request, queryset, evaluation_scores.evaluation_scores_compute, _("scores computed"))

    @admin.action(description=_("Publish the selected cycles"))
    def publish_cycles(self, request, queryset):
        _run(self, request, queryset, services.evaluation_cycle_publish, _("published"))


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdminMixin, _VisibleAdmin, SimpleHistoryAdmin):
    """Read here; statements are submitted by the secretaries (API, with the window and file checks)."""

    visible = staticmethod(selectors.visible_statements)
    list_display = ["organization", "cycle", "level", "secretary_name", "submitted_at", "late"]
    list_filter = ["cycle__year", "level", "late"]
    list_select_related = ["organization", "cycle__county"]
    search_fields = ["organization__name", "secretary_name"]
    readonly_fields = [
        "cycle",
        "organization",
        "level",
        "secretary_name",
        "text",
        "attachment",
        "attachment_name",
        "submitted_at",
        "submitted_by",
        "late",
        "version",
    ]


@admin.register(EvaluationRater)
class EvaluationRaterAdmin(ServiceWritesMixin, NoEditInPlaceMixin, _VisibleAdmin, SimpleHistoryAdmin):
    """Appointed here (never edited in place) and removed through the service."""

    visible = staticmethod(selectors.visible_raters)
    delete_service = staticmethod(services.rater_remove)
    list_display = ["user", "group", "organization", "cycle"]
    list_filter = ["cycle__year", "group"]
    list_select_related = ["user", "organization", "cycle__county"]
    search_fields = ["user__username", "organization__name"]
    raw_id_fields = ["user"]

    def save_via_service(self, request, obj, form, change):
        data = form.cleaned_data
        return services.rater_appoint(
            actor=request.user,
            cycle=data["cycle"],
            user=data["user"],
            group=data["group"],
            organization=data["organization"],
        )


@admin.register(SecretaryGrade)
class SecretaryGradeAdmin(ReadOnlyAdminMixin, _VisibleAdmin, SimpleHistoryAdmin):
    """Read only: raters grade through the API; the county and the rater see the grades, nobody else."""

    visible = staticmethod(selectors.visible_grades)
    list_display = ["organization", "rater", "grade", "updated_at"]
    list_filter = ["rater__cycle__year", "grade", "rater__group"]
    list_select_related = ["organization", "rater__user", "rater__organization"]
    readonly_fields = ["rater", "organization", "grade", "version"]


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(ReadOnlyAdminMixin, _VisibleAdmin):
    """Derived rows, rewritten by "compute"; the county sees them at once, others once published."""

    visible = staticmethod(selectors.visible_scores)
    list_display = [
        "organization",
        "cycle",
        "level",
        "secretary_name",
        "evaluation_score",
        "good_rate",
        "examination_score",
        "final_score",
        "grade",
        "rank_in_township",
        "rank_in_county",
    ]
    list_filter = ["cycle__year", "level", "grade"]
    list_select_related = ["organization", "cycle__county"]
    search_fields = ["organization__name", "secretary_name"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
