"""Reads over cadre posts and reserve rosters: the lists, cross-appointment (交叉任职, 一肩挑) derived from
the post rows, and the youth of each village's reserve roster and two-committee team (``reserve.young``).

Everything here is set-based: one query for any number of organizations or rows, never one per row.
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
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull

from ..models import Cadre
from ..models import CadrePost
from ..models import ReserveCadre
from ..models.cadres import BRANCH_POSTS
from ..models.cadres import TWO_COMMITTEE_POSTS
from ..models.cadres import VILLAGE_COMMITTEE_POSTS

YOUNG_MAX_AGE = 35
ONE_SHOULDER_POSTS = frozenset({CadrePost.SECRETARY, CadrePost.VILLAGE_DIRECTOR})


# --- lists (what the API, the list pages and their exports read) ------------------------------------


def cadre_list(*, user):
    return Cadre.objects.restrict(user, "view").select_related("organization")


def reserve_cadre_list(*, user):
    return ReserveCadre.objects.restrict(user, "view").select_related("organization")


# --- ages -------------------------------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def young_born_after(on: dt.date) -> dt.date:
    """Whoever is born after this date is at most 35 on ``on``: 35岁以下 includes 35, and the 36th birthday
    itself no longer counts."""
    return years_before(on, YOUNG_MAX_AGE + 1)


def is_young(birth_date: dt.date | None, on: dt.date) -> bool:
    return birth_date is not None and birth_date > young_born_after(on)


# --- who is the same person -------------------------------------------------------------------------


def same_person(a: Cadre, b: Cadre) -> bool:
    """The same member record, or, where one of the two rows has none (a non-member village committee
    member), the same name and birth date."""
    if a.member_id is not None and a.member_id == b.member_id:
        return True
    if a.member_id is not None and b.member_id is not None:
        return False
    return a.birth_date is not None and (a.name, a.birth_date) == (b.name, b.birth_date)


def same_person_as_outer() -> Q:
    """``same_person`` as a condition on a subquery row against the outer row."""
    by_name = Q(name=OuterRef("name"), birth_date=OuterRef("birth_date")) & (
        Q(member__isnull=True) | IsNull(OuterRef("member_id"), True)
    )
    return Q(member_id=OuterRef("member_id")) | by_name


def same_person_as(cadre: Cadre) -> Q:
    """``same_person`` as a filter for the rows of the person in ``cadre`` (not yet saved, perhaps)."""
    condition = Q(pk__in=[])
    if cadre.member_id is not None:
        condition |= Q(member_id=cadre.member_id)
    if cadre.birth_date is not None:
        by_name = Q(name=cadre.name, birth_date=cadre.birth_date)
        if cadre.member_id is not None:
            by_name &= Q(member__isnull=True)
        condition |= by_name
    return condition


def overlapping(started_on: dt.date, ended_on: dt.date | None) -> Q:
    """Rows whose term shares at least one day with [started_on, ended_on] (both days included)."""
    condition = Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    if ended_on is not None:
        condition &= Q(started_on__lte=ended_on)
    return condition


def serving(on: dt.date) -> Q:
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


# --- cross-appointment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossAppointment:
    """One person holding a branch post and a village committee post in the same village on one day."""

    organization_id: int
    name: str
    member_id: int | None
    posts: tuple[Cadre, ...]

    @property
    def branch_posts(self) -> tuple[Cadre, ...]:
        return tuple(row for row in self.posts if row.post in BRANCH_POSTS)

    @property
    def village_posts(self) -> tuple[Cadre, ...]:
        return tuple(row for row in self.posts if row.post in VILLAGE_COMMITTEE_POSTS)

    @property
    def is_one_shoulder(self) -> bool:
        """一肩挑: the branch secretary is also the village committee director."""
        return {row.post for row in self.posts} >= ONE_SHOULDER_POSTS


def group_people(rows: list[Cadre]) -> list[list[Cadre]]:
    """Group one organization's rows into people (transitively, so a non-member row joins the member whose
    name and birth date it carries)."""
    people: list[list[Cadre]] = []
    for row in rows:
        matching = [person for person in people if any(same_person(row, other) for other in person)]
        merged = [row]
        for person in matching:
            merged.extend(person)
            people.remove(person)
        people.append(merged)
    return people


def cross_appointments(*, organizations, on: dt.date) -> list[CrossAppointment]:
    """People holding, on ``on``, a branch post and a village committee post at once in the same village,
    for the given organizations (a queryset, objects or ids). One query."""
    rows = (
        Cadre.objects.filter(serving(on), organization__in=organizations, post__in=TWO_COMMITTEE_POSTS)
        .order_by("organization_id", "pk")
        .only("id", "organization_id", "post", "member_id", "name", "birth_date", "started_on", "ended_on")
    )
    found = []
    for organization_id, organization_rows in groupby(rows, key=lambda row: row.organization_id):
        for person in group_people(list(organization_rows)):
            posts = {row.post for row in person}
            if posts & BRANCH_POSTS and posts & VILLAGE_COMMITTEE_POSTS:
                first = min(person, key=lambda row: (row.member_id is None, row.pk))
                person.sort(key=lambda row: row.pk)
                found.append(CrossAppointment(organization_id, first.name, first.member_id, tuple(person)))
    return found


class ConcurrentPosts:
    """For a set of cadre rows: the posts on the other side (branch ↔ village committee) that the same
    person holds in the same village on ``on``. Built with one query for the whole set."""

    def __init__(self, cadres, *, on: dt.date):
        self.on = on
        self._other_side: dict[int, tuple[Cadre, ...]] = {}
        organization_ids = {cadre.organization_id for cadre in cadres}
        for appointment in cross_appointments(organizations=organization_ids, on=on):
            for row in appointment.posts:
                side = appointment.village_posts if row.post in BRANCH_POSTS else appointment.branch_posts
                self._other_side[row.pk] = side

    def of(self, cadre: Cadre) -> tuple[Cadre, ...]:
        return self._other_side.get(cadre.pk, ())

    def is_one_shoulder(self, cadre: Cadre) -> bool:
        if cadre.post not in ONE_SHOULDER_POSTS:
            return False
        return (ONE_SHOULDER_POSTS - {cadre.post}) <= {row.post for row in self.of(cadre)}


def one_shoulder(on: dt.date) -> Q:
    """Rows that are one half of a 一肩挑 on ``on``, as a filter (so counts and pages stay right)."""

    def also_serving_as(post):
        return Exists(
            Cadre.objects.filter(
                serving(on), same_person_as_outer(), organization_id=OuterRef("organization_id"), post=post
            )
        )

    secretary_also_director = Q(post=CadrePost.SECRETARY) & also_serving_as(CadrePost.VILLAGE_DIRECTOR)
    director_also_secretary = Q(post=CadrePost.VILLAGE_DIRECTOR) & also_serving_as(CadrePost.SECRETARY)
    return serving(on) & (secretary_also_director | director_also_secretary)


# --- youth of the village teams ---------------------------------------------------------------------


def in_roster_on(on: dt.date) -> Q:
    """Reserve cadres on the roster that day: entered by then, neither promoted nor removed yet."""
    return (
        Q(entered_on__lte=on)
        & (Q(promoted_on__isnull=True) | Q(promoted_on__gt=on))
        & (Q(removed_on__isnull=True) | Q(removed_on__gt=on))
    )


def village_youth(*, organizations, on: dt.date):
    """``organizations`` (a queryset of villages) annotated with ``young_reserves``, the number of reserve
    cadres on the roster on ``on`` aged 35 or less, and ``young_in_team``, whether someone aged 35 or less
    holds a branch or village committee post that day. One query whatever the number of villages."""
    born_after = young_born_after(on)
    young_reserves = (
        ReserveCadre.objects.filter(in_roster_on(on), organization=OuterRef("pk"), birth_date__gt=born_after)
        .order_by()
        .values("organization")
        .annotate(count=Count("pk"))
        .values("count")
    )
    young_in_team = Cadre.objects.filter(
        serving(on), organization=OuterRef("pk"), post__in=TWO_COMMITTEE_POSTS, birth_date__gt=born_after
    )
    return organizations.annotate(
        young_reserves=Coalesce(Subquery(young_reserves, output_field=IntegerField()), 0),
        young_in_team=Exists(young_in_team),
    )
