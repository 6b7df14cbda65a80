"""Browser forms of rectifications (软弱涣散党组织整顿, docs/ratings-and-evaluation.md).

The rules are the service's: the open and edit forms call its checks in ``clean`` so that a missing field, a
past deadline, an instructor from another township and a branch off the list without reasons are all said
in one round, and the service checks them again when it writes.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import DateInput
from branches.forms import EntryFormMixin
from branches.forms import ServiceModelForm
from branches.forms import VersionedFormMixin
from branches.models import BRANCH_KINDS
from branches.models import Organization
from branches.scope.roles import Capability
from members.models import Cadre

from ..models import Rectification
from ..models import RectificationNote
from ..selectors.rectification_detail import instructor_choices
from ..selectors.rectifications import listed_reasons
from ..selectors.rectifications import reason_labels
from ..services.rectifications import rectification_check
from ..services.rectifications import rectification_reasons

RULE_FIELDS = ("organization", "year", "deadline", "instructor")
EMPTY_CHOICE = ("", "---------")


def instructor_label(cadre: Cadre) -> str:
    organization = cadre.organization
    return f"{cadre.name} · {organization.short_name or organization.name}"


def openable_branches(user):
    """Branches where the user may open a rectification (the township's ``review``), in tree order."""
    branches = Organization.objects.restrict(user, Capability.REVIEW).active().filter(kind__in=BRANCH_KINDS)
    return branches.order_by("path")


def _parsed(form, name):
    """A field's value as posted, None when it does not parse (the field's own error says why)."""
    try:
        return form.fields[name].clean(form.data.get(form.add_prefix(name)))
    except ValidationError:
        return None


class RectificationForm(ServiceModelForm):
    """Open a rectification: the branch and year (preset from the candidate list), the reasons ticked as the
    branch is listed, the plan, the responsible leader, a serving instructor of its township, the deadline."""

    reasons = forms.MultipleChoiceField(
        label=_("reasons"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Rectification
        fields = ["organization", "year", "reasons", "plan", "responsible_leader", "instructor", "deadline"]

    def __init__(self, *args, user, organization=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["reasons"].choices = list(reason_labels().items())
        if "organization" in self.fields:
            field = self.fields["organization"]
            field.queryset = openable_branches(user)
            field.label_from_instance = lambda branch: branch.name
        self.branch, self.year = self._chosen(organization, year)
        self.listed = listed_reasons(branch=self.branch, year=self.year) if self.branch and self.year else []
        self._set_instructors()
        if not self.is_bound:
            self._preset()

    def _chosen(self, organization, year):
        """The branch and year the reasons and instructors are shown for: as posted, else as asked for."""
        if not self.is_bound:
            return organization, year or timezone.localdate().year
        return _parsed(self, "organization"), _parsed(self, "year") or timezone.localdate().year

    def _set_instructors(self) -> None:
        field = self.fields["instructor"]
        field.queryset = Cadre.objects.restrict(self.user, "view")  # whether one may serve: the service says
        current = self.instance.instructor if self.instance.pk else None
        shown = instructor_choices(user=self.user, branch=self.branch, current=current)
        field.widget.choices = [EMPTY_CHOICE, *((cadre.pk, instructor_label(cadre)) for cadre in shown)]

    def _preset(self) -> None:
        self.initial.setdefault("organization", self.branch.pk if self.branch else None)
        self.initial.setdefault("year", self.year)
        self.initial.setdefault("reasons", [reason["code"] for reason in self.listed])

    def clean(self):
        data = super().clean()
        if self.branch is not None and not self.errors.keys() & {"organization", "year"}:
            probe = self.probe(data)
            self._judge(
                lambda: rectification_check(actor=self.user, rectification=probe, changed=self.judged())
            )
            self._judge(
                lambda: rectification_reasons(data.get("reasons"), branch=self.branch, year=self.year)
            )
        return data

    def probe(self, data) -> Rectification:
        """An unsaved rectification with the values typed, for the service's checks."""
        return Rectification(
            organization=self.branch,
            year=self.year,
            deadline=data.get("deadline"),
            instructor=data.get("instructor"),
        )

    def judged(self) -> set:
        return {name for name in RULE_FIELDS if name not in self.errors}

    def _judge(self, check) -> None:
        try:
            check()
        except ValidationError as error:
            self.apply_service_errors(error)


class RectificationEditForm(VersionedFormMixin, RectificationForm):
    """Edit an open rectification: the branch and year stay as opened."""

    class Meta(RectificationForm.Meta):
        fields = ["reasons", "plan", "responsible_leader", "instructor", "deadline"]

    def _chosen(self, organization, year):
        return self.instance.organization, self.instance.year

    def _preset(self) -> None:
        self.initial["reasons"] = [reason["code"] for reason in self.instance.reasons]

    def probe(self, data) -> Rectification:
        instance = self.instance
        return Rectification(
            pk=instance.pk,
            organization=instance.organization,
            year=instance.year,
            deadline=data.get("deadline") or instance.deadline,
            instructor=data.get("instructor") if "instructor" in data else instance.instructor,
        )

    def judged(self) -> set:
        changed = set(self.changed_data) - set(self.errors)
        return changed & {"deadline", "instructor"}


# --- the steps on the rectification's page ---------------------------------------------------------------


class NoteForm(EntryFormMixin, forms.Form):
    written_on = forms.DateField(label=RectificationNote._meta.get_field("written_on").verbose_name)
    text = forms.CharField(label=_("progress"), widget=forms.Textarea)

    def __init__(self, *args, rectification, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("written_on", timezone.localdate())


class StepForm(EntryFormMixin, forms.Form):
    """A step of the workflow, at the version of the record the user read (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rectification, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", rectification.version)

    def pop_version(self) -> int | None:
        return self.cleaned_data.pop("version", None)


class RequestCloseForm(StepForm):
    summary = forms.CharField(label=_("summary of the results"), widget=forms.Textarea)


class VerifyForm(StepForm):
    verified_on = forms.DateField(label=_("verified on"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("verified_on", timezone.localdate())


class ReopenForm(StepForm):
    reason = forms.CharField(label=_("reason for reopening"), widget=forms.Textarea)
