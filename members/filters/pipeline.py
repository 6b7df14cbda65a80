import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from branches.filters import on_or_after
from branches.filters import organization_choice

from ..models import Applicant
from ..models import ApplicantStage
from ..models import ApplicantStatus


class ApplicantFilter(ScopedFilterSet):
    within_path_lookup = "branch__path"

    branch = organization_choice(_("branch"))
    stage = django_filters.MultipleChoiceFilter(choices=ApplicantStage.choices)
    status = django_filters.MultipleChoiceFilter(choices=ApplicantStatus.choices)
    applied_after = on_or_after(_("applied on or after"), "applied_on")

    class Meta:
        model = Applicant
        fields = ["branch", "within", "stage", "status", "applied_after"]
