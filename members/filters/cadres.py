import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import organization_choice
from branches.filters import visible_choice

from ..models import Cadre
from ..models import CadrePost
from ..models import Member
from ..models import ReserveCadre
from ..models import ReserveSource
from ..models import ReserveStatus
from ..selectors.cadres import one_shoulder
from ..selectors.cadres import serving
from ..selectors.cadres import young_born_after


class CadreFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    member = visible_choice(Member, _("party member"))
    post = django_filters.MultipleChoiceFilter(choices=CadrePost.choices)
    on = django_filters.DateFilter(
        label=_("serving on"),
        method="filter_on",
        help_text=_("posts held on this day; also the day cross-appointment is judged on (default: today)"),
    )
    current = django_filters.BooleanFilter(label=_("serving today"), method="filter_current")
    one_shoulder = django_filters.BooleanFilter(
        label=_("secretary also village committee director (一肩挑)"), method="filter_one_shoulder"
    )

    class Meta:
        model = Cadre
        fields = ["organization", "within", "post", "member", "on", "current", "one_shoulder"]

    def reference_date(self):
        return self.form.cleaned_data.get("on") or timezone.localdate()

    def filter_on(self, queryset, name, value):
        return queryset.filter(serving(value))

    def filter_current(self, queryset, name, value):
        condition = serving(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_one_shoulder(self, queryset, name, value):
        condition = one_shoulder(self.reference_date())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class ReserveCadreFilter(ScopedFilterSet):
    organization = organization_choice(_("village branch"))
    member = visible_choice(Member, _("party member"))
    status = django_filters.MultipleChoiceFilter(choices=ReserveStatus.choices)
    source = django_filters.MultipleChoiceFilter(choices=ReserveSource.choices)
    young = django_filters.BooleanFilter(label=_("aged 35 or less today"), method="filter_young")

    class Meta:
        model = ReserveCadre
        fields = ["organization", "within", "status", "source", "member", "young"]

    def filter_young(self, queryset, name, value):
        born_after = young_born_after(timezone.localdate())
        if value:
            return queryset.filter(birth_date__gt=born_after)
        return queryset.exclude(birth_date__gt=born_after)
