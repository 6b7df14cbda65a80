from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.models import VersionedModel

from ..scope.querysets import ScopedQuerySet
from ..scope.roles import Capability
from ..scope.roles import Role
from .bases import raise_errors
from .paths import Under


class OrganizationKind(models.TextChoices):
    COUNTY_COMMITTEE = "county_committee", _("County party committee")
    TOWNSHIP_COMMITTEE = "township_committee", _("Township party committee")
    STREET_COMMITTEE = "street_committee", _("Street party working committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    JOINT_BRANCH = "joint_branch", _("Joint party branch")


class OrganizationField(models.TextChoices):
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    INSTITUTION = "institution", _("Government institution")
    SCHOOL = "school", _("School")
    PUBLIC_ENTERPRISE = "public_enterprise", _("State-owned enterprise")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Private enterprise")
    SOCIAL_ORG = "social_org", _("Social organization")
    COOPERATIVE = "cooperative", _("Cooperative")


COMMITTEE_KINDS = frozenset({OrganizationKind.TOWNSHIP_COMMITTEE, OrganizationKind.STREET_COMMITTEE})
BRANCH_KINDS = frozenset(
    {OrganizationKind.BRANCH, OrganizationKind.JOINT_BRANCH, OrganizationKind.GENERAL_BRANCH}
)
# The fields of rural branches, which the rural-only rules apply to (docs/scope-and-roles.md).
RURAL_FIELDS = frozenset({OrganizationField.VILLAGE, OrganizationField.COMMUNITY})
# Committees and counties: above the branches, they run quotas, roll results up and get reports.
COMMITTEE_OR_COUNTY_KINDS = COMMITTEE_KINDS | {OrganizationKind.COUNTY_COMMITTEE}

# Which kinds may sit directly under which: a county holds townships, streets and its own institution
# branches; a township holds general branches and branches; a general branch holds branches.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str]] = {
    OrganizationKind.COUNTY_COMMITTEE: frozenset(),
    OrganizationKind.TOWNSHIP_COMMITTEE: frozenset({OrganizationKind.COUNTY_COMMITTEE}),
    OrganizationKind.STREET_COMMITTEE: frozenset({OrganizationKind.COUNTY_COMMITTEE}),
    OrganizationKind.GENERAL_BRANCH: frozenset({OrganizationKind.COUNTY_COMMITTEE} | COMMITTEE_KINDS),
    OrganizationKind.BRANCH: frozenset(
        {OrganizationKind.COUNTY_COMMITTEE, OrganizationKind.GENERAL_BRANCH} | COMMITTEE_KINDS
    ),
    OrganizationKind.JOINT_BRANCH: frozenset(
        {OrganizationKind.COUNTY_COMMITTEE, OrganizationKind.GENERAL_BRANCH} | COMMITTEE_KINDS
    ),
}

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
    _("Use letters, digits, '-' and '_' only, starting with a letter or digit."),
)
non_negative = MinValueValidator(0)


class OrganizationQuerySet(ScopedQuerySet):
    def within(self, organization):
        return self.filter(path__startswith=organization.path)

    def active(self):
        return self.filter(dissolved_on__isnull=True)

    def rural(self):
        """Village and community branches (``Organization.is_rural``)."""
        return self.filter(kind__in=BRANCH_KINDS, field__in=RURAL_FIELDS)


# A village's statistics, kept on its organization.
VILLAGE_STATISTICS_FIELDS = (
    "households",
    "population",
    "area_km2",
    "cultivated_mu",
    "natural_villages",
    "collective_income",
)


class Organization(VersionedModel):
    """A party organization. ``path`` is a materialized path of primary keys ("/1/7/42/") so a whole
    subtree is one indexed prefix match on SQLite and PostgreSQL alike (being unique, it gets a
    varchar_pattern_ops index on PostgreSQL, which LIKE 'prefix%' uses whatever the collation)."""

    scope_path_lookup = "path"
    scope_write_capability = Capability.STRUCTURE

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    field = models.CharField(_("field"), max_length=20, choices=OrganizationField.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=255, unique=True, editable=False)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True, validators=[non_negative]
    )
    cultivated_mu = models.DecimalField(
        _("cultivated land (mu)"),
        max_digits=11,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[non_negative],
    )
    natural_villages = models.PositiveIntegerField(_("natural villages"), null=True, blank=True)
    collective_income = models.DecimalField(
        _("collective income (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["path", "created_at", "updated_at"])

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["kind", "field"], name="org_kind_field"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dissolved_on__isnull=True)
                | models.Q(founded_on__isnull=True)
                | models.Q(dissolved_on__gte=models.F("founded_on")),
                name="org_dissolved_after_founded",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        """0 for a county committee, 1 for a township, and so on."""
        return self.path.count("/") - 2

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    @property
    def is_rural(self) -> bool:
        """A village or community branch: the rural-only rules apply (docs/scope-and-roles.md)."""
        return self.is_branch and self.field in RURAL_FIELDS

    def is_within(self, other: "Organization") -> bool:
        return self.path.startswith(other.path)

    def clean(self):
        errors = {}
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, frozenset())
        if self.parent is None and self.kind != OrganizationKind.COUNTY_COMMITTEE:
            errors["parent"] = _("Only a county party committee can stand at the top of the tree.")
        elif self.parent is not None and self.parent.kind not in allowed:
            errors["parent"] = _("A %(kind)s cannot be placed under a %(parent_kind)s.") % {
                "kind": self.get_kind_display(),
                "parent_kind": self.parent.get_kind_display(),
            }
        elif self.parent is not None and self.pk and self.parent.path.startswith(self.path):
            errors["parent"] = _("An organization cannot be moved under itself or one of its own units.")
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            errors["dissolved_on"] = _("The dissolution date cannot be before the founding date.")
        if self.pk and (misplaced := self._units_that_would_not_fit()):
            errors["kind"] = _("A %(kind)s cannot hold the units already under it: %(units)s.") % {
                "kind": self.get_kind_display(),
                "units": "、".join(str(OrganizationKind(kind).label) for kind in misplaced),
            }
        raise_errors(errors)

    def _units_that_would_not_fit(self) -> list[str]:
        """The kinds of this organization's children that may not stand under its (new) kind: changing a
        township into a branch would leave its branches under a branch, which no later edit could save."""
        children = Organization.objects.filter(parent_id=self.pk).values_list("kind", flat=True).distinct()
        return sorted(kind for kind in children if self.kind not in ALLOWED_PARENT_KINDS.get(kind, ()))


class StaffRoleQuerySet(ScopedQuerySet):
    pass


class StaffRole(models.Model):
    """A user's role on an organization: grants that role over the organization's whole subtree."""

    scope_path_lookup = "organization__path"
    scope_write_capability = Capability.STAFF
    not_personal_fields = {"ip_address": "the audit fact itself, read by county administrators only"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = StaffRoleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["organization__path", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="staffrole_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    def clean(self):
        if self.role == Role.BRANCH_SECRETARY and self.organization_id and not self.organization.is_branch:
            raise ValidationError({"role": _("A branch secretary role can only be held on a party branch.")})


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    LOCKOUT = "lockout", _("Account locked")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    UNMASK = "unmask", _("Personal data unmasked")
    EXPORT = "export", _("Data exported")
    POLICY_CHANGED = "policy_changed", _("Policy changed")
    ID_NUMBER_REFUSED = "id_number_refused", _("ID number of an out-of-scope record refused")


class AppendOnlyQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("Security events are append-only.")

    def delete(self):
        raise PermissionError("Security events are append-only.")

    def purge_older_than(self, cutoff):
        """The only way rows ever leave: the retention purge, which never touches younger rows."""
        return models.QuerySet.delete(self.filter(occurred_at__lt=cutoff))


class SecurityEvent(models.Model):
    """Append-only record of logins, lockouts, unmasking, exports and permission changes."""

    scope_path_lookup = "organization__path"
    scope_write_capability = Capability.STAFF
    not_personal_fields = {"ip_address": "the audit fact itself, read by county administrators only"}

    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.SET_NULL, null=True, blank=True
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-occurred_at"]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Security events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Security events are append-only.")


Organization._meta.get_field("path").register_lookup(Under)
