"""Reads over the organizations' own records, and the standardized rooms the annual quotas read
(docs/quotas.md: ``room.standardized``).

Everything here is set-based: each function annotates a queryset with correlated subqueries, so any number of
organizations costs one query, never one per organization; ``targets_met`` judges every target in two.
"""

import os
from collections import defaultdict
from decimal import Decimal

from django.db.models import BooleanField
from django.db.models import Case
from django.db.models import Count
from django.db.models import DecimalField
from django.db.models import F
from django.db.models import Func
from django.db.models import IntegerField
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models import Sum
from django.db.models import Value
from django.db.models import When
from django.db.models.functions import Cast
from django.db.models.functions import Coalesce
from django.db.models.functions import ExtractYear

from ..models import ActivityRoom
from ..models import FinancialDisclosure
from ..models import Organization
from ..models import ReviewRecord
from ..models import RoomInvestment
from ..models import StandardizedRoomTarget
from ..models.records import FACILITY_FIELDS


def _count(queryset):
    """``SELECT COUNT(*)`` of a correlated queryset as a subquery: one row, 0 when nothing matches."""
    counted = queryset.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- activity rooms -------------------------------------------------------------------------------------


def with_room_totals(queryset):
    """Rooms annotated with ``facilities_total`` (facilities ticked on the checklist) and
    ``investments_total`` (yuan invested so far), for lists that show or sort by them."""
    invested = (
        RoomInvestment.objects.filter(room=OuterRef("pk"))
        .order_by()
        .values("room")
        .annotate(total=Sum("amount_yuan"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    facilities = sum(Cast(name, IntegerField()) for name in FACILITY_FIELDS)
    return queryset.annotate(
        facilities_total=facilities,
        investments_total=Coalesce(
            Subquery(invested, output_field=money), Value(Decimal("0.00")), output_field=money
        ),
    )


def activity_room_list(*, user, action: str = "view"):
    return with_room_totals(ActivityRoom.objects.restrict(user, action).select_related("organization"))


def room_investment_list(*, user, action: str = "view"):
    return RoomInvestment.objects.restrict(user, action).select_related("room__organization")


# --- standardized rooms against the townships' targets ---------------------------------------------------


def _standardized_by(year) -> Q:
    """Rooms certified as standardized by 31 December of ``year``, leaving out the rooms of organizations
    dissolved by then. ``year`` may be an outer reference."""
    return Q(
        Q(organization__dissolved_on__isnull=True) | Q(organization__dissolved_on__year__gt=year),
        is_standardized=True,
        standardized_on__year__lte=year,
    )


def _standardized_rooms(*, path, year):
    """Standardized rooms in the subtree under ``path`` (``_standardized_by``). ``path`` and ``year`` may
    be outer references.

    Counted per organization of the subtree, then summed: the subtree is an index range (branches/models/
    paths.py) and each organization's rooms an index lookup, a plan fixed by the query's shape. Counted as
    one join, the planner read every room of the database once per outer row."""
    inner_year = OuterRef(year) if isinstance(year, OuterRef) else year
    rooms = ActivityRoom.objects.filter(
        is_standardized=True, standardized_on__year__lte=inner_year, organization=OuterRef("pk")
    )
    organizations = Organization.objects.filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__year__gt=year), path__under=path
    )
    summed = organizations.order_by().annotate(total=Func(_count(rooms), function="SUM")).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


def standardized_rooms_per_organization(*, root, year: int) -> dict[str, int]:
    """Standardized rooms in ``root``'s subtree (``_standardized_by``), per organization path: one grouped
    query over an indexed prefix, for a caller that credits them to the committees above (the
    dashboards), where a correlated count per committee reads the rooms once per committee."""
    rows = (
        ActivityRoom.objects.filter(_standardized_by(year), organization__path__startswith=root.path)
        .values("organization__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["organization__path"]: row["n"] for row in rows}


def room_targets(*, organizations, year: int) -> dict[int, int]:
    """Each organization's standardized-room target for ``year``, by id (those without one left out)."""
    targets = StandardizedRoomTarget.objects.filter(organization__in=organizations, year=year)
    return dict(targets.values_list("organization_id", "target"))


def _met(count: str, target: str):
    """True or False against the target; None when there is no target."""
    return Case(
        When(**{f"{target}__isnull": True}, then=Value(None)),
        When(**{f"{count}__gte": F(target)}, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(null=True),
    )


def standardized_rooms_vs_target(*, organizations, year: int):
    """``organizations`` (townships and streets, a queryset) annotated with ``standardized_rooms`` (in the
    subtree, certified by the end of ``year``), ``room_target`` (that year's target, None when none is set)
    and ``room_target_met`` (None without a target). One query whatever the number of organizations."""
    target = StandardizedRoomTarget.objects.filter(organization=OuterRef("pk"), year=year)
    target = target.order_by().values("target")[:1]
    return organizations.annotate(
        standardized_rooms=_standardized_rooms(path=OuterRef("path"), year=year),
        room_target=Subquery(target, output_field=IntegerField()),
    ).annotate(room_target_met=_met("standardized_rooms", "room_target"))


def with_target_progress(queryset):
    """Targets annotated with ``standardized_count`` (the township's standardized rooms certified by the end
    of the target's year) and ``met``."""
    return queryset.annotate(
        standardized_count=_standardized_rooms(path=OuterRef("organization__path"), year=OuterRef("year"))
    ).annotate(met=_met("standardized_count", "target"))


def targets_met(queryset, *, met: bool):
    """The room targets of ``queryset`` that are met (or, with ``met=False``, not met), judged as
    ``with_target_progress`` judges them, in two queries whatever their number: the targets, and the
    standardized rooms under them counted per organization, year of certification and year of dissolution;
    each count is then credited to the targets above its organization. Filtering on the annotation instead
    counted every target's subtree organization by organization: 0.7–0.9 s for a province's 4,000 targets."""
    targets = list(queryset.order_by().values_list("pk", "organization__path", "year", "target"))
    under = _rooms_under({path for _pk, path, _year, _target in targets})
    chosen = [pk for pk, path, year, target in targets if (_standardized(under[path], year) >= target) is met]
    return queryset.filter(pk__in=chosen)


def _standardized(rooms: list[tuple], year: int) -> int:
    """``_standardized_by``: certified by the end of ``year``, in an organization not dissolved by then."""
    return sum(
        n
        for certified, dissolved, n in rooms
        if certified <= year and (dissolved is None or dissolved > year)
    )


def _rooms_under(paths: set[str]) -> dict[str, list[tuple]]:
    """For each of ``paths``, the standardized rooms of its subtree as (year certified, year its organization
    was dissolved or None, rooms)."""
    under = defaultdict(list)
    if not paths:
        return under
    rows = (
        ActivityRoom.objects.filter(
            is_standardized=True,
            standardized_on__isnull=False,
            organization__path__startswith=_common_root(paths),
        )
        .values_list(
            "organization__path",
            Cast(ExtractYear("standardized_on"), IntegerField()),
            Cast(ExtractYear("organization__dissolved_on"), IntegerField()),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for path, certified, dissolved, n in rows:
        for above in _targets_above(path, paths):
            under[above].append((certified, dissolved, n))
    return under


def _targets_above(path: str, paths: set[str]):
    """The prefixes of ``path`` (itself included) that end at a "/" and are among ``paths``: one look-up a
    level of the tree, for a province's tens of thousands of rows."""
    end = path.find("/", 1)
    while end != -1:
        if (above := path[: end + 1]) in paths:
            yield above
        end = path.find("/", end + 1)


def _common_root(paths: set[str]) -> str:
    prefix = os.path.commonprefix(sorted(paths))
    return prefix[: prefix.rfind("/") + 1]


def room_target_list(*, user, action: str = "view"):
    return with_target_progress(
        StandardizedRoomTarget.objects.restrict(user, action).select_related("organization")
    )


# --- reports, reviews and disclosures --------------------------------------------------------------------


def review_record_list(*, user, action: str = "view"):
    return ReviewRecord.objects.restrict(user, action).select_related("organization")


def disclosure_list(*, user, action: str = "view"):
    return FinancialDisclosure.objects.restrict(user, action).select_related("organization")
