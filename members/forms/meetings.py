"""Meetings (三会一课) with an attendance checklist of the branch roll."""

from django import forms
from django.utils import timezone

from branches.forms import ServiceModelForm
from branches.forms import VersionedFormMixin

from ..models import Meeting
from ._branches import offer_branches
from ._people import Checklist
from ._people import chosen_organization
from ._people import record_day
from ._people import set_roll_checklist


class MeetingForm(ServiceModelForm):
    single_organization = None
    attendees = Checklist(label=Meeting._meta.get_field("attendees").verbose_name)

    class Meta:
        model = Meeting
        fields = ["organization", "kind", "held_on", "topic", "speaker", "attendees", "minutes"]

    def __init__(self, *args, user, organization=None, on=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.organization if self.instance.pk else None
        offer_branches(self, "organization", user, current=current)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
        self.organization = (
            chosen_organization(self, "organization", organization) or current or self.single_organization
        )
        set_roll_checklist(self, "attendees", user=user, on=record_day(self, "held_on", on))


class MeetingEditForm(VersionedFormMixin, MeetingForm):
    pass


class OrganizationChoice(forms.Form):
    """The ``?organization=`` (and ``?held_on=``) of a form page that reloads its checklist for another
    branch or day."""

    organization = forms.IntegerField(required=False)
    organizer = forms.IntegerField(required=False)
    held_on = forms.DateField(required=False)

    def chosen(self) -> int | None:
        if not self.is_valid():
            return None
        return self.cleaned_data["organization"] or self.cleaned_data["organizer"]

    def day(self):
        return self.cleaned_data["held_on"] if self.is_valid() else None
