"""A cadre's study in one month (sessions, characters of notes, articles)."""

from django.utils import timezone

from branches.forms import ServiceModelForm
from branches.forms import VersionedFormMixin

from ..models import Cadre
from ..models import StudyRecord
from ..models.activities import STUDY_FIELDS
from .visits import cadre_label


class StudyRecordForm(ServiceModelForm):
    class Meta:
        model = StudyRecord
        fields = STUDY_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cadre"]
        queryset = Cadre.objects.restrict(user, "change").select_related("organization")
        field.queryset = queryset.order_by("organization__path", "post", "name", "pk")
        field.label_from_instance = cadre_label
        if not self.instance.pk and not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("month", today.month)


class StudyRecordEditForm(VersionedFormMixin, StudyRecordForm):
    pass
