import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import at_least
from branches.filters import organization_choice

from ..models import Classification
from ..models import RatingPolicy
from ..models import RatingStage
from ..models import StarRating


class StarRatingFilter(ScopedFilterSet):
    organization = organization_choice(_("organization"))
    stage = django_filters.MultipleChoiceFilter(choices=RatingStage.choices)
    stars = django_filters.MultipleChoiceFilter(
        choices=[(n, str(n)) for n in (0, 3, 4, 5)], help_text=_("0 means unrated")
    )
    stars_min = at_least(_("at least this many stars"), "stars", 5)
    classification = django_filters.MultipleChoiceFilter(choices=Classification.choices)

    class Meta:
        model = StarRating
        fields = ["organization", "within", "year", "stage", "stars", "stars_min", "classification"]


class RatingPolicyFilter(django_filters.FilterSet):
    county = organization_choice(_("county committee"))

    class Meta:
        model = RatingPolicy
        fields = ["county", "year"]
