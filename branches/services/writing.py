"""The steps every app's create services share: the actor's capability over the organization, and the save
that names the actor in the history and refuses a record landing outside the actor's scope."""

from partybuild.changes import note

from ..scope.querysets import NOT_ALLOWED
from ..scope.querysets import OutOfScope
from ..scope.querysets import ensure_in_scope
from ..scope.querysets import organization_in_scope
from ..scope.roles import Capability


def require_capability(actor, organization, capability=Capability.RECORDS) -> None:
    """Refuse unless ``actor`` holds ``capability`` over ``organization`` (none given is refused too)."""
    if organization is None or not organization_in_scope(actor, organization, capability):
        raise OutOfScope(NOT_ALLOWED)


def save_new(actor, record, **people):
    """Save a new ``record`` with ``actor`` in its history and set its people (many-to-many fields, given
    as primary keys), noting what it counts for (partybuild/changes.py); a record outside the actor's scope
    is refused, rolling back the caller's transaction."""
    record._history_user = actor
    record.save()
    for field, pks in people.items():
        if pks is not None:
            getattr(record, field).set(pks)
    note([record])
    ensure_in_scope(actor, record, "add")
    return record


def create_checked(actor, organization, record, check, capability=Capability.RECORDS):
    """The create service of a record with rules of its own: ``actor`` holds ``capability`` over
    ``organization`` (where the record lands), ``check(record)`` passes, and the record is saved new."""
    require_capability(actor, organization, capability)
    check(record)
    return save_new(actor, record)
