"""What every record stage of a tier shares: the generation state (the two years, the ids, the random
stream, the people generated before) in ``RecordState``, and ``Chunks``, lines gathered for the loader."""

import random
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import date

from . import pools
from .people import People
from .tree import Tree

CHUNK_LINES = 20000


class Chunks:
    """Lines gathered into strings of CHUNK_LINES lines: cheap to keep in memory, ready for the loader."""

    def __init__(self):
        self.chunks: list[str] = []
        self.lines: list[str] = []
        self.flushed = 0

    @property
    def count(self) -> int:
        return self.flushed + len(self.lines)

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= CHUNK_LINES:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.chunks.append("".join(self.lines))
            self.flushed += len(self.lines)
            self.lines = []

    def __iter__(self):
        self.flush()
        yield from self.chunks


def streamed(groups: Iterable[Iterable[str]]) -> Iterator[str]:
    """Groups of lines (a person's or an organization's records) joined into chunks of about CHUNK_LINES
    lines as they are generated, a group never split: only the chunk being gathered is kept in memory."""
    lines: list[str] = []
    for group in groups:
        lines.extend(group)
        if len(lines) >= CHUNK_LINES:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


class RecordState:
    """The state the record stages (``Records`` and its ``Trainings`` and ``Meetings``) work on."""

    def __init__(self, *, tree: Tree, people: People, tier, rng: random.Random, names: pools.Names):
        self.tree = tree
        self.people = people
        self.tier = tier
        self.rng = rng
        self.rnd = rng.random
        self.names = names
        self.days = people.days
        self.now = people.now
        self.T = people.T
        year = people.year
        self.years = [
            (year - 1, date(year - 1, 1, 1).toordinal(), date(year - 1, 12, 31).toordinal()),
            (year, date(year, 1, 1).toordinal(), self.T),
        ]
        self.ids = people.ids
        self.between = people.between
        self.rural = [org for org in tree.branches if org.is_rural]
        self.notes: dict[str, str] = {}
        self.rotation: dict[int, int] = {}  # branch id -> the next member to call to a training

    def next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def day(self, first: int, last: int) -> str:
        return self.days.iso(self.between(first, last))
