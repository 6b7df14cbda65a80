"""Admin for an organization's own records. Forms show the services' rules beside the fields; every save and
delete goes through a service, so each leaves a history row naming who did it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import COMMITTEE_KINDS
from ..models import ActivityRoom
from ..models import FinancialDisclosure
from ..models import Organization
from ..models import ReviewRecord
from ..models import RoomInvestment
from ..models import StandardizedRoomTarget
from ..models.records import DISCLOSURE_DETAIL_FIELDS
from ..models.records import FACILITY_FIELDS
from ..models.records import REVIEW_DETAIL_FIELDS
from ..models.records import ROOM_FIELDS
from ..resources import ActivityRoomResource
from ..resources import FinancialDisclosureResource
from ..resources import ReviewRecordResource
from ..scope.admin import ScopedModelAdmin
from ..selectors.records import with_room_totals
from ..selectors.records import with_target_progress
from ..services import records as services
from .choices import ScopedChoicesMixin
from .exports import selection_xlsx
from .forms import RuleCheckedForm
from .writes import ServiceWritesMixin


def _form(model, fields, check):
    meta = type("Meta", (), {"model": model, "fields": fields})
    attrs = {"Meta": meta, "check": staticmethod(check), "rules_say_what_exists": True}
    return type(f"{model.__name__}Form", (RuleCheckedForm,), attrs)


ActivityRoomForm = _form(
    ActivityRoom,
    ROOM_FIELDS,
    services.room_check,
)
RoomInvestmentForm = _form(
    RoomInvestment, ["room", "amount_yuan", "source", "invested_on", "purpose"], services.investment_check
)
RoomTargetForm = _form(StandardizedRoomTarget, ["organization", "year", "target"], services.room_target_check)
ReviewRecordForm = _form(ReviewRecord, ["organization", *REVIEW_DETAIL_FIELDS], services.review_check)
FinancialDisclosureForm = _form(
    FinancialDisclosure, ["organization", *DISCLOSURE_DETAIL_FIELDS], services.disclosure_check
)


class RecordAdmin(ServiceWritesMixin, ScopedChoicesMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    """Writes and deletes through the services named by the subclass; an xlsx export of the selection
    where a resource is named."""

    resource_class = None
    actions = ["export_xlsx"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.resource_class is None:
            actions.pop("export_xlsx", None)
        return actions

    @admin.action(description=_("Export the selected rows to xlsx"))
    def export_xlsx(self, request, queryset):
        return selection_xlsx(request, queryset, self.resource_class, f"{self.model._meta.model_name}.xlsx")


@admin.register(ActivityRoom)
class ActivityRoomAdmin(RecordAdmin):
    form = ActivityRoomForm
    list_display = [
        "name",
        "organization",
        "area_m2",
        "is_standardized",
        "standardized_on",
        "facilities",
        "invested",
    ]
    list_filter = ["is_standardized", *FACILITY_FIELDS]
    search_fields = ["name", "address", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["version"]
    ordering = ["organization__path", "name"]
    resource_class = ActivityRoomResource
    create_service = staticmethod(services.activity_room_create)
    update_service = staticmethod(services.activity_room_update)
    delete_service = staticmethod(services.activity_room_delete)

    def get_queryset(self, request):
        return with_room_totals(super().get_queryset(request))

    @admin.display(description=_("facilities"), ordering="facilities_total")
    def facilities(self, room):
        return room.facilities_total

    @admin.display(description=_("invested (yuan)"), ordering="investments_total")
    def invested(self, room):
        return room.investments_total


@admin.register(RoomInvestment)
class RoomInvestmentAdmin(RecordAdmin):
    form = RoomInvestmentForm
    list_display = ["room", "organization", "amount_yuan", "source", "invested_on", "purpose"]
    list_filter = ["source"]
    search_fields = ["purpose", "room__name", "room__organization__name"]
    list_select_related = ["room__organization"]
    ordering = ["room__organization__path", "room__name", "invested_on"]
    scoped_choices = {ActivityRoom: ("change", "organization")}
    create_service = staticmethod(services.room_investment_add)
    update_service = staticmethod(services.room_investment_update)
    delete_service = staticmethod(services.room_investment_delete)

    @admin.display(description=_("organization"), ordering="room__organization__path")
    def organization(self, investment):
        return investment.room.organization


@admin.register(StandardizedRoomTarget)
class RoomTargetAdmin(RecordAdmin):
    form = RoomTargetForm
    list_display = ["organization", "year", "target", "standardized", "met"]
    list_filter = ["year"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    ordering = ["organization__path", "-year"]
    create_service = staticmethod(services.room_target_set)
    update_service = staticmethod(services.room_target_update)
    delete_service = staticmethod(services.room_target_delete)

    def get_queryset(self, request):
        return with_target_progress(super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.related_model is Organization:
            formfield.queryset = formfield.queryset.filter(kind__in=COMMITTEE_KINDS)
        return formfield

    @admin.display(description=_("standardized rooms"), ordering="standardized_count")
    def standardized(self, target):
        return target.standardized_count

    @admin.display(description=_("target met"), boolean=True)
    def met(self, target):
        return target.met


@admin.register(ReviewRecord)
class ReviewRecordAdmin(RecordAdmin):
    form = ReviewRecordForm
    list_display = ["organization", "kind", "held_on", "topic", "participants", "satisfied"]
    list_filter = ["kind"]
    date_hierarchy = "held_on"
    search_fields = ["topic", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["version"]
    ordering = ["organization__path", "-held_on"]
    resource_class = ReviewRecordResource
    create_service = staticmethod(services.review_record_create)
    update_service = staticmethod(services.review_record_update)
    delete_service = staticmethod(services.review_record_delete)


@admin.register(FinancialDisclosure)
class FinancialDisclosureAdmin(RecordAdmin):
    form = FinancialDisclosureForm
    list_display = ["organization", "year", "period", "disclosed_on", "income_yuan", "expenditure_yuan"]
    list_filter = ["year", "period"]
    search_fields = ["content", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["version"]
    ordering = ["organization__path", "-year", "-period"]
    resource_class = FinancialDisclosureResource
    create_service = staticmethod(services.disclosure_create)
    update_service = staticmethod(services.disclosure_update)
    delete_service = staticmethod(services.disclosure_delete)
