"""Admin for the roster. ID numbers and phones are masked on every screen — list, read-only view, history —
and write-only on the change form (left blank they keep their value); full values come from the API's
``unmask`` action, which is logged. Branch and status only move through the transfer and status-change
actions, so the form shows them read-only on an existing member."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from branches.admin.permissions import ReadOnlyAdminMixin
from branches.scope.admin import ScopedModelAdmin
from branches.tabular.exports import XLSX_CONTENT_TYPE, export_xlsx
from partybuild.http import client_ip

from ..models import Member, MemberEvent
from ..models.roster import MEMBER_EVENT_MOVE_FIELDS, MOBILE_FIELDS, PERSON_FIELDS
from ..resources import MemberResource
from ..selectors.roster import mask_id_number, mask_phone
from ..services import roster as services
from .identity import IdNumberCheckedAdminMixin, IdNumberCheckedForm

SECRET_FIELDS = {"id_number": mask_id_number, "phone": mask_phone}
MASKED_DISPLAY = {"id_number": "masked_id_number", "phone": "masked_phone"}


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = {}
        if self.instance.pk is None:
            return
        for name, mask in SECRET_FIELDS.items():
            if name not in self.fields:
                continue
            self.kept[name] = getattr(self.instance, name)
            self.initial[name] = ""
            self.fields[name].required = False
            self.fields[name].widget.attrs["placeholder"] = mask(self.kept[name])
            self.fields[name].help_text = _("Hidden. Leave blank to keep the current value.")

    def clean_id_number(self):
        return self.cleaned_data.get("id_number") or self.kept.get("id_number", "")

    def clean_phone(self):
        return self.cleaned_data.get("phone") or self.kept.get("phone", "")


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        mask = SECRET_FIELDS.get(change.field)
        return mask(value or "") if mask else value


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
class MemberAdmin(IdNumberCheckedAdminMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    form = MemberAdminForm
    list_display = [
        "name",
        "gender",
        "masked_id_number",
        "masked_phone",
        "branch",
        "category",
        "status",
        "is_mobile",
    ]
    list_filter = ["category", "status", "gender", "education", "occupation", "is_mobile"]
    search_fields = ["name"]
    ordering = ["branch__path", "name"]
    list_select_related = ["branch"]
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

    @admin.display(description=_("ID number"))
    def masked_id_number(self, member):
        return mask_id_number(member.id_number)

    @admin.display(description=_("phone"))
    def masked_phone(self, member):
        return mask_phone(member.phone)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # A read-only view renders raw values: show the masked ones instead.
        return [
            (title, {**options, "fields": [MASKED_DISPLAY.get(name, name) for name in options["fields"]]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        # The extension moves only through its step (API ``extend-probation``), which leaves an event.
        readonly = ["masked_id_number", "masked_phone", "probation_extension_months"]
        return readonly + (["branch", "status"] if obj is not None else ["status"])

    def save_via_service(self, request, obj, form, change):
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
            return services.member_update(actor=request.user, member=obj, **data)
        fields = {name: value for name, value in form.cleaned_data.items() if name != "branch"}
        return services.member_create(actor=request.user, branch=form.cleaned_data["branch"], **fields)

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version shows unmasked values and reverting would bypass the services.
        self._visible_or_404(request, object_id)
        raise PermissionDenied

    @admin.action(description=_("Export the selected members to xlsx"))
    def export_xlsx(self, request, queryset):

        output, _rows = export_xlsx(
            actor=request.user,
            resource=MemberResource(actor=request.user),
            queryset=queryset,
            title=Member._meta.verbose_name_plural,
            filters={"source": ["admin"]},
            ip_address=client_ip(request),
        )
        return FileResponse(
            output, as_attachment=True, filename="members.xlsx", content_type=XLSX_CONTENT_TYPE
        )
