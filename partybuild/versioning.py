"""Optimistic-locked edits for every VersionedModel: a stale write changes nothing and says who won."""

import functools
import inspect

from django.core.exceptions import ValidationError
from django.db import transaction

from .changes import note
from .exceptions import StaleWrite


def _last_change(instance):
    history = getattr(instance, "history", None)
    if history is None:
        return None, None
    last = history.order_by("-history_date").select_related("history_user").first()
    if last is None:
        return None, None
    user = last.history_user
    return (user.get_full_name() or user.get_username()) if user else None, last.history_date


def lock_for_edit(instance, expected_version: int | None, *, precondition: bool = False):
    """Re-read ``instance`` under a row lock and refuse if it moved past ``expected_version``.

    Must run inside a transaction. ``precondition`` marks an If-Match header (answered 412) as opposed to a
    version sent in the body (answered 409).
    """
    assert transaction.get_connection().in_atomic_block, "lock_for_edit needs a transaction"
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        changed_by, changed_at = _last_change(current)
        raise StaleWrite(
            current_version=current.version,
            changed_by=changed_by,
            changed_at=changed_at,
            precondition=precondition,
        )
    note([current])  # as stored: the organizations and years it counted for before the edit
    return current


def changed_fields(instance) -> list[str]:
    """The stored fields ``instance`` now differs in from its row (the version and ``auto_now`` stamps
    aside); every field for a record not saved yet."""
    model = type(instance)
    fields = [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname != "version" and not getattr(f, "auto_now", False)
    ]
    stored = None
    if instance.pk is not None:
        stored = model._default_manager.filter(pk=instance.pk).values(*fields).first()
    if stored is None:
        return fields
    return [name for name in fields if getattr(instance, name) != stored[name]]


def apply_changes(instance, changes: dict, *, actor, exclude_clean=None):
    """Set fields, validate, bump the version and save with ``actor`` recorded in history. An edit that
    changes no stored field writes nothing: no save, no version, no history row (docs/security.md)."""
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.full_clean(exclude=exclude_clean)
    # Set even when nothing is saved: a change of related people the service makes next is recorded by
    # history under this user.
    instance._history_user = actor
    if not changed_fields(instance):
        return instance
    instance.version += 1
    instance.save()
    note([instance])
    return instance


def refuse_moves(instance, changes: dict, fields, message) -> None:
    """Refuse a change to any of ``fields``, which stay as the record was created; sent along unchanged
    (a full form or PUT), they pass."""
    moved = [field for field in fields if field in changes and changes[field] != getattr(instance, field)]
    if moved:
        raise ValidationError({field: [message] for field in moved})


def differences(instance, changes: dict) -> dict[str, list[str]]:
    """``{field: [stored, given]}`` as text for the fields ``changes`` really changes, read before they are
    set: what an audit event records."""
    before = {field: getattr(instance, field) for field in changes}
    return {
        field: [str(before[field]), str(value)] for field, value in changes.items() if before[field] != value
    }


@functools.cache
def record_keyword(service) -> str:
    """The keyword an update or delete service takes its record by: the keyword-only parameter after
    ``actor`` (``visit_update(*, actor, visit, ...)`` takes ``visit=``)."""
    names = [name for name, p in inspect.signature(service).parameters.items() if p.kind is p.KEYWORD_ONLY]
    return names[names.index("actor") + 1]


def call_on_record(service, record, **kwargs):
    """Call an update or delete service with ``record`` under its keyword: what the API viewsets, the entry
    views and the admin do with the service a class names."""
    return service(**{record_keyword(service): record}, **kwargs)
