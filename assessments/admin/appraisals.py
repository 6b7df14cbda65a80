"""Admin for member appraisals: the form shows the services' rules (the excellent cap included) beside the
fields, and every save or delete goes through a service, leaving a history row that names who did it."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.choices import ScopedChoicesMixin
from branches.admin.forms import RuleCheckedForm
from branches.admin.permissions import FixedOnceAddedMixin
from branches.admin.writes import ServiceWritesMixin
from branches.scope.admin import ScopedModelAdmin
from members.models import Member

from ..models import MemberAppraisal
from ..services import appraisals as services


class MemberAppraisalForm(RuleCheckedForm):
    rules_say_what_exists = True

    class Meta:
        model = MemberAppraisal
        fields = ["member", "year", "participated", "grade", "appraised_on", "note"]

    def check(self, appraisal):
        adding = appraisal.pk is None
        if adding:
            appraisal.branch = services.appraisal_branch(appraisal.member, appraisal.appraised_on)
            if MemberAppraisal.objects.filter(member=appraisal.member, year=appraisal.year).exists():
                message = services.MESSAGES["already_appraised"]
                raise ValidationError(
                    {"member": message % {"member": appraisal.member, "year": appraisal.year}}
                )
        services.appraisal_check(appraisal, recording=adding)
        services.predict_excellent_cap(appraisal)


@admin.register(MemberAppraisal)
class MemberAppraisalAdmin(
    FixedOnceAddedMixin, ServiceWritesMixin, ScopedChoicesMixin, ScopedModelAdmin, SimpleHistoryAdmin
):
    form = MemberAppraisalForm
    create_service = staticmethod(services.appraisal_record)
    update_service = staticmethod(services.appraisal_update)
    delete_service = staticmethod(services.appraisal_delete)
    list_display = ["member", "branch", "year", "participated", "grade", "stars", "appraised_on"]
    list_filter = ["year", "grade", "participated", "stars"]
    search_fields = ["member__name", "branch__name"]
    list_select_related = ["member", "branch"]
    fixed_fields = ("member", "year")
    readonly_fields = ["branch", "stars", "version"]
    ordering = ["branch__path", "-year", "member__name"]
    scoped_choices = {Member: ("records", "branch")}

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.select_related("member", "branch"))
