import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import on_or_after
from branches.filters import on_or_before
from branches.filters import organization_choice

from ..models import Education
from ..models import Gender
from ..models import Member
from ..models import MemberCategory
from ..models import MemberStatus
from ..models import Occupation
from .search import SEARCH_LABEL
from .search import MemberSearchFilter
from .search import in_body
from .search import number_like
from .search import terms_of


class MemberFilter(ScopedFilterSet):
    """Roster filters, and the search by name or full ID number that the list page and the API share. An ID
    number never travels in a URL: it is taken only from a request body (members/filters/search.py)."""

    within_path_lookup = "branch__path"

    search = MemberSearchFilter(label=SEARCH_LABEL)

    branch = organization_choice(_("branch"))
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
    joined_after = on_or_after(_("joined on or after"), "joined_on")
    joined_before = on_or_before(_("joined on or before"), "joined_on")

    class Meta:
        model = Member
        fields = ["branch", "within", "category", "status", "gender", "education", "occupation", "is_mobile"]

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["search"].extra["in_body"] = in_body(request)

    @staticmethod
    def body_only(search: str) -> bool:
        """Whether a search must be answered from the request body (branches/scope/posted_search.py)."""
        return any(number_like(term) for term in terms_of(search))

    def filter_has_post_duty(self, queryset, name, value):
        return queryset.exclude(post_duty="") if value else queryset.filter(post_duty="")
