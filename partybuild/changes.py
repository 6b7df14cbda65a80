"""Which organizations' counted records a transaction changed, told once when it commits (docs/quotas.md,
"Fresh figures").

Whatever shows figures computed from records must learn that they changed, whichever path wrote them: a
page, the API, the admin, an import or a task. Each app declares the models whose rows are counted with
``counted`` (the ids of the organizations whose figures a row changes, and the years it is dated in); the
shared write steps — ``lock_for_edit`` and ``apply_changes`` here, the create, update and delete helpers and
the import's chunk writer in ``branches`` — call ``note`` with what they touch. When the transaction
commits, ``records_changed`` is sent once, with every year and organization noted in it; a transaction
rolled back sends nothing. Knows no app: organizations are ids, models are whatever registers.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

# Sent with ``changes``: {year: frozenset of organization ids}.
records_changed = Signal()
# How many past years a dated record refreshes besides the current one: those the branch page offers.
YEARS_BACK = 2
_PENDING = "_partybuild_changes"


@dataclass(frozen=True)
class Counted:
    organizations: Callable[[list], Iterable[int | None]]
    years: Callable[[object], Iterable[int]]


_COUNTED: dict[type, Counted] = {}


def counted(model, *, organizations: Callable[[list], Iterable], years: Callable | None = None) -> None:
    """Declare ``model``'s rows counted: ``organizations(rows)`` gives the ids of the organizations whose
    figures the rows change (set-based: a fixed number of queries, if any, for any number of rows);
    ``years(row)`` the years the row is dated in, besides the current one."""
    _COUNTED[model] = Counted(organizations, years or (lambda row: ()))


def by(*fields: str) -> Callable[[list], set]:
    """The organizations named by foreign keys of the row (``organization``, ``branch``…)."""
    return lambda rows: {getattr(row, f"{name}_id") for row in rows for name in fields}


def dated(*fields: str) -> Callable[[object], set]:
    """The years of the row's date fields (or of its year field, a number)."""

    def years(row):
        values = (getattr(row, name) for name in fields)
        return {value if isinstance(value, int) else value.year for value in values if value is not None}

    return years


def note(rows) -> None:
    """Remember the organizations and years ``rows`` (saved, about to change or about to go) count for;
    rows of models nobody declared counted are left out."""
    by_model = defaultdict(list)
    for row in rows:
        if type(row) in _COUNTED:
            by_model[type(row)].append(row)
    _note_groups(by_model)


def note_as(model, rows) -> None:
    """``note`` for rows of ``model`` that are not its instances: the values an import writes without
    building a model each, with the attributes the model's declaration reads (``organization_id``…)."""
    if model in _COUNTED and rows:
        _note_groups({model: rows})


def _note_groups(by_model: dict) -> None:
    if not by_model:
        return
    this_year = timezone.localdate().year
    changes = defaultdict(set)
    for model, group in by_model.items():
        entry = _COUNTED[model]
        organizations = {pk for pk in entry.organizations(group) if pk is not None}
        years = {
            year for row in group for year in entry.years(row) if this_year - YEARS_BACK <= year < this_year
        }
        for year in {this_year, *years}:
            changes[year] |= organizations
    _remember(changes)


class _Pending:
    """What one transaction changed so far; its ``send`` is registered once with ``on_commit``."""

    def __init__(self):
        self.changes: dict[int, set] = defaultdict(set)
        self.sent = False

    def waiting(self, connection) -> bool:
        return not self.sent and any(func == self.send for _ids, func, _robust in connection.run_on_commit)

    def send(self):
        self.sent = True
        changes = {year: frozenset(ids) for year, ids in self.changes.items() if ids}
        if not changes:
            return
        for receiver, result in records_changed.send_robust(sender=None, changes=changes):
            if isinstance(result, Exception):  # the records are saved: a failed refresh must not undo that
                logger.error("%s failed on records changed", receiver, exc_info=result)


def _remember(changes: dict[int, set]) -> None:
    """Add to the transaction's pending changes, registering their sending the first time: outside a
    transaction (autocommit) they are sent at once; a savepoint rolled back drops its registration."""
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING, None)
    fresh = pending is None or not pending.waiting(connection)
    if fresh:
        pending = _Pending()
        setattr(connection, _PENDING, pending)
    for year, organizations in changes.items():
        pending.changes[year] |= organizations
    if fresh:
        transaction.on_commit(pending.send)
