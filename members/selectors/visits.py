"""Reads over household visit logs (走访日志): distinct households per cadre and per person in a year, the
pace towards the yearly quota (``visit.households``: each village cadre visits at least 50 households a
year), and the post a branch secretary's quick entry falls back on.

Set-based: one query for any number of cadres or organizations, never one per cadre.

Which count the quota reads: **per person** (``distinct_households_by_person``). The quota binds a village
cadre, a person; one person holding two posts in the village (一肩挑: secretary and village committee
director) has two post rows, and the visits logged under either post are one set of households. Counting per
post would list that person twice and split their households between the two rows (each possibly below 50).
The per-post view (``distinct_households_by_cadre``) stays for the visit log screens and for finding under
which post a visit was logged.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count
from django.db.models import Exists
from django.db.models import IntegerField
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull

from branches.models import Organization
from branches.models import StaffRole
from branches.scope.roles import Role

from ..models import Cadre
from ..models import CadrePost
from ..models import VisitLog
from .cadres import TWO_COMMITTEE_POSTS
from .cadres import group_people
from .cadres import overlapping
from .cadres import serving

HOUSEHOLDS_TARGET = 50
# Posts the quota binds: the two village committees (村"两委"). Other posts (a first secretary, an
# instructor…) may log visits too; they are listed, with no target.
QUOTA_POSTS = TWO_COMMITTEE_POSTS


# --- the calendar year ------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def in_year(year: int, prefix: str = "") -> Q:
    first, last = year_bounds(year)
    return Q(**{f"{prefix}visited_on__gte": first, f"{prefix}visited_on__lte": last})


def is_open() -> Q:
    """A concern raised and not resolved yet."""
    return Q(resolved_on__isnull=True) & ~Q(concerns="")


# --- lists ------------------------------------------------------------------------------------------


def visit_list(*, user, action: str = "view"):
    """The visit logs the user may read. The posts and recorders are fetched for the page shown, not joined:
    a join would look up the post of each of a county's year of logs before the newest fifty are picked."""
    return (
        VisitLog.objects.restrict(user, action)
        .select_related("organization")
        .prefetch_related("cadre", "recorded_by")
    )


def households_visited(*, organization: Organization, year: int, limit: int = 500) -> list[tuple[str, str]]:
    """The households (name, village group) visited in ``organization`` in ``year``, each once: the visit
    form suggests them, so that a household is typed the same way and counted once (docs/offline.md)."""
    rows = VisitLog.objects.filter(in_year(year), organization=organization)
    rows = rows.values_list("household_name", "village_group").order_by("village_group", "household_name")
    return list(rows.distinct()[:limit])


def village_branches(root: Organization):
    """The village and community branches in ``root``'s subtree (``root`` itself when it is one)."""
    return Organization.objects.filter(path__startswith=root.path).rural()


# --- distinct households ----------------------------------------------------------------------------


def _same_person_visits(year: int):
    """Visits in ``year`` logged under any post row of the outer cadre row's person in the same village: the
    rule of ``selectors.cadres.same_person`` (the same member, or the same name and birth date where one of
    the two rows has no member), plus the row itself (a non-member without a birth date)."""
    by_name = Q(cadre__name=OuterRef("name"), cadre__birth_date=OuterRef("birth_date")) & (
        Q(cadre__member__isnull=True) | IsNull(OuterRef("member_id"), True)
    )
    person = Q(cadre_id=OuterRef("pk")) | Q(cadre__member_id=OuterRef("member_id")) | by_name
    # The visit's own organization (the cadre's, indexed with the day) narrows the search to one village.
    return VisitLog.objects.filter(in_year(year), person, organization_id=OuterRef("organization_id"))


def _counted(visits, aggregate):
    """``aggregate`` over ``visits`` (a queryset correlated to the outer cadre row) as a scalar subquery, so
    that it runs once per cadre row over an index, never over a join grouped afterwards."""
    return Coalesce(
        Subquery(
            visits.order_by().annotate(one=Value(1)).values("one").annotate(n=aggregate).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def distinct_households_by_cadre(*, organizations, year: int):
    """Cadre post rows of ``organizations`` (a queryset, objects or ids) whose term overlaps ``year`` and
    that either hold a quota post or logged a visit that year, each annotated with, for visits in the calendar
    year: ``households`` (distinct households visited under this post), ``visit_count``, ``open_concerns``
    (raised that year, still unresolved) and ``person_households`` (distinct households of the same person
    under all their posts in the village). One query."""
    first, last = year_bounds(year)
    own = VisitLog.objects.filter(in_year(year), cadre_id=OuterRef("pk"))
    return (
        Cadre.objects.filter(overlapping(first, last), organization__in=organizations)
        .filter(Q(post__in=QUOTA_POSTS) | Exists(own))
        .annotate(
            households=_counted(own, Count("household_key", distinct=True)),
            visit_count=_counted(own, Count("pk")),
            open_concerns=_counted(own.filter(is_open()), Count("pk")),
            person_households=_counted(_same_person_visits(year), Count("household_key", distinct=True)),
        )
        .select_related("organization")
        .order_by("organization__path", "post", "name", "pk")
    )


def target_for(cadre: Cadre) -> int | None:
    return HOUSEHOLDS_TARGET if cadre.post in QUOTA_POSTS else None


@dataclass(frozen=True)
class PersonVisits:
    """One person's visits in a village for a year, over all the post rows they held in it."""

    organization: Organization
    name: str
    posts: tuple[Cadre, ...]
    households: int
    visit_count: int
    open_concerns: int

    @property
    def target(self) -> int | None:
        return HOUSEHOLDS_TARGET if any(row.post in QUOTA_POSTS for row in self.posts) else None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.households >= self.target


def distinct_households_by_person(*, organizations, year: int) -> list[PersonVisits]:
    """``distinct_households_by_cadre`` with a person's several post rows in one village merged (一肩挑 is
    one person, counted once, their households one set). The count the ``visit.households`` quota reads.
    One query."""
    rows = sorted(
        distinct_households_by_cadre(organizations=organizations, year=year),
        key=lambda row: (row.organization.path, row.pk),
    )
    people = []
    for _organization, village_rows in groupby(rows, key=lambda row: row.organization_id):
        for person in group_people(list(village_rows)):
            first = min(person, key=lambda row: (row.member_id is None, _post_rank(row.post), row.pk))
            people.append(
                PersonVisits(
                    organization=first.organization,
                    name=first.name,
                    posts=tuple(sorted(person, key=lambda row: (_post_rank(row.post), row.pk))),
                    households=max(row.person_households for row in person),
                    visit_count=sum(row.visit_count for row in person),
                    open_concerns=sum(row.open_concerns for row in person),
                )
            )
    return people


POST_ORDER = {post: rank for rank, post in enumerate(CadrePost.values)}


def _post_rank(post: str) -> int:
    return POST_ORDER.get(post, len(POST_ORDER))


# --- pace -------------------------------------------------------------------------------------------


def projected_households(households: int, *, year: int, on: dt.date) -> float:
    """Households by year end at the pace so far: households × days in the year / days elapsed (``on``
    included). The actual count once the year is over; nothing projected before it starts."""
    first, last = year_bounds(year)
    if on >= last:
        return float(households)
    if on < first:
        return 0.0
    elapsed = (on - first).days + 1
    return households * ((last - first).days + 1) / elapsed


def projected_short(households: int, *, year: int, on: dt.date, target: int = HOUSEHOLDS_TARGET) -> bool:
    """Whether the pace so far leaves the year below ``target`` (for "projected below 50" alerts)."""
    return projected_households(households, year=year, on=on) < target


# --- quick entry ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretaryPost:
    """What a quick entry falls back on: the branch the actor is secretary of, and its serving secretary's
    post row (None when no secretary is recorded as serving that day)."""

    branch: Organization | None
    cadre: Cadre | None


def own_secretary_post(actor, on: dt.date) -> SecretaryPost:
    """The secretary post serving on ``on`` in the one branch ``actor`` holds a branch secretary role on.
    ``branch`` is None when the actor is secretary of no branch or of several."""
    branch_ids = list(
        StaffRole.objects.filter(
            user=actor, role=Role.BRANCH_SECRETARY, organization__dissolved_on__isnull=True
        )
        .values_list("organization_id", flat=True)
        .distinct()[:2]
    )
    if len(branch_ids) != 1:
        return SecretaryPost(None, None)
    branch = Organization.objects.get(pk=branch_ids[0])
    cadre = (
        Cadre.objects.filter(serving(on), organization=branch, post=CadrePost.SECRETARY)
        .select_related("organization")
        .order_by("-started_on", "-pk")
        .first()
    )
    return SecretaryPost(branch, cadre)
