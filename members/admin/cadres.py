from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.admin.forms import RuleCheckedForm
from branches.admin.writes import changed_fields
from branches.scope.admin import ScopedModelAdmin

from ..models import Cadre, Member, ReserveCadre
from ..models.cadres import CADRE_FIELDS, RESERVE_FIELDS, RESERVE_LIFECYCLE_FIELDS
from ..selectors.cadres import serving, young_born_after
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


class ScopedMemberChoiceMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Member:
            kwargs["queryset"] = Member.objects.restrict(request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServingTodayFilter(admin.SimpleListFilter):
    title = _("serving today")
    parameter_name = "serving"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        condition = serving(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(condition)
        if self.value() == "no":
            return queryset.exclude(condition)
        return queryset


class YoungFilter(admin.SimpleListFilter):
    title = _("aged 35 or less today")
    parameter_name = "young"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        born_after = young_born_after(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(birth_date__gt=born_after)
        if self.value() == "no":
            return queryset.exclude(birth_date__gt=born_after)
        return queryset


@admin.register(Cadre)
class CadreAdmin(ScopedMemberChoiceMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    """Post holdings; a term ends by setting its last day (history keeps every change)."""

    form = CadreForm
    list_display = ["name", "post", "organization", "started_on", "ended_on", "sending_unit"]
    list_filter = ["post", ServingTodayFilter, "organization__kind"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["version"]
    ordering = ["organization__path", "post", "started_on"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_via_service(self, request, obj, form, change):
        if change:
            return services.cadre_update(actor=request.user, cadre=obj, **changed_fields(form))
        data = dict(form.cleaned_data)
        return services.cadre_appoint(
            actor=request.user,
            organization=data.pop("organization"),
            post=data.pop("post"),
            member=data.pop("member", None),
            **data,
        )


@admin.register(ReserveCadre)
class ReserveCadreAdmin(ScopedMemberChoiceMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    """The village reserve rosters; promotion and removal are steps of their own (API and pages)."""

    form = ReserveCadreForm
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
    list_select_related = ["organization"]
    readonly_fields = [*RESERVE_LIFECYCLE_FIELDS, "version"]
    ordering = ["organization__path", "entered_on"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_via_service(self, request, obj, form, change):
        if change:
            return services.reserve_update(actor=request.user, reserve=obj, **changed_fields(form))
        data = dict(form.cleaned_data)
        return services.reserve_enter(actor=request.user, organization=data.pop("organization"), **data)
