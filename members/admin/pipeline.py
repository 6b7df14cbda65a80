from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.choices import ScopedChoicesMixin
from branches.admin.forms import ActorFormAdminMixin
from branches.admin.writes import changed_fields
from branches.scope.admin import ScopedModelAdmin

from ..models import Applicant
from ..models import Member
from ..services import pipeline as services
from .identity import IdNumberCheckedForm


class ApplicantAdminForm(IdNumberCheckedForm):
    id_number_models = (Applicant, Member)
    id_number_messages = {Member: services.ON_THE_ROLL}

    class Meta:
        model = Applicant
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("birth_date", "gender"):  # read from the ID number when blank (Applicant.clean)
            if name in self.fields:
                self.fields[name].required = False


@admin.register(Applicant)
class ApplicantAdmin(ActorFormAdminMixin, ScopedChoicesMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    """Personal details. The pipeline's facts are recorded by their steps and corrected with a reason (API and
    pages): shown here, not edited; an application is dated when it is added."""

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
    filter_horizontal = ["mentors", "sponsors"]
    scoped_choices = {Member: ("view",)}

    def get_readonly_fields(self, request, obj=None):
        shown = services.PIPELINE_FACTS | {"stage", "status", "member"}
        if obj is None:
            shown -= {"applied_on"}
        in_order = [f.name for f in Applicant._meta.get_fields() if f.concrete or f.many_to_many]
        return [name for name in in_order if name in shown] + ["version"]

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
