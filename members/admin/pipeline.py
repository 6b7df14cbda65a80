from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.writes import changed_fields
from branches.scope.admin import ScopedModelAdmin

from ..models import Applicant, Member
from ..models.pipeline import STEP_FIELDS
from ..services import pipeline as services
from .identity import IdNumberCheckedAdminMixin, IdNumberCheckedForm


class ApplicantAdminForm(IdNumberCheckedForm):
    id_number_models = (Applicant, Member)
    id_number_messages = {Member: services.ON_THE_ROLL}

    class Meta:
        model = Applicant
        fields = "__all__"


@admin.register(Applicant)
class ApplicantAdmin(IdNumberCheckedAdminMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    """Personal details and step facts; stages move only through the pipeline steps (API and pages)."""

    form = ApplicantAdminForm
    list_display = [
        "name",
        "branch",
        "stage",
        "status",
        "applied_on",
        "activist_on",
        "candidate_on",
        "assembly_on",
    ]
    list_filter = ["stage", "status"]
    search_fields = ["name"]
    list_select_related = ["branch"]
    readonly_fields = [*STEP_FIELDS, "version"]
    filter_horizontal = ["mentors", "sponsors"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = db_field.related_model.objects.restrict(request.user, "view")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_via_service(self, request, obj, form, change):
        data = changed_fields(form)
        if change:
            return services.applicant_update(actor=request.user, applicant=obj, **data)
        person = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"branch", "applied_on", "mentors", "sponsors"}
        }
        return services.applicant_register(
            actor=request.user,
            branch=form.cleaned_data["branch"],
            applied_on=form.cleaned_data["applied_on"],
            **person,
        )

    def save_related(self, request, form, formsets, change):
        """Mentors and sponsors were already set by the service (which checks they are full members)."""
