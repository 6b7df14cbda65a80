"""Trainings with their attendees: members on the organizer's roll and cadres serving under it."""

from django.utils import timezone

from branches.forms import ServiceModelForm
from branches.forms import VersionedFormMixin
from branches.forms import hide_single_choice
from branches.forms import limit_organization_field
from branches.forms import records_organizations

from ..models import Cadre
from ..models import Training
from ..models.activities import TRAINING_FIELDS
from ._people import Checklist
from ._people import cadres_of
from ._people import chosen_organization
from ._people import record_day
from ._people import set_checklist
from ._people import set_roll_checklist
from .visits import cadre_label


class TrainingForm(ServiceModelForm):
    single_organization = None
    member_attendees = Checklist(label=Training._meta.get_field("member_attendees").verbose_name)
    cadre_attendees = Checklist(label=Training._meta.get_field("cadre_attendees").verbose_name)

    class Meta:
        model = Training
        fields = TRAINING_FIELDS

    def __init__(self, *args, user, organization=None, on=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.organizer if self.instance.pk else None
        limit_organization_field(self.fields["organizer"], records_organizations(user), current=current)
        hide_single_choice(self, "organizer")
        today = timezone.localdate()
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("held_on", today)
            self.initial.setdefault("days", 1)
        self.organization = (
            chosen_organization(self, "organizer", organization) or current or self.single_organization
        )
        day = record_day(self, "held_on", on)
        set_roll_checklist(self, "member_attendees", user=user, on=day)
        cadres = self.fields["cadre_attendees"]
        cadres.label_from_instance = cadre_label
        set_checklist(
            cadres,
            validate_against=Cadre.objects.restrict(user, "view").select_related("organization"),
            shown=cadres_of(
                self.organization,
                on=day,
                recorded=self.instance.cadre_attendees.values("pk") if self.instance.pk else None,
            ).select_related("organization"),
        )


class TrainingEditForm(VersionedFormMixin, TrainingForm):
    pass
