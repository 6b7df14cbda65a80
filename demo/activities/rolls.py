"""What every kind of demo activity is drawn against: the members on each branch's roll, the cadre posts
and their terms, the reserve rosters, and the rows being gathered for one model."""

import bisect
import random
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import NamedTuple

from branches.models import COMMITTEE_KINDS
from branches.models import RURAL_FIELDS
from branches.models import Organization
from members.models import Cadre
from members.models import Member
from members.models import MemberCategory
from members.models import MemberStatus
from members.models import ReserveCadre
from members.models.cadres import BRANCH_POSTS
from members.models.cadres import VILLAGE_COMMITTEE_POSTS

from ..members import age_on
from ..organizations import DemoTree
from ..records import demo_years

TWO_COMMITTEES = BRANCH_POSTS | VILLAGE_COMMITTEE_POSTS


class RollMember(NamedTuple):
    pk: int
    branch_id: int
    name: str
    joined_on: date
    lost: bool  # lost contact: on the roll, never at a meeting
    mobile: bool
    full: bool
    age: int


class Post(NamedTuple):
    pk: int
    organization_id: int
    post: str
    member_id: int | None
    name: str
    started_on: date
    ended_on: date | None

    def serving(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    def span(self, first: date, last: date) -> tuple[date, date] | None:
        """The part of [first, last] within the term, or None."""
        start, end = max(first, self.started_on), min(last, self.ended_on or last)
        return (start, end) if start <= end else None


class Reserve(NamedTuple):
    organization_id: int
    member_id: int | None
    entered_on: date
    left_on: date | None  # promoted or removed

    def in_roster(self, day: date) -> bool:
        return self.entered_on <= day and (self.left_on is None or self.left_on > day)


class BranchRoll:
    """A branch's roll sorted by joining date, so "on the roll on day D" is a prefix."""

    def __init__(self, members: list[RollMember]):
        ordered = sorted(members, key=lambda m: (m.joined_on, m.pk))
        self.members = ordered
        self.joined = [m.joined_on for m in ordered]
        self.local = [m for m in ordered if not m.mobile and not m.lost]
        self.local_joined = [m.joined_on for m in self.local]
        self.away = [m for m in ordered if m.mobile and not m.lost]
        self.away_joined = [m.joined_on for m in self.away]

    def expected(self, day: date) -> int:
        return bisect.bisect_right(self.joined, day)

    def present(self, day: date) -> tuple[list[RollMember], list[RollMember]]:
        """(members at home, mobile members in touch) on the roll on ``day``."""
        return (
            self.local[: bisect.bisect_right(self.local_joined, day)],
            self.away[: bisect.bisect_right(self.away_joined, day)],
        )


@dataclass
class Batch:
    """Rows for one model and its many-to-many pairs (row index, related pk) by field name."""

    rows: list[dict] = field(default_factory=list)
    pairs: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, row: dict, **related: list[int]) -> None:
        index = len(self.rows)
        self.rows.append(row)
        for name, pks in related.items():
            self.pairs.setdefault(name, []).extend((index, pk) for pk in pks)


class CountyRolls:
    """The demo county as the activity builders read it once: every branch's roll of members, the posts
    and their terms, the reserve rosters; each topic draws from its own random stream (``rng(topic)``)."""

    def __init__(self, *, tree: DemoTree, seed: int, today: date):
        self.tree = tree
        self.seed = seed
        self.today = today
        self.years = demo_years(today)
        self.branches = tree.member_branches
        self.rural = [branch for branch in self.branches if branch.field in RURAL_FIELDS]
        self.townships = list(
            Organization.objects.filter(kind__in=COMMITTEE_KINDS, parent=tree.county).order_by("code")
        )
        members: dict[int, list[RollMember]] = {branch.pk: [] for branch in self.branches}
        rows = (
            Member.objects.on_roll()
            .filter(branch__path__startswith=tree.county.path)
            .order_by("pk")
            .values_list(
                "pk", "branch_id", "name", "joined_on", "status", "is_mobile", "category", "birth_date"
            )
        )
        self.members: dict[int, RollMember] = {}
        for pk, branch_id, name, joined, status, mobile, category, born in rows:
            member = RollMember(
                pk,
                branch_id,
                name,
                joined,
                status == MemberStatus.LOST_CONTACT,
                mobile,
                category == MemberCategory.FULL,
                age_on(born, today),
            )
            members[branch_id].append(member)
            self.members[pk] = member
        self.roll = {pk: BranchRoll(found) for pk, found in members.items()}
        self.posts: dict[int, list[Post]] = {}
        cadres = Cadre.objects.filter(organization__path__startswith=tree.county.path).order_by("pk")
        for row in cadres.values_list(
            "pk", "organization_id", "post", "member_id", "name", "started_on", "ended_on"
        ):
            post = Post(*row)
            self.posts.setdefault(post.organization_id, []).append(post)
        self.reserves = [
            Reserve(organization, member, entered, promoted or removed)
            for organization, member, entered, promoted, removed in ReserveCadre.objects.filter(
                organization__path__startswith=tree.county.path
            )
            .order_by("pk")
            .values_list("organization_id", "member_id", "entered_on", "promoted_on", "removed_on")
        ]

    def rng(self, topic: str) -> random.Random:
        return random.Random(f"partybuild-demo-{self.seed}-{topic}")

    def year_span(self, year: int) -> tuple[date, date]:
        return date(year, 1, 1), min(date(year, 12, 31), self.today)

    def serving(self, organization_id: int, posts, day: date) -> list[Post]:
        return [p for p in self.posts.get(organization_id, ()) if p.post in posts and p.serving(day)]
