"""The development pipeline: registering an application, and moving a record one stage on with the facts
that step needs (the service says which rule refuses it and from when it becomes possible)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import (
    DateInput,
    EntryFormMixin,
    ServiceModelForm,
    hide_single_choice,
    limit_organization_field,
    records_organizations,
)
from branches.models import BRANCH_KINDS

from ..models import Applicant, Member, MemberCategory, MemberStatus
from ..models.roster import PERSON_FIELDS
from ..services.pipeline import STEP_FACTS
from ._people import Checklist, member_label, set_checklist


class ApplicantForm(ServiceModelForm):
    single_organization = None

    class Meta:
        model = Applicant
        fields = ["branch", *PERSON_FIELDS, "applied_on", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_organization_field(self.fields["branch"], records_organizations(user, kinds=BRANCH_KINDS))
        hide_single_choice(self, "branch")
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"


PEOPLE_FACTS = ("mentors", "sponsors")


class AdvanceForm(EntryFormMixin, forms.Form):
    """The date of the step and the facts of that step only (STEP_FACTS), prefilled with what is recorded."""

    error_aliases = {}
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    on = forms.DateField(label=_("date of this step"), widget=DateInput)

    def __init__(self, *args, user, applicant: Applicant, to_stage: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.to_stage = to_stage
        facts = STEP_FACTS.get(to_stage, ()) if to_stage else ()
        self.initial.setdefault("on", timezone.localdate())
        self.initial.setdefault("version", applicant.version)
        full_members = (
            Member.objects.restrict(user, "view")
            .filter(category=MemberCategory.FULL, status=MemberStatus.NORMAL)
            .filter(branch__path__startswith=applicant.branch.path)
            .only("pk", "name")
            .order_by("name", "pk")
        )
        for name in facts:
            model_field = Applicant._meta.get_field(name)
            if name in PEOPLE_FACTS:
                field = Checklist(label=model_field.verbose_name)
                field.label_from_instance = member_label
                visible = Member.objects.restrict(user, "view")
                set_checklist(field, validate_against=visible, shown=full_members)
                self.initial.setdefault(name, [person.pk for person in getattr(applicant, name).all()])
            else:
                field = model_field.formfield(required=False)
                self.initial.setdefault(name, getattr(applicant, name))
            self.fields[name] = field
            self._style(field)

    def facts(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("on", None)
        for name in PEOPLE_FACTS:
            if name in data:
                data[name] = list(data[name])
        return data
