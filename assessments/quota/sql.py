"""The few SQL expressions that differ between PostgreSQL and SQLite, so the engine's statements run on both."""

from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def year_of(column: str) -> str:
    if is_postgres():
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    return f"CAST(strftime('%%Y', {column}) AS integer)"


def month_day(column: str) -> str:
    if is_postgres():
        return f"to_char({column}, 'MMDD')"
    return f"strftime('%%m%%d', {column})"


def age_at(birth: str, day: str) -> str:
    """Full years between two date expressions; a 29 February birthday comes on 1 March."""
    return f"({year_of(day)} - {year_of(birth)} - CASE WHEN {month_day(day)} < {month_day(birth)} THEN 1 ELSE 0 END)"


def root_id(path_column: str) -> str:
    """The first segment of a materialized path "/7/42/99/": the tree's root (a county committee)."""
    if is_postgres():
        return f"CAST(split_part({path_column}, '/', 2) AS bigint)"
    return f"CAST(substr({path_column}, 2, instr(substr({path_column}, 2), '/') - 1) AS integer)"


def json_object(*pairs: tuple[str, str]) -> str:
    function = "jsonb_build_object" if is_postgres() else "json_object"
    arguments = ", ".join(f"'{key}', {value}" for key, value in pairs)
    return f"{function}({arguments})"


def json_array_agg(expression: str) -> str:
    return f"jsonb_agg({expression})" if is_postgres() else f"json_group_array({expression})"


def json_bool(condition: str) -> str:
    """A JSON true/false (SQLite would otherwise store 1/0)."""
    if is_postgres():
        return f"({condition})"
    return f"CASE WHEN {condition} THEN json('true') ELSE json('false') END"


def in_list(values) -> str:
    """``('a', 'b')``: choice values from Python (never user text) as an SQL list, sorted so that a statement
    reads the same in every process (a frozenset's order is not)."""
    literals = sorted(str(value) for value in values)
    if not literals or any("'" in literal for literal in literals):
        raise ValueError(f"not a list of plain values: {literals!r}")
    return "(" + ", ".join(f"'{literal}'" for literal in literals) + ")"


def date_literal(day) -> str:
    """A constant date from Python (never user text): inlined so one expression can use it several times."""
    return f"DATE '{day.isoformat()}'" if is_postgres() else f"'{day.isoformat()}'"


def floor(expression: str) -> str:
    """Floor of a non-negative number, as an integer on both databases."""
    return f"CAST(FLOOR({expression}) AS INTEGER)" if is_postgres() else f"CAST({expression} AS INTEGER)"


def share(numerator: str, denominator: str) -> str:
    return f"CASE WHEN {denominator} > 0 THEN ROUND(100.0 * {numerator} / {denominator}, 2) END"


def bytewise(expression: str) -> str:
    """Compare text byte by byte: enough for telling keys apart, and much cheaper than a locale collation."""
    return f'{expression} COLLATE "C"' if is_postgres() else expression


def create_work_table(name: str, *, subtree: bool = False) -> str:
    """The head of a CREATE … AS for one of a run's work tables.

    PostgreSQL, a run over every tree: UNLOGGED — a statement reading a temporary table never gets a
    parallel plan (its buffers are private to the session), an unlogged one does, and neither writes WAL.
    A subtree's run (``subtree``) reads its few thousand members' rows through indexes, where a parallel plan
    gains nothing: TEMPORARY, which spares the files an unlogged table must create and sync at once (10–20 ms
    of a branch's refresh on an idle machine, much more when the disk is busy; docs/quotas.md "Fresh
    figures"). Either is visible to other sessions only
    once committed: the engine creates and drops its tables inside the run's one transaction, so a failure
    (or a worker killed mid-run) rolls them back with everything else, and no one ever sees them. SQLite: a
    temporary table.
    """
    if is_postgres() and not subtree:
        return f"CREATE UNLOGGED TABLE {name}"
    return f"CREATE TEMPORARY TABLE {name}"


def json_type() -> str:
    return "jsonb" if is_postgres() else "text"


def first_per_group(*, columns: str, source: str, partition: str, order: str) -> str:
    """``columns`` (each ``expression AS name``) of the first row of ``source`` (a FROM … WHERE …) in each
    ``partition`` by ``order``: DISTINCT ON on PostgreSQL, a window function on SQLite."""
    if is_postgres():
        return f"SELECT DISTINCT ON ({partition}) {columns} {source} ORDER BY {partition}, {order}"
    names = ", ".join(column.rsplit(" AS ", 1)[-1] for column in columns.split(", "))
    return (
        f"SELECT {names} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY {partition} "
        f"ORDER BY {order}) AS row_number {source}) ranked WHERE row_number = 1"
    )


def run_settings(*, subtree: bool = False) -> list[tuple[str, str]]:
    """Planner and memory settings for the run's transaction (PostgreSQL; none on SQLite).

    Enough memory that the big sorts and aggregates (a year of visit logs by person and household) stay in
    memory instead of spilling to disk; two workers per parallel plan (the machine's two cores); and no JIT
    compilation: every statement of a run runs once, and compiling the big ones costs about what it saves.

    A subtree's run (``subtree``) reads a few thousand members' rows out of tables of millions, through their
    indexes. PostgreSQL's default price of a random page (4 sequential ones, a disk seek) makes the planner
    scan a million attendance rows rather than probe ten thousand members' ones; the records are in memory
    on a server that runs the nightly schedule, where a probe costs about what a sequential page does — the
    price the PostgreSQL documentation suggests then (1.1, "random_page_cost").
    """
    if not is_postgres():
        return []
    settings = [("work_mem", "256MB"), ("max_parallel_workers_per_gather", "2"), ("jit", "off")]
    return settings + [("random_page_cost", "1.1"), ("enable_mergejoin", "off")] if subtree else settings


# A statement that compares a million rows and keeps the few that differ: the planner cannot tell how few
# (it prices moving nearly all of them to the leader through the parallel plan's gather) and compares them on
# one core. Priced as what it is, the comparison runs on every core: on the province tier 1.0 s against 1.9 s
# (docs/quotas.md, "Writing the results").
FEW_ROWS_OUT = [("parallel_setup_cost", "0"), ("parallel_tuple_cost", "0.001")]
