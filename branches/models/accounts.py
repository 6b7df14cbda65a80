"""Account security state beside Django's user, and each county's security policy."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..scope.querysets import ScopedQuerySet
from .bases import raise_errors
from .policies import CountyPolicy
from .tree import Organization
from .tree import OrganizationKind


class AccountSecurity(models.Model):
    """One row per user who has security state: the first-login password change and its last change.

    Users without a row have nothing pending: only accounts created by someone else (the admin's add-user
    form, ``account_create``) get ``must_change_password``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="account_security",
    )
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account security")
        verbose_name_plural = _("account security")

    def __str__(self):
        return str(self.user)


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords, the current one included: a new password may not repeat
    any of them (branches.passwords.PasswordHistoryValidator)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class CountySecurityPolicyQuerySet(ScopedQuerySet):
    pass


class CountySecurityPolicy(CountyPolicy):
    """What a county requires of its users beyond the system-wide rules."""

    county = models.OneToOneField(
        Organization,
        verbose_name=_("county party committee"),
        on_delete=models.CASCADE,
        related_name="security_policy",
        limit_choices_to={"kind": OrganizationKind.COUNTY_COMMITTEE},
    )
    require_totp_for_admins = models.BooleanField(
        _("county administrators must use a second factor (TOTP)"), default=False
    )

    objects = CountySecurityPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("county security policy")
        verbose_name_plural = _("county security policies")
        ordering = ["county__path"]

    def __str__(self):
        return str(self.county)

    def clean(self):
        raise_errors(self.county_errors(_("A security policy belongs to a county party committee.")))
