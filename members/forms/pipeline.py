"""The development pipeline: registering an application, and moving a record one stage on with the facts
that step needs (the service says which rule refuses it and from when it becomes possible)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import DateInput
from branches.forms import EntryFormMixin
from branches.forms import ServiceModelForm

from ..models import Applicant
from ..models import Member
from ..models import MemberCategory
from ..models import MemberStatus
from ..models.roster import PERSON_FIELDS
from ..services.pipeline import STEP_FACTS
from ..services.pipeline_corrections import correctable_facts
from ._branches import offer_branches
from ._people import Checklist
from ._people import member_label
from ._people import set_checklist


class ApplicantForm(ServiceModelForm):
    single_organization = None

    class Meta:
        model = Applicant
        fields = ["branch", *PERSON_FIELDS, "applied_on", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_branches(self, "branch", user)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        for name in ("birth_date", "gender"):  # read from the ID number when left blank
            self.fields[name].required = False
            self.fields[name].help_text = _("Left blank, it is read from the ID number.")


PEOPLE_FACTS = ("mentors", "sponsors")


def _full_members(user, applicant: Applicant):
    return (
        Member.objects.restrict(user, "view")
        .filter(category=MemberCategory.FULL, status=MemberStatus.NORMAL)
        .filter(branch__path__startswith=applicant.branch.path)
        .only("pk", "name")
        .order_by("name", "pk")
    )


class FactsFormMixin(EntryFormMixin, forms.Form):
    """One field per pipeline fact named, prefilled with what the record holds."""

    error_aliases = {}
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def add_facts(self, user, applicant: Applicant, facts) -> None:
        self.initial.setdefault("version", applicant.version)
        for name in facts:
            model_field = Applicant._meta.get_field(name)
            if name in PEOPLE_FACTS:
                field = Checklist(label=model_field.verbose_name)
                field.label_from_instance = member_label
                visible = Member.objects.restrict(user, "view")
                set_checklist(field, validate_against=visible, shown=_full_members(user, applicant))
                self.initial.setdefault(name, [person.pk for person in getattr(applicant, name).all()])
            else:
                field = model_field.formfield(required=False)
                self.initial.setdefault(name, getattr(applicant, name))
            self.fields[name] = field
            self._style(field)

    def facts(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("version", "on", "reason"):
            data.pop(name, None)
        for name in PEOPLE_FACTS:
            if name in data:
                data[name] = list(data[name])
        return data


class AdvanceForm(FactsFormMixin):
    """The date of the step and the facts of that step only (STEP_FACTS), prefilled with what is recorded."""

    on = forms.DateField(label=_("date of this step"), widget=DateInput)

    def __init__(self, *args, user, applicant: Applicant, to_stage: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.to_stage = to_stage
        self.initial.setdefault("on", timezone.localdate())
        self.add_facts(user, applicant, STEP_FACTS.get(to_stage, ()) if to_stage else ())


class CorrectionForm(FactsFormMixin):
    """The facts of the steps already taken, prefilled; what is changed is corrected, with the reason."""

    reason = forms.CharField(
        label=_("reason for the correction"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, applicant: Applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.add_facts(user, applicant, correctable_facts(applicant))
        self.order_fields([name for name in self.fields if name != "reason"] + ["reason"])

    def facts(self) -> dict:
        """Only what differs from the record: a fact left as it was is not corrected."""
        data = super().facts()
        return {name: value for name, value in data.items() if name in self.changed_data}
