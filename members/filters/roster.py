import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet, visible_choice
from branches.models import Organization

from ..models import Education, Gender, Member, MemberCategory, MemberStatus, Occupation


class MemberFilter(ScopedFilterSet):
    """Roster filters. ID numbers are deliberately absent: they never travel in a URL (search by name, or
    POST the full number to ``members/find-by-id/``)."""

    within_path_lookup = "branch__path"

    branch = visible_choice(Organization, _("branch"))
    category = django_filters.MultipleChoiceFilter(choices=MemberCategory.choices)
    status = django_filters.MultipleChoiceFilter(choices=MemberStatus.choices)
    gender = django_filters.ChoiceFilter(choices=Gender.choices)
    education = django_filters.MultipleChoiceFilter(choices=Education.choices)
    occupation = django_filters.MultipleChoiceFilter(choices=Occupation.choices)
    is_mobile = django_filters.BooleanFilter(label=_("mobile member"))
    has_post_duty = django_filters.BooleanFilter(
        label=_("has a set-post duty"),
        field_name="post_duty",
        lookup_expr="gt",
        method="filter_has_post_duty",
    )
    joined_after = django_filters.DateFilter(
        label=_("joined on or after"), field_name="joined_on", lookup_expr="gte"
    )
    joined_before = django_filters.DateFilter(
        label=_("joined on or before"), field_name="joined_on", lookup_expr="lte"
    )

    class Meta:
        model = Member
        fields = ["branch", "within", "category", "status", "gender", "education", "occupation", "is_mobile"]

    def filter_has_post_duty(self, queryset, name, value):
        return queryset.exclude(post_duty="") if value else queryset.filter(post_duty="")
