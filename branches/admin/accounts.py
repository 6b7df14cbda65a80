"""Admin for accounts: users created (or given a password) by an administrator must change it at first
login; lockout resets are recorded; each county's security policy is edited by its county admins."""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponseRedirect
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from partybuild.http import client_ip

from .. import services
from ..models import CountySecurityPolicy
from ..models import Organization
from ..models import OrganizationKind
from ..scope.admin import ScopedModelAdmin
from .permissions import FixedOnceAddedMixin
from .permissions import NoDeleteMixin

User = get_user_model()


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AccountUserAdmin(UserAdmin):
    """Django's user admin; an account it creates, or whose password it sets, is flagged for a change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            services.account_require_password_change(
                actor=request.user, user=obj, ip_address=client_ip(request), created=True
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and isinstance(response, HttpResponseRedirect):
            user = self.get_object(request, admin.utils.unquote(id))
            if user is not None and user.pk != request.user.pk and user.has_usable_password():
                services.account_require_password_change(
                    actor=request.user, user=user, ip_address=client_ip(request)
                )
        return response


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """django-axes' failed-login records: deleting one unlocks that username and address, recorded as a
    security event with who unlocked it."""

    def delete_model(self, request, obj):
        services.lockout_reset(actor=request.user, attempts=[obj], ip_address=client_ip(request))

    def delete_queryset(self, request, queryset):
        services.lockout_reset(actor=request.user, attempts=queryset, ip_address=client_ip(request))


if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens are issued only by the token login (with its lockout) and always expire: the admin lists
    and revokes them, and cannot make one (knox's own admin could, with no expiry)."""

    list_display = ["user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CountySecurityPolicy)
class CountySecurityPolicyAdmin(FixedOnceAddedMixin, NoDeleteMixin, ScopedModelAdmin, SimpleHistoryAdmin):
    list_display = ["county", "require_totp_for_admins", "updated_at"]
    list_select_related = ["county"]
    fixed_fields = ("county",)
    readonly_fields = ["version"]
    fields = ["county", "require_totp_for_admins", "version"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "county":
            field.queryset = Organization.objects.restrict(request.user, "policy").filter(
                kind=OrganizationKind.COUNTY_COMMITTEE
            )
        return field

    def save_via_service(self, request, obj, form, change):
        county = obj.county if change else form.cleaned_data["county"]
        return services.county_security_policy_set(
            actor=request.user,
            county=county,
            require_totp_for_admins=form.cleaned_data["require_totp_for_admins"],
            expected_version=obj.version if change else None,
            ip_address=client_ip(request),
        )
