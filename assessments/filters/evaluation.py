"""Filters of the joint evaluation endpoints. Ids are plain numbers: the rows are already limited to what the
user may see, and a rater may hold no role on the organizations they grade."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.models import Organization

from ..models import (
    CycleState,
    EvaluationCycle,
    EvaluationGrade,
    EvaluationLevel,
    EvaluationRater,
    EvaluationScore,
    RaterGroup,
    SecretaryGrade,
    Statement,
)


def _within(lookup):
    def method(queryset, name, value):
        organization = Organization.objects.filter(pk=value).only("path").first()
        if organization is None:
            return queryset.none()
        return queryset.filter(**{f"{lookup}__startswith": organization.path})

    return django_filters.NumberFilter(label=_("within organization"), method=method)


class EvaluationCycleFilter(django_filters.FilterSet):
    county = django_filters.NumberFilter(label=_("county committee"), field_name="county_id")
    state = django_filters.MultipleChoiceFilter(choices=CycleState.choices)

    class Meta:
        model = EvaluationCycle
        fields = ["county", "year", "state"]


class StatementFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(label=_("cycle"), field_name="cycle_id")
    year = django_filters.NumberFilter(label=_("year"), field_name="cycle__year")
    organization = django_filters.NumberFilter(label=_("organization"), field_name="organization_id")
    within = _within("organization__path")
    level = django_filters.MultipleChoiceFilter(choices=EvaluationLevel.choices)
    late = django_filters.BooleanFilter(label=_("late"))

    class Meta:
        model = Statement
        fields = ["cycle", "year", "organization", "within", "level", "late"]


class EvaluationRaterFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(label=_("cycle"), field_name="cycle_id")
    organization = django_filters.NumberFilter(label=_("organization"), field_name="organization_id")
    user = django_filters.NumberFilter(label=_("rater"), field_name="user_id")
    group = django_filters.MultipleChoiceFilter(choices=RaterGroup.choices)

    class Meta:
        model = EvaluationRater
        fields = ["cycle", "organization", "user", "group"]


class SecretaryGradeFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(label=_("cycle"), field_name="rater__cycle_id")
    rater = django_filters.NumberFilter(label=_("rater"), field_name="rater_id")
    organization = django_filters.NumberFilter(label=_("organization"), field_name="organization_id")
    grade = django_filters.MultipleChoiceFilter(choices=EvaluationGrade.choices)

    class Meta:
        model = SecretaryGrade
        fields = ["cycle", "rater", "organization", "grade"]


class EvaluationScoreFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(label=_("cycle"), field_name="cycle_id")
    year = django_filters.NumberFilter(label=_("year"), field_name="cycle__year")
    level = django_filters.MultipleChoiceFilter(choices=EvaluationLevel.choices)
    township = django_filters.NumberFilter(label=_("township"), field_name="township_id")
    organization = django_filters.NumberFilter(label=_("organization"), field_name="organization_id")
    within = _within("organization__path")
    grade = django_filters.MultipleChoiceFilter(choices=EvaluationGrade.choices)

    class Meta:
        model = EvaluationScore
        fields = ["cycle", "year", "level", "township", "organization", "within", "grade"]
