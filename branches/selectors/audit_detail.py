"""A security event's detail in words (docs/security.md): its keys as labels, its values as the names of the
records, fields and choices they stand for, for the audit page and the export."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

DETAIL_LABELS = {
    "action": _("Action"),
    "account": _("Account"),
    "grantee": _("Granted to"),
    "role": _("Role"),
    "via": _("Through"),
    "reason": _("Reason"),
    "model": _("Record type"),
    "record": _("Record number"),
    "member": _("Member number"),
    "fields": _("Fields"),
    "rows": _("Rows"),
    "filters": _("Filters"),
    "policy": _("Setting"),
    "from": _("Before"),
    "to": _("After"),
    "changed": _("Changed"),
    "created": _("Created"),
    "year": _("Year"),
    "factor": _("Second factor"),
    "address": _("IP address"),
    "failures": _("Failed attempts"),
    "report": _("Report"),
    "format": _("Format"),
    "job": _("Job"),
    "id_number": _("ID number"),
}
DETAIL_VALUES = {
    "account_created": _("account created"),
    "password_set_by_administrator": _("password set by an administrator"),
    "password_changed": _("password changed"),
    "totp_enrolled": _("authenticator app enrolled"),
    "lockout_reset": _("lockout lifted"),
    "api_token": _("API token"),
    "totp": _("authenticator app"),
    "require_totp_for_admins": _("administrators must use an authenticator app"),
    "evaluation_cycle": _("evaluation cycle"),
    "rating_policy": _("rating policy"),
}


# Record types that policy events name by a short word rather than by their model's label.
RECORD_TYPES = {
    "evaluation_cycle": "assessments.evaluationcycle",
    "rating_policy": "assessments.ratingpolicy",
}


def _model_of(label):
    try:
        return apps.get_model(RECORD_TYPES.get(label, label))
    except (LookupError, ValueError, TypeError):
        return None


def _detail_value(key, value, detail) -> str:
    from ..scope.roles import Role  # noqa: PLC0415 - kept beside its one use

    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key == "role":
        return str(dict(Role.choices).get(value, value))
    if key == "model" and isinstance(value, str):
        model = _model_of(value)
        return str(model._meta.verbose_name) if model else str(DETAIL_VALUES.get(value, value))
    if key in ("fields", "changed") and isinstance(value, list | tuple):
        model = _model_of(detail.get("model")) if isinstance(detail.get("model"), str) else None
        return "、".join(_field_label(model, name) for name in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in sorted(value.items())) or "—"
    field = _model_field(detail, key)
    if field is not None and field.choices and not isinstance(value, list | tuple | dict):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str):
        return str(DETAIL_VALUES.get(value, value))
    return str(value)


def _model_field(detail, key):
    """The field ``key`` of the event's record type (``detail["model"]``), if it is one."""
    model = _model_of(detail.get("model")) if isinstance(detail.get("model"), str) else None
    try:
        return model._meta.get_field(key) if model else None
    except FieldDoesNotExist:
        return None


def _field_label(model, name) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name) if model else str(name)
    except FieldDoesNotExist:  # a field since removed keeps its name
        return str(name)


def security_event_detail_rows(detail) -> list[tuple[str, str]]:
    """A security event's ``detail`` as (label, value) pairs in words: known keys first, in a fixed order,
    then any other key, named by the record type's field of that name or as it is (nothing an event kept is
    hidden)."""
    detail = detail or {}
    rows = [
        (str(label), _detail_value(key, detail[key], detail))
        for key, label in DETAIL_LABELS.items()
        if key in detail
    ]
    return rows + [
        (_other_label(detail, key), _detail_value(key, value, detail))
        for key, value in sorted(detail.items())
        if key not in DETAIL_LABELS
    ]


def _other_label(detail, key) -> str:
    """A key the table does not name: the label of the record type's field of that name, else the key."""
    field = _model_field(detail, key)
    return str(field.verbose_name) if field is not None else key
