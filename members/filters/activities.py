import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import on_or_after
from branches.filters import on_or_before
from branches.filters import organization_choice
from branches.filters import visible_choice
from branches.filters import year_of
from partybuild.years import YearFilter

from ..models import Cadre
from ..models import ContactPoint
from ..models import Meeting
from ..models import MeetingKind
from ..models import Member
from ..models import StudyRecord
from ..models import Training
from ..models import TrainingAudience
from ..models import TrainingLevel
from ..selectors.activities import CONTACT_MIN_DAYS
from ..selectors.activities import contact_point_progress


class HeldOnFilterSet(ScopedFilterSet):
    """Records held on a day (meetings, trainings): on or after, on or before, in a year."""

    held_after = on_or_after(_("held on or after"), "held_on")
    held_before = on_or_before(_("held on or before"), "held_on")
    year = year_of("held_on")


class MeetingFilter(HeldOnFilterSet):
    organization = organization_choice(_("organization"))
    kind = django_filters.MultipleChoiceFilter(choices=MeetingKind.choices)
    attendee = visible_choice(Member, _("attended by"), field_name="attendees")
    month = django_filters.NumberFilter(
        label=_("month"), field_name="held_on", lookup_expr="month", min_value=1, max_value=12
    )

    class Meta:
        model = Meeting
        fields = ["organization", "within", "kind", "attendee", "held_after", "held_before", "year", "month"]


class TrainingFilter(HeldOnFilterSet):
    within_path_lookup = "organizer__path"

    organizer = organization_choice(_("organizer"))
    # The same as ``organizer``, under the name every other record list uses.
    organization = organization_choice(_("organizer"), field_name="organizer")
    level = django_filters.MultipleChoiceFilter(choices=TrainingLevel.choices)
    audience = django_filters.MultipleChoiceFilter(choices=TrainingAudience.choices)
    member = visible_choice(Member, _("attended by the member"), field_name="member_attendees")
    cadre = visible_choice(Cadre, _("attended by the cadre"), field_name="cadre_attendees")

    class Meta:
        model = Training
        fields = [
            "organizer",
            "organization",
            "within",
            "level",
            "audience",
            "member",
            "cadre",
            "held_after",
            "held_before",
            "year",
        ]


class StudyRecordFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    cadre = visible_choice(Cadre, _("cadre"))
    year = YearFilter(label=_("year"))
    month = django_filters.NumberFilter(label=_("month"), min_value=1, max_value=12)

    class Meta:
        model = StudyRecord
        fields = ["organization", "within", "cadre", "year", "month"]


class ContactPointFilter(ScopedFilterSet):
    organization = organization_choice(_("contact village"))
    leader = visible_choice(Member, _("township leader"))
    year = YearFilter(label=_("year"))
    complete = django_filters.BooleanFilter(
        label=_("one lecture, one check, one activity and enough days done"), method="filter_complete"
    )

    class Meta:
        model = ContactPoint
        fields = ["organization", "within", "leader", "year", "complete"]

    def filter_complete(self, queryset, name, value):
        if "complete" not in queryset.query.annotations:
            queryset = contact_point_progress(points=queryset, min_days=CONTACT_MIN_DAYS)
        return queryset.filter(complete=value)
