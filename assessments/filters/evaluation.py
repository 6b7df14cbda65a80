"""Filters of the joint evaluation endpoints. Ids are plain numbers: the rows are already limited to what the
user may see, and a rater may hold no role on the organizations they grade."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from partybuild.years import YearFilter

from ..models import CycleState
from ..models import EvaluationCycle
from ..models import EvaluationGrade
from ..models import EvaluationLevel
from ..models import EvaluationRater
from ..models import EvaluationScore
from ..models import RaterGroup
from ..models import SecretaryGrade
from ..models import Statement

# Out-of-range numbers answer 400 with a message instead of reaching the database.
ID_BOUNDS = {"min_value": 1, "max_value": 2**31 - 1, "decimal_places": 0}


def _id_filter(label, field_name):
    return django_filters.NumberFilter(label=label, field_name=field_name, **ID_BOUNDS)


def _within(lookup):
    def method(queryset, name, value):
        organization = Organization.objects.filter(pk=value).only("path").first()
        if organization is None:
            return queryset.none()
        return queryset.filter(**{f"{lookup}__startswith": organization.path})

    return django_filters.NumberFilter(label=_("within organization"), method=method, **ID_BOUNDS)


class EvaluationCycleFilter(django_filters.FilterSet):
    county = _id_filter(_("county committee"), "county_id")
    state = django_filters.MultipleChoiceFilter(choices=CycleState.choices)

    class Meta:
        model = EvaluationCycle
        fields = ["county", "year", "state"]


class StatementFilter(django_filters.FilterSet):
    cycle = _id_filter(_("cycle"), "cycle_id")
    year = YearFilter(label=_("year"), field_name="cycle__year")
    organization = _id_filter(_("organization"), "organization_id")
    within = _within("organization__path")
    level = django_filters.MultipleChoiceFilter(choices=EvaluationLevel.choices)
    late = django_filters.BooleanFilter(label=_("late"))

    class Meta:
        model = Statement
        fields = ["cycle", "year", "organization", "within", "level", "late"]


class EvaluationRaterFilter(django_filters.FilterSet):
    cycle = _id_filter(_("cycle"), "cycle_id")
    organization = _id_filter(_("organization"), "organization_id")
    user = _id_filter(_("rater"), "user_id")
    group = django_filters.MultipleChoiceFilter(choices=RaterGroup.choices)

    class Meta:
        model = EvaluationRater
        fields = ["cycle", "organization", "user", "group"]


class SecretaryGradeFilter(django_filters.FilterSet):
    cycle = _id_filter(_("cycle"), "rater__cycle_id")
    rater = _id_filter(_("rater"), "rater_id")
    organization = _id_filter(_("organization"), "organization_id")
    grade = django_filters.MultipleChoiceFilter(choices=EvaluationGrade.choices)

    class Meta:
        model = SecretaryGrade
        fields = ["cycle", "rater", "organization", "grade"]


class EvaluationScoreFilter(django_filters.FilterSet):
    cycle = _id_filter(_("cycle"), "cycle_id")
    year = YearFilter(label=_("year"), field_name="cycle__year")
    level = django_filters.MultipleChoiceFilter(choices=EvaluationLevel.choices)
    township = _id_filter(_("township"), "township_id")
    organization = _id_filter(_("organization"), "organization_id")
    within = _within("organization__path")
    grade = django_filters.MultipleChoiceFilter(choices=EvaluationGrade.choices)

    class Meta:
        model = EvaluationScore
        fields = ["cycle", "year", "level", "township", "organization", "within", "grade"]
