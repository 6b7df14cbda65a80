"""An inbox item and the interface every source implements (docs/inbox.md, "Adding a source").

A source reads the records of every organization under ``roots`` (None: the whole database) in a fixed
number of queries, whatever the number of organizations, and yields the items those records call for. Each
item names the organization it concerns and the roles it is addressed to; ``compute`` gives it to each user
holding one of those roles on that organization or above it. Nothing here is stored: an item is there while
the records call for it and gone once they settle it."""

import datetime as dt
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from branches.models import Organization


@dataclass(frozen=True)
class Item:
    source: str  # the source's key
    key: str  # unique among the items of every source
    organization_id: int
    organization_path: str
    organization_name: str
    roles: frozenset  # roles (branches.scope.roles.Role) the item is addressed to
    what: str
    why: str
    due_on: dt.date | None  # by when; None when the records set no date
    url: str  # the page that settles it

    def is_late(self, today: dt.date) -> bool:
        return self.due_on is not None and self.due_on < today

    def as_dict(self, today: dt.date) -> dict:
        return {
            "source": self.source,
            "key": self.key,
            "organization": {"id": self.organization_id, "name": self.organization_name},
            "what": self.what,
            "why": self.why,
            "due_on": self.due_on,
            "late": self.is_late(today),
            "url": self.url,
        }


class Source:
    """One kind of item. Subclasses set ``key`` and ``label`` and implement ``collect``."""

    key = ""
    label = ""

    def collect(self, *, roots: Sequence[str] | None, today: dt.date) -> Iterable[Item]:
        raise NotImplementedError

    def item(self, organization: Organization, key: str, **fields) -> Item:
        return Item(
            source=self.key,
            key=f"{self.key}:{key}",
            organization_id=organization.pk,
            organization_path=organization.path,
            organization_name=organization.name,
            **fields,
        )


def within(lookup: str, roots: Sequence[str] | None) -> Q:
    """Rows whose organization path (``lookup``) lies under one of ``roots``; every row when None."""
    if roots is None:
        return Q()
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(**{f"{lookup}__startswith": root})
    return condition


def taking_part(prefix: str, today: dt.date) -> Q:
    """Organizations not dissolved on ``today`` (docs/quotas.md, Notation)."""
    return Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": today})


def county_id_of(path: str) -> int:
    return int(path.strip("/").split("/")[0])
