"""The one way a service edits or deletes a scoped record.

Every update service runs the same sequence around its own rules: the record must lie where the actor may
change it, is re-read under a row lock at the version the client read, gets its fields set, validated and
saved with the actor in its history, and is checked again once saved, so that a change carrying it out of
the actor's subtree is rolled back by the service's transaction. Deletes are checked, and leave a history
row naming the actor. The services pass their rules in; the sequence, the refusals and their messages are
the same for all.
"""

from partybuild.changes import note
from partybuild.versioning import apply_changes
from partybuild.versioning import lock_for_edit

from .querysets import NOT_ALLOWED
from .querysets import ensure_in_scope


def scoped_update(
    actor,
    instance,
    expected_version: int | None,
    precondition: bool,
    changes: dict,
    *,
    action: str = "change",
    check=None,
    prepare=None,
    rules=None,
    after_save=None,
    exclude_clean=None,
):
    """Change ``instance`` for ``actor`` and return the saved record. Runs inside the caller's transaction;
    the first five arguments are the update service's own, in its order
    (``visit_update(*, actor, visit, expected_version=None, precondition=False, **changes)``).

    In order:

    1. ``instance`` must lie where ``actor`` may do ``action`` ("change", or a capability such as "review"),
       else OutOfScope with NOT_ALLOWED;
    2. ``check()``: refusals that need no stored record (e.g. the scope of a new organization); it may drop
       entries of ``changes``;
    3. the record is re-read under a row lock; a stale ``expected_version`` raises StaleWrite (412 with
       ``precondition``, from an If-Match header, else 409);
    4. ``prepare(record, changes)`` returns the fields to set: refusals that compare with the stored record;
    5. the fields are set and ``rules(record)`` checks (raising ValidationError) and derives;
    6. ``full_clean`` (less ``exclude_clean``), the version is bumped and the record saved with ``actor`` as
       the history user;
    7. ``after_save(record)``: what needs the saved row (people, events, moving a subtree);
       the record's counted organizations and years are noted before (step 3) and after the edit, so that
       their figures are refreshed once the transaction commits (partybuild/changes.py);
    8. the saved record must still lie where ``actor`` may do ``action``, else OutOfScope (rolled back).
    """
    ensure_in_scope(actor, instance, action, NOT_ALLOWED)
    if check is not None:
        check()
    record = lock_for_edit(instance, expected_version, precondition=precondition)
    if prepare is not None:
        changes = prepare(record, changes)
    for field, value in changes.items():
        setattr(record, field, value)
    if rules is not None:
        rules(record)
    apply_changes(record, {}, actor=actor, exclude_clean=exclude_clean)
    if after_save is not None:
        after_save(record)
        note([record])  # what it counts for may follow from the people set just now
    ensure_in_scope(actor, record, action)
    return record


def scoped_delete(actor, instance, *, lock: bool = False, rules=None, after_delete=None) -> None:
    """Delete ``instance`` for ``actor``, leaving a history row that names them. Runs inside the caller's
    transaction.

    ``instance`` must lie where ``actor`` may delete (else OutOfScope with NOT_ALLOWED); with ``lock`` it is
    re-read under a row lock first. ``rules(record)`` refuses (or locks what the delete affects) before,
    ``after_delete(record)`` runs after. What the record counted for is noted (partybuild/changes.py).
    """
    ensure_in_scope(actor, instance, "delete", NOT_ALLOWED)
    record = lock_for_edit(instance, None) if lock else instance
    if rules is not None:
        rules(record)
    note([record])
    record._history_user = actor
    record.delete()
    if after_delete is not None:
        after_delete(record)
