from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.choices import ScopedChoicesMixin
from branches.admin.filters import YesNoFilter
from branches.admin.forms import RuleCheckedForm
from branches.admin.permissions import NoDeleteMixin
from branches.admin.writes import ServiceSavesMixin
from branches.scope.admin import ScopedModelAdmin

from ..models import Cadre
from ..models import Member
from ..models import ReserveCadre
from ..models.cadres import CADRE_FIELDS
from ..models.cadres import RESERVE_FIELDS
from ..models.cadres import RESERVE_LIFECYCLE_FIELDS
from ..selectors.cadres import serving
from ..selectors.cadres import young_born_after
from ..services import cadres as services


class MemberIdentityForm(RuleCheckedForm):
    """Shows the service's rules beside the fields instead of failing on save. A member, when chosen,
    supplies the identity fields, so they are optional here."""

    identity_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.identity_fields:
            if field in self.fields:
                self.fields[field].required = False

    def identity(self, member) -> dict:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        member = data.get("member")
        if member is not None:
            data.update({k: v for k, v in self.identity(member).items() if k in self.fields})
        return data


class CadreForm(MemberIdentityForm):
    identity_fields = ("name",)

    class Meta:
        model = Cadre
        fields = CADRE_FIELDS

    def identity(self, member):
        return services.member_identity(member)

    def check(self, instance):
        services.cadre_check(instance)


class ReserveCadreForm(MemberIdentityForm):
    identity_fields = ("name", "gender", "birth_date", "education", "political_status")

    class Meta:
        model = ReserveCadre
        fields = RESERVE_FIELDS

    def identity(self, member):
        return services.reserve_identity(member)

    def check(self, instance):
        services.reserve_check(instance, entering=instance.pk is None)


class PersonAdmin(NoDeleteMixin, ServiceSavesMixin, ScopedChoicesMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    """A post holder or a reserve cadre: a party member chosen among those the user can see; saved through
    the services the subclass names, never deleted (a record ends by a date or a step of its own)."""

    scoped_choices = {Member: ("view",)}
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


class ServingTodayFilter(YesNoFilter):
    title = _("serving today")
    parameter_name = "serving"

    def condition(self):
        return serving(timezone.localdate())


class YoungFilter(YesNoFilter):
    title = _("aged 35 or less today")
    parameter_name = "young"

    def condition(self):
        return Q(birth_date__gt=young_born_after(timezone.localdate()))


@admin.register(Cadre)
class CadreAdmin(PersonAdmin):
    """Post holdings; a term ends by setting its last day (history keeps every change)."""

    form = CadreForm
    create_service = staticmethod(services.cadre_appoint)
    update_service = staticmethod(services.cadre_update)
    list_display = ["name", "post", "organization", "started_on", "ended_on", "sending_unit"]
    list_filter = ["post", ServingTodayFilter, "organization__kind"]
    readonly_fields = ["version"]
    ordering = ["organization__path", "post", "started_on"]


@admin.register(ReserveCadre)
class ReserveCadreAdmin(PersonAdmin):
    """The village reserve rosters; promotion and removal are steps of their own (API and pages)."""

    form = ReserveCadreForm
    create_service = staticmethod(services.reserve_enter)
    update_service = staticmethod(services.reserve_update)
    list_display = [
        "name",
        "organization",
        "birth_date",
        "source",
        "entered_on",
        "trainings_attended",
        "status",
    ]
    list_filter = ["status", "source", YoungFilter, "political_status"]
    search_fields = ["name", "organization__name", "mentor"]
    readonly_fields = [*RESERVE_LIFECYCLE_FIELDS, "version"]
    ordering = ["organization__path", "entered_on"]
