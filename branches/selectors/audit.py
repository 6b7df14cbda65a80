"""Audit reads for county administrators: security events and the change history of every tracked model.

Who sees what (users holding the STAFF capability — county admins — and superusers; anyone else sees
nothing):

- **Security events** are scoped by their organization's path (``SecurityEvent.objects.restrict(user,
  "staff")``). Events without an organization (failed logins of unknown usernames, users without a role)
  are visible to superusers only.
- **Change history** is the union of every ``simple_history`` table. Each is scoped by the tracked model's
  own ``scope_path_lookup`` followed through the history row's foreign keys (the organization, branch,
  county, room or rectification the row pointed at *when it was written*). Organizations' history (whose
  path is not kept) is scoped by the organization's current place in the tree. Tables of models without an
  organization (account security flags) are visible to superusers only.

One page costs a fixed number of queries whatever its size: the union (and its count), then up to three per
tracked model on the page (its rows, the previous version of each for "what changed", the current objects for
their names), then the users.
"""

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField
from django.db.models import OuterRef
from django.db.models import Subquery
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import SecurityEvent
from ..personal import personal_fields
from ..scope.querysets import scope_paths
from ..scope.querysets import subtree_q
from ..scope.roles import Capability
from .audit_detail import security_event_detail_rows

AUDIT_CAPABILITY = Capability.STAFF
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
ACTION_LABELS = {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}
SKIPPED_FIELDS = frozenset({"version", "updated_at", "created_at"})


def may_audit(user) -> bool:
    return scope_paths(user, AUDIT_CAPABILITY) != []


# --- security events ---------------------------------------------------------------------------


def security_event_list(*, user, kind=None, username=None, since=None, until=None):
    queryset = SecurityEvent.objects.restrict(user, AUDIT_CAPABILITY).select_related("organization")
    if kind:
        queryset = queryset.filter(kind=kind)
    queryset = _narrowed(queryset, "username", "occurred_at", username=username, since=since, until=until)
    return queryset.order_by("-occurred_at", "-pk")


def _narrowed(queryset, user_lookup: str, time_field: str, *, username, since, until):
    """Only what ``username`` did (``user_lookup``: where the name is), from the day ``since`` through the
    day ``until`` (``time_field``: when it happened); each left out when not given."""
    if username:
        queryset = queryset.filter(**{user_lookup: username})
    if since:
        queryset = queryset.filter(**{f"{time_field}__gte": _start(since)})
    if until:
        queryset = queryset.filter(**{f"{time_field}__lt": _end(until)})
    return queryset


def _start(value):
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time.min, tzinfo=_tz())


def _end(value):
    """``until`` is inclusive: a date means up to the end of that day."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value + dt.timedelta(days=1), dt.time.min, tzinfo=_tz())


def _tz():

    return timezone.get_current_timezone()


# --- change history ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedModel:
    model: type
    history: type
    label: str  # "members.member"

    @property
    def key(self) -> str:
        return self.label.replace(".", "-")


def tracked_models() -> list[TrackedModel]:
    found = []
    for model in apps.get_models():
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if attribute:
            found.append(TrackedModel(model, getattr(model, attribute).model, model._meta.label_lower))
    return sorted(found, key=lambda tracked: tracked.label)


def tracked_model(label: str) -> TrackedModel | None:
    return next((tracked for tracked in tracked_models() if tracked.label == label), None)


def _scoped_history(tracked: TrackedModel, paths):
    queryset = tracked.history.objects.all()
    if paths is None:
        return queryset
    lookup = getattr(tracked.model, "scope_path_lookup", None)
    if not paths or lookup is None:
        return queryset.none()
    first = lookup.split("__")[0]
    history_fields = {f.name for f in tracked.history._meta.get_fields()}
    if first in history_fields:
        return queryset.filter(subtree_q(lookup, paths))
    # The path itself is not kept in history (organizations): scope by the object's current place.
    current = tracked.model._default_manager.filter(subtree_q(lookup, paths)).values("pk")
    return queryset.filter(**{f"{tracked.model._meta.pk.attname}__in": current})


def _history_values(tracked: TrackedModel, queryset):
    return (
        queryset.annotate(model=Value(tracked.label, output_field=CharField()))
        .values("history_id", "history_date", "history_type", "history_user_id", "model")
        .annotate(object_id=models.F(tracked.model._meta.pk.attname))
        .order_by()
    )


def _visible(tracked: TrackedModel, paths) -> bool:
    return paths is None or (bool(paths) and getattr(tracked.model, "scope_path_lookup", None) is not None)


def change_history_list(*, user, model=None, username=None, since=None, until=None):
    """A union queryset of dicts (``history_id, history_date, history_type, history_user_id, model,
    object_id``), newest first; page it, then pass the page to ``change_history_rows``."""
    paths = scope_paths(user, AUDIT_CAPABILITY)
    parts = []
    for tracked in tracked_models():
        if model not in (None, "", tracked.label) or not _visible(tracked, paths):
            continue
        queryset = _narrowed(
            _scoped_history(tracked, paths),
            "history_user__username",
            "history_date",
            username=username,
            since=since,
            until=until,
        )
        parts.append(_history_values(tracked, queryset))
    if not parts:
        return _history_values(tracked_models()[0], tracked_models()[0].history.objects.none())
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("-history_date", "-history_id")


@dataclass
class ChangeRow:
    id: str
    model: str
    model_name: str
    object_id: int
    object_repr: str
    history_id: int
    when: dt.datetime
    action: str
    user: str
    reason: str
    changes: list[dict] = field(default_factory=list)


def change_history_rows(page) -> list[ChangeRow]:
    """Enrich one page of ``change_history_list`` with what each row changed (against the previous version
    of the same object), the object and the user; two queries per model on the page, then one for users."""
    page = list(page)
    by_model: dict[str, list[int]] = {}
    for row in page:
        by_model.setdefault(row["model"], []).append(row["history_id"])
    records, previous, current = {}, {}, {}
    for label, ids in by_model.items():
        tracked = tracked_model(label)
        history = tracked.history
        pk_name = tracked.model._meta.pk.attname
        before = history.objects.filter(
            **{pk_name: OuterRef(pk_name)}, history_id__lt=OuterRef("history_id")
        ).order_by("-history_id")
        rows = history.objects.filter(history_id__in=ids).annotate(
            previous_id=Subquery(before.values("history_id")[:1])
        )
        for record in rows:
            records[(label, record.history_id)] = record
        earlier_ids = [r.previous_id for r in rows if r.previous_id]
        for record in history.objects.filter(history_id__in=earlier_ids):
            previous[(label, record.history_id)] = record
        if not _has_name(tracked):
            object_ids = {getattr(r, pk_name) for r in rows}
            related = [f.name for f in tracked.model._meta.concrete_fields if f.is_relation and f.many_to_one]
            for obj in tracked.model._default_manager.filter(pk__in=object_ids).select_related(*related):
                current[(label, obj.pk)] = obj
    names = _related_names([*records.values(), *previous.values()])
    user_ids = {row["history_user_id"] for row in page if row["history_user_id"]}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}
    result = []
    for row in page:
        record = records.get((row["model"], row["history_id"]))
        if record is None:
            continue
        earlier = previous.get((row["model"], record.previous_id)) if record.previous_id else None
        tracked = tracked_model(row["model"])
        user = users.get(row["history_user_id"])
        result.append(
            ChangeRow(
                id=f"{tracked.key}-{row['history_id']}",
                model=row["model"],
                model_name=str(tracked.model._meta.verbose_name),
                object_id=row["object_id"],
                object_repr=_object_repr(tracked, record, current.get((row["model"], row["object_id"]))),
                history_id=row["history_id"],
                when=row["history_date"],
                action=HISTORY_TYPES.get(row["history_type"], row["history_type"]),
                user=user.get_username() if user else "",
                reason=record.history_change_reason or "",
                changes=_changes(tracked, record, earlier, names),
            )
        )
    return result


def _has_name(tracked: TrackedModel) -> bool:
    return any(f.name == "name" for f in tracked.history._meta.concrete_fields)


def _object_repr(tracked: TrackedModel, record, current) -> str:
    """The name kept in the history row, else the current object's text, else the type and number."""
    if _has_name(tracked):
        return record.name
    if current is not None:
        return str(current)
    return f"{tracked.model._meta.verbose_name} #{getattr(record, tracked.model._meta.pk.attname)}"


def _foreign_keys(history_model) -> list:
    return [
        f for f in history_model._meta.concrete_fields if f.many_to_one and not f.name.startswith("history_")
    ]


def _related_names(records) -> dict:
    """The text of every object the history rows point at, (model, pk) → str: one query per model pointed
    at, whatever the number of rows."""
    wanted: dict = {}
    for record in records:
        for concrete in _foreign_keys(type(record)):
            value = getattr(record, concrete.attname)
            if value is not None:
                wanted.setdefault(concrete.related_model, set()).add(value)
    names = {}
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            names[(model, obj.pk)] = str(obj)
    return names


def _field_value(record, concrete, names=None) -> str:
    value = getattr(record, concrete.attname)
    if value is None or value == "":
        return ""
    if concrete.choices:
        return str(dict(concrete.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if concrete.many_to_one and names is not None:
        return names.get((concrete.related_model, value), f"#{value}")
    return str(value)


def _changes(tracked: TrackedModel, record, earlier, names=None) -> list[dict]:
    fields = [
        f
        for f in tracked.history._meta.concrete_fields
        if not f.name.startswith("history_") and f.name not in SKIPPED_FIELDS and f.name != "id"
    ]
    masked = set(personal_fields(tracked.model))
    changes = []
    for concrete in fields:
        new = _field_value(record, concrete, names)
        old = _field_value(earlier, concrete, names) if earlier is not None else ""
        if record.history_type == "-" or new == old:
            continue
        if concrete.name in masked:  # personal data: say that it changed, not what it was
            old, new = ("***" if old else ""), "***"
        changes.append({"field": str(concrete.verbose_name), "old": old, "new": new})
    return changes


def change_history_get(*, user, key: str) -> ChangeRow | None:
    """One row by its id (``app-model-historyid``), scoped like the list; None if missing or out of scope."""
    try:
        app_label, model_name, history_id = key.split("-")
        history_id = int(history_id)
    except ValueError:
        return None
    tracked = tracked_model(f"{app_label}.{model_name}")
    paths = scope_paths(user, AUDIT_CAPABILITY)
    if tracked is None or not _visible(tracked, paths):
        return None
    queryset = _scoped_history(tracked, paths).filter(history_id=history_id)
    rows = change_history_rows(_history_values(tracked, queryset))
    return rows[0] if rows else None


# --- tables for the xlsx export ----------------------------------------------------------------


EXPORT_CHUNK = 500


def security_event_table(queryset):
    """Header, then one row per event (a generator: the export streams)."""
    yield [_("Occurred at"), _("Kind"), _("Username"), _("IP address"), _("Organization"), _("Detail")]
    for event in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield [
            _local(event.occurred_at),
            event.get_kind_display(),
            event.username,
            event.ip_address or "",
            event.organization.name if event.organization else "",
            _detail_text(event.detail),
        ]


def change_history_table(queryset):
    yield [_("When"), _("User"), _("Record type"), _("Record"), _("Action"), _("What changed")]
    offset = 0
    while True:
        chunk = list(queryset[offset : offset + EXPORT_CHUNK])
        if not chunk:
            return
        for row in change_history_rows(chunk):
            yield [
                _local(row.when),
                row.user,
                row.model_name,
                row.object_repr,
                str(ACTION_LABELS.get(row.action, row.action)),
                "; ".join(f"{c['field']}: {c['old']} → {c['new']}" for c in row.changes),
            ]
        offset += EXPORT_CHUNK


def _local(moment):

    return timezone.localtime(moment).replace(tzinfo=None)


def _detail_text(detail) -> str:
    return "; ".join(f"{label}: {value}" for label, value in security_event_detail_rows(detail))
