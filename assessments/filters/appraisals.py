import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import at_least
from branches.filters import organization_choice
from branches.filters import visible_choice
from members.models import Member
from partybuild.years import YearFilter

from ..models import AppraisalGrade
from ..models import MemberAppraisal


class MemberAppraisalFilter(ScopedFilterSet):
    within_path_lookup = "branch__path"

    branch = organization_choice(_("branch"))
    member = visible_choice(Member, _("party member"))
    year = YearFilter()
    grade = django_filters.MultipleChoiceFilter(choices=AppraisalGrade.choices)
    graded = django_filters.BooleanFilter(label=_("graded"), method="filter_graded")
    participated = django_filters.BooleanFilter()
    stars = django_filters.NumberFilter(min_value=0, max_value=5, decimal_places=0)
    stars_min = at_least(_("at least this many stars"), "stars", 5)

    class Meta:
        model = MemberAppraisal
        fields = [
            "branch",
            "within",
            "member",
            "year",
            "grade",
            "graded",
            "participated",
            "stars",
            "stars_min",
        ]

    def filter_graded(self, queryset, name, value):
        return queryset.exclude(grade="") if value else queryset.filter(grade="")
