"""The statement list a quota run executes, and the period it counts: a run's SQL is built here as text
first, so one run is a fixed number of statements whatever the size of the county (docs/quotas.md)."""

import datetime as dt
import re
from contextlib import contextmanager
from dataclasses import dataclass

from . import sql

RESULT_COLUMNS = "(run_id, year, code, organization_id, target, actual, met, detail)"
ALERT_COLUMNS = "(run_id, year, kind, organization_id, cadre_id, detail)"
WORK_TABLE = re.compile(r"\bqt_(?=[a-z])")


LAST_QUARTER_FROM = 10  # October: every target not yet met is an alert


@dataclass(frozen=True)
class Period:
    run_id: int
    year: int
    today: dt.date
    admissions_from: int | None = None  # first year of the longest "no admission for n years" window
    trainings_from: int | None = None  # first year of the longest training rotation cycle

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def ref(self) -> dt.date:
        """The day posts must be held on, rolls are taken and ages are counted."""
        return min(self.today, self.end)

    @property
    def is_current(self) -> bool:
        return self.today.year == self.year

    @property
    def expected_quarters(self) -> int:
        """Quarters of a target expected by now: the completed ones, and the whole target in the last quarter
        (docs/quotas.md, Alerts)."""
        if not self.is_current or self.today.month >= LAST_QUARTER_FROM:
            return 4
        return (self.today.month - 1) // 3

    @property
    def days_left(self) -> int:
        """Days of the year after today; 0 for a past year."""
        return (self.end - self.today).days if self.is_current else 0

    def serving(self, alias: str) -> str:
        ref = sql.date_literal(self.ref)
        return f"{alias}.started_on <= {ref} AND ({alias}.ended_on IS NULL OR {alias}.ended_on >= {ref})"

    def within_year(self, column: str) -> str:
        return f"{column} BETWEEN {sql.date_literal(self.start)} AND {sql.date_literal(self.end)}"


class Statements:
    """Runs the statements of one run on one connection.

    The statements name the run's work tables ``qt_<name>``; each run gets its own names (``qt<run id>_<name>``),
    so runs of different scopes can work side by side.

    ``subtree``: the run covers one organization's subtree, not every tree. Its statements then read only the
    records of that subtree (``in_scope``) and of the members who may be counted in it (``member_rows``), so
    that a county's run inside a province reads what it reads in a county alone (docs/quotas.md, "Runs").
    """

    def __init__(self, cursor, period: Period, *, subtree: bool = False):
        self.cursor = cursor
        self.period = period
        self.subtree = subtree
        self.prefix = f"qt{period.run_id}_"
        self.tables: list[str] = []
        self.alert_count = 0

    @staticmethod
    def in_scope(column: str) -> str:
        """A condition keeping the rows of an organization of the scope (those taking part)."""
        return f"{column} IN (SELECT id FROM qt_scope)"

    def member_rows(self, table: str, column: str) -> str:
        """A FROM item: the rows of ``table`` (``"name alias"``) whose ``column`` is a member the scope may
        count (``qt_members``), every row when the run covers every tree. Written as a join from those few
        thousand members, so that the planner probes the table's index for each of them."""
        if not self.subtree:
            return table
        return f"qt_members qm JOIN {table} ON {column} = qm.member_id"

    def execute(self, statement: str, params=()):
        self.cursor.execute(WORK_TABLE.sub(self.prefix, statement), params)
        return self.cursor.rowcount

    @contextmanager
    def planner(self, settings: list[tuple[str, str]]):
        """``settings`` (name, value) for the statements inside, as they were after them: PostgreSQL, a run
        over every tree (a subtree's run reads temporary tables, which no parallel plan reads)."""
        if self.subtree or not sql.is_postgres():
            yield
            return
        names = [name for name, _ in settings]
        self.execute(
            "SELECT "
            + ", ".join(["current_setting(%s)"] * len(names) + ["set_config(%s, %s, true)"] * len(names)),
            (*names, *[part for setting in settings for part in setting]),
        )
        before = self.cursor.fetchone()[: len(names)]
        yield
        self.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
            [part for setting in zip(names, before, strict=True) for part in setting],
        )

    def temp(self, name: str, select: str, params=(), index: str | None = None, analyze: bool = True):
        """A work table from ``select``: a CREATE … AS, which PostgreSQL may run with parallel workers.

        ``analyze=False`` for a table only ever read whole (the planner needs no statistics for it).
        """
        self.execute(f"{sql.create_work_table(name, subtree=self.subtree)} AS {select}", params)
        self._created(name, index, analyze)

    def table(self, name: str, columns: str):
        """An empty work table, filled by later statements."""
        self.execute(f"{sql.create_work_table(name, subtree=self.subtree)} ({columns})")
        self.tables.append(WORK_TABLE.sub(self.prefix, name))

    def _created(self, name: str, index: str | None, analyze: bool):
        self.tables.append(WORK_TABLE.sub(self.prefix, name))
        if index and not sql.is_postgres():
            # SQLite joins by nested loops over indexes; PostgreSQL hashes these joins whole (after ANALYZE).
            self.execute(f"CREATE INDEX {name}_idx ON {name} ({index})")
        if analyze and sql.is_postgres():
            # Nothing analyzes a table in the middle of a transaction: without statistics the planner guesses.
            self.execute(f"ANALYZE {name}")

    def analyze(self, name: str, columns: str):
        """Statistics of ``columns`` of a work table filled by INSERTs (PostgreSQL), for the statements that
        read it next."""
        if sql.is_postgres():
            self.execute(f"ANALYZE {name} ({columns})")

    def results(self, code: str | None, select: str, params=()):
        """``select`` yields organization_id, target, actual, met, detail (and code first when ``code`` is None).

        Into the run's ``qt_res``: the results table itself is written once, at the end (``write_results``).
        """
        head = "%s, t.*" if code is not None else "t.*"
        self.execute(
            "INSERT INTO qt_res (code, organization_id, target, actual, met, detail) "
            f"SELECT {head} FROM ({select}) t",
            (code, *params) if code is not None else params,
        )

    def alerts(self, kind: str | None, select: str, params=()):
        """``select`` yields organization_id, cadre_id, detail (and kind first when ``kind`` is None).

        Straight into the alerts table, in the order of its organization index.
        """
        head = "%s, %s, %s, t.*" if kind is not None else "%s, %s, t.*"
        lead = (self.period.run_id, self.period.year) + ((kind,) if kind is not None else ())
        self.alert_count += self.execute(
            f"INSERT INTO assessments_alert {ALERT_COLUMNS} SELECT {head} FROM ({select}) t "
            "ORDER BY t.organization_id",
            (*lead, *params),
        )

    def drop_all(self):
        """Drop the run's work tables (a rollback drops them too: they are created inside the transaction)."""
        names = list(reversed(self.tables))
        if sql.is_postgres() and names:
            self.cursor.execute("DROP TABLE IF EXISTS " + ", ".join(names))
        else:
            for name in names:
                self.cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.tables = []
