"""Admin for the roster. ID numbers, phones and addresses are masked on every screen — list, read-only view,
history — and write-only on the change form (left blank they keep their value), as in every scoped admin
(branches/scope/admin.py); full values come from the API's ``unmask`` action, which is logged. Branch and
status only move through the transfer and status-change actions, so the form shows them read-only on an
existing member; a past version is never opened or reverted to."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.exports import selection_xlsx
from branches.admin.forms import ActorFormAdminMixin
from branches.admin.permissions import FixedOnceAddedMixin
from branches.admin.permissions import NoRevertMixin
from branches.admin.permissions import ReadOnlyAdminMixin
from branches.admin.writes import ServiceSavesMixin
from branches.scope.admin import ScopedModelAdmin

from ..models import Member
from ..models import MemberEvent
from ..models.roster import MEMBER_EVENT_MOVE_FIELDS
from ..models.roster import MOBILE_FIELDS
from ..models.roster import PERSON_FIELDS
from ..resources import MemberResource
from ..services import roster as services
from .identity import IdNumberCheckedForm


class MemberAdminForm(IdNumberCheckedForm):
    id_number_models = (Member,)

    class Meta:
        model = Member
        fields = [
            *PERSON_FIELDS,
            "branch",
            "category",
            "joined_on",
            "confirmed_on",
            *MOBILE_FIELDS,
            "post_duty",
        ]


class MemberEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MemberEvent
    fields = ["occurred_on", "kind", *MEMBER_EVENT_MOVE_FIELDS, "reason", "recorded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["occurred_on", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_branch", "to_branch", "recorded_by")

    def has_view_permission(self, request, obj=None):
        return obj is not None


@admin.register(Member)
class MemberAdmin(
    FixedOnceAddedMixin,
    NoRevertMixin,
    ServiceSavesMixin,
    ActorFormAdminMixin,
    ScopedModelAdmin,
    SimpleHistoryAdmin,
):
    form = MemberAdminForm
    create_service = staticmethod(services.member_create)
    update_service = staticmethod(services.member_update)
    list_display = ["name", "gender", "id_number", "phone", "branch", "category", "status", "is_mobile"]
    list_filter = ["category", "status", "gender", "education", "occupation", "is_mobile"]
    search_fields = ["name"]
    ordering = ["branch__path", "name"]
    list_select_related = ["branch"]
    # The branch and the status move only through the transfer and status-change actions, the extension
    # through its step (API ``extend-probation``); each leaves an event.
    fixed_fields = ("branch",)
    readonly_fields = ["probation_extension_months", "status"]
    inlines = [MemberEventInline]
    actions = ["export_xlsx"]
    fieldsets = [
        (
            None,
            {"fields": list(PERSON_FIELDS)},
        ),
        (
            _("Membership"),
            {
                "fields": [
                    "branch",
                    "category",
                    "joined_on",
                    "confirmed_on",
                    "probation_extension_months",
                    "status",
                ]
            },
        ),
        (
            _("Mobile member and set-post duty"),
            {"fields": [*MOBILE_FIELDS, "post_duty"]},
        ),
    ]

    @admin.action(description=_("Export the selected members to xlsx"))
    def export_xlsx(self, request, queryset):
        return selection_xlsx(request, queryset, MemberResource, "members.xlsx")
