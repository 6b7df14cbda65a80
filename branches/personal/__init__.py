"""Personal data: which fields of which models hold it, how each kind is masked, and who may see it in full.

A model lists its personal fields as ``personal_fields = {"<field>": "<kind>"}`` (kinds: ``id_number``,
``phone``, ``address``); a field whose name looks personal but is not (``is_mobile`` is a migrant member,
``ip_address`` an audit fact) is listed in ``not_personal_fields`` with the reason. ``tests/branches/
test_personal_registry.py`` fails on a model with a field that looks personal and is in neither.

Everything that shows a record reads the registry: the API serializers (``MaskedSerializerMixin``, added
by the viewset base), the exports (``ImportableResource.export_field``), the admin (``MaskedAdminMixin`` in
branches/scope/admin.py) and the change history. Full values only through an ``unmask`` action (one record,
a security event) or in the exports of users holding ``unmask`` there (docs/security.md, "Personal data").
"""

from django.apps import apps

from ..scope.querysets import scope_paths
from ..scope.roles import Capability

KINDS = ("id_number", "phone", "address")
LOOKS_PERSONAL = ("id_number", "phone", "mobile", "address")


def mask_id_number(value) -> str:
    """Keep the region and the last four characters: 110101********123X."""
    value = "" if value is None else str(value)
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 8}{value[14:]}"


def mask_phone(value) -> str:
    """Mobile numbers keep their first three and last four digits (138****5678); shorter ones only the
    last four; very short ones nothing."""
    value = "" if value is None else str(value)
    if len(value) >= 11:
        return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"
    if len(value) >= 7:
        return f"{'*' * (len(value) - 4)}{value[-4:]}"
    return "*" * len(value)


def mask_address(value) -> str:
    """The first six characters (province, county or township) and a fixed ****: 甲县东镇东一村****."""
    value = "" if value is None else str(value)
    if not value:
        return ""
    return f"{value[:6].rstrip('*')}****"


MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}


def mask(kind: str, value):
    if value is None or value == "":
        return value
    return MASKS[kind](value)


def _concrete(model):
    """A historical model (django-simple-history) carries its record's personal fields."""
    return getattr(model, "instance_type", model)


def personal_fields(model) -> dict[str, str]:
    return dict(getattr(_concrete(model), "personal_fields", {}))


def personal_kind(model, path) -> str | None:
    """The kind of the personal field ``path`` reaches from ``model`` (``"phone"``, ``"member.id_number"``,
    ``"member__id_number"``), or None."""
    if model is None or not path:
        return None
    parts = path.replace("__", ".").split(".")
    for part in parts[:-1]:
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001 - a method or property: not a model field
            return None
        model = field.related_model
        if model is None:
            return None
    return personal_fields(model).get(parts[-1])


def registered_models() -> list:
    return [model for model in apps.get_models() if personal_fields(model)]


def organization_of(instance):
    """The organization a record's scope follows (``scope_path_lookup`` without its ``__path``)."""
    lookup = getattr(type(instance), "scope_path_lookup", "")
    if not lookup.endswith("__path"):
        return instance if lookup == "path" else None
    obj = instance
    for part in lookup.removesuffix("__path").split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


class Unmasker:
    """Answers, for one user, whether personal data of a record in an organization may be shown in full
    (the "unmask" capability on that organization's subtree). One query per user, then in memory."""

    def __init__(self, user):
        self.paths = scope_paths(user, Capability.UNMASK)

    def allows(self, organization) -> bool:
        if organization is None:
            return False
        if self.paths is None:
            return True
        return any(organization.path.startswith(path) for path in self.paths)

    def id_number(self, value: str, organization) -> str:
        return value if self.allows(organization) else mask_id_number(value)

    def phone(self, value: str, organization) -> str:
        return value if self.allows(organization) else mask_phone(value)
