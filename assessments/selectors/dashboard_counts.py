"""The dashboards' aggregates, one query each whatever the number of organizations: units, crediting of a
row to every unit above it, and the counts of organizations, members, quotas, stars, rooms, reserves and
alerts."""

import datetime as dt
import functools
from decimal import Decimal

from django.db.models import Case
from django.db.models import CharField
from django.db.models import Count
from django.db.models import Exists
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Sum
from django.db.models import Value
from django.db.models import When

from branches.models import BRANCH_KINDS
from branches.models import Organization
from branches.models import OrganizationField
from branches.selectors.records import room_targets
from branches.selectors.records import standardized_rooms_per_organization
from members.models import ON_ROLL
from members.models import Education
from members.models import Gender
from members.models import Member
from members.models import MemberCategory
from members.models import ReserveCadre
from members.selectors.cadres import in_roster_on
from members.selectors.cadres import years_before
from members.selectors.cadres import young_born_after

from ..models import AlertKind
from ..models import StarRating
from .quotas import published_alerts
from .quotas import published_results

RED_BELOW = Decimal("0.5")
STATUSES = ("green", "amber", "red", "none")


# (key, youngest age, oldest age) — None for open ends; ages counted on the reference day.
AGE_BANDS = (
    ("35-", None, 35),
    ("36-45", 36, 45),
    ("46-55", 46, 55),
    ("56-60", 56, 60),
    ("61+", 61, None),
)
ALERT_LIST_LIMIT = 50


def quota_status(*, target, actual, met) -> str:
    """The colour of one quota result (see the module docstring)."""
    if met is None:
        return "none"
    if met:
        return "green"
    if target is not None and actual is not None and Decimal(actual) >= Decimal(target) * RED_BELOW:
        return "amber"
    return "red"


def unit_of(organization: Organization) -> dict:
    return {
        "organization": {"id": organization.pk, "name": organization.name, "kind": organization.kind},
        "path": organization.path,
        "villages": 0,
        "households": 0,
        "population": 0,
        "branches": 0,
        "branches_by_field": {},
        "members": 0,
        "members_by_category": dict.fromkeys(MemberCategory.values, 0),
        "members_by_gender": dict.fromkeys(Gender.values, 0),
        "members_by_age": {key: 0 for key, _low, _high in AGE_BANDS},
        "members_by_education": dict.fromkeys(Education.values, 0),
        "new_members": 0,
        "quota": dict.fromkeys(STATUSES, 0),
        "stars": {str(stars): 0 for stars in range(6)},
        "rated": 0,
        "three_stars": 0,
        "rooms": {"standardized": 0, "target": None, "met": None},
        "reserve": {"villages": 0, "covered": 0, "share": None},
        "alerts": 0,
    }


def crediting(units: list[dict]):
    """A function giving the units whose subtree holds a path. It looks up the path's ancestors among the
    units' paths, once per path: the rows of a county (hundreds of branches, several rows each) then cost
    their depth, not the number of townships."""
    by_path = {unit["path"]: unit for unit in units}
    known = {}

    def units_holding(path: str) -> list[dict]:
        found = known.get(path)
        if found is None:
            found = [by_path[above] for above in paths_above(path or "") if above in by_path]
            known[path] = found
        return found

    return units_holding


@functools.lru_cache(maxsize=100_000)
def paths_above(path: str) -> tuple[str, ...]:
    """``path`` and the paths of its ancestors, from the root down: ``/1/23/`` gives ``/1/``, ``/1/23/``."""
    above, prefix = [], "/"
    for part in path.strip("/").split("/") if path.strip("/") else ():
        prefix += part + "/"
        above.append(prefix)
    return tuple(above)


def add_to(counter: dict, key: str, value) -> None:
    counter[key] = counter.get(key, 0) + (value or 0)


def as_number(value):
    """A Decimal for JSON: an int when whole, else a float; None stays None."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def percent_of(part, whole) -> float | None:
    if not whole:
        return None
    return round(100 * part / whole, 1)


def taking_part(ref: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": ref})


def branches_of(root: Organization, ref: dt.date):
    return Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS).filter(
        taking_part(ref)
    )


def count_organizations(units, root, ref):
    rows = (
        branches_of(root, ref)
        .values("path", "field")
        .annotate(n=Count("pk"), households=Sum("households"), population=Sum("population"))
        .order_by()
    )
    units_holding = crediting(units)
    for row in rows:
        for unit in units_holding(row["path"]):
            unit["branches"] += row["n"]
            add_to(unit["branches_by_field"], row["field"] or "", row["n"])
            if row["field"] == OrganizationField.VILLAGE:
                unit["villages"] += row["n"]
            unit["households"] += row["households"] or 0
            unit["population"] += row["population"] or 0


def age_filter(low, high, ref) -> Q:
    condition = Q()
    if high is not None:  # age <= high  ⇔  born after the day ``high + 1`` years before ref
        condition &= Q(birth_date__gt=years_before(ref, high + 1))
    if low is not None:  # age >= low  ⇔  born on or before the day ``low`` years before ref
        condition &= Q(birth_date__lte=years_before(ref, low))
    return condition


def count_members(units, root, year, ref):
    on_roll = Q(status__in=ON_ROLL)
    counts = {"total": Count("pk", filter=on_roll)}
    for value in MemberCategory.values:
        counts[f"category:{value}"] = Count("pk", filter=on_roll & Q(category=value))
    for value in Gender.values:
        counts[f"gender:{value}"] = Count("pk", filter=on_roll & Q(gender=value))
    for value in Education.values:
        counts[f"education:{value}"] = Count("pk", filter=on_roll & Q(education=value))
    for key, low, high in AGE_BANDS:
        counts[f"age:{key}"] = Count("pk", filter=on_roll & age_filter(low, high, ref))
    counts["new"] = Count("pk", filter=Q(joined_on__year=year))
    alias = {key: f"c{index}" for index, key in enumerate(counts)}
    rows = (
        Member.objects.filter(branch__path__startswith=root.path)
        .filter(taking_part(ref, "branch__"))
        .values("branch__path")
        .annotate(**{alias[key]: aggregate for key, aggregate in counts.items()})
        .order_by()
    )
    targets = {
        "category": "members_by_category",
        "gender": "members_by_gender",
        "education": "members_by_education",
        "age": "members_by_age",
    }
    units_holding = crediting(units)
    split = (key.split(":", 1) for key in alias if ":" in key)
    dimensions = [(targets[dimension], value, alias[f"{dimension}:{value}"]) for dimension, value in split]
    for row in rows:
        for unit in units_holding(row["branch__path"]):
            unit["members"] += row[alias["total"]]
            unit["new_members"] += row[alias["new"]]
            for target, value, name in dimensions:
                add_to(unit[target], value, row[name])


def quota_rows(root, year):
    return (
        published_results(year=year, organization=root)
        .filter(organization__kind__in=BRANCH_KINDS)
        .exclude(code__startswith="rollup.")
    )


def status_case():
    """``quota_status`` in SQL."""
    return Case(
        When(met__isnull=True, then=Value("none")),
        When(met=True, then=Value("green")),
        When(
            target__isnull=False,
            actual__isnull=False,
            actual__gte=F("target") * Value(RED_BELOW),
            then=Value("amber"),
        ),
        default=Value("red"),
        output_field=CharField(),
    )


def count_quotas(units, root, year):
    rows = (
        quota_rows(root, year)
        .annotate(status=status_case())
        .values("organization__path", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    units_holding = crediting(units)
    for row in rows:
        for unit in units_holding(row["organization__path"]):
            unit["quota"][row["status"]] += row["n"]


def count_stars(units, root, year, ref):
    rows = (
        StarRating.objects.filter(
            year=year, organization__path__startswith=root.path, organization__kind__in=BRANCH_KINDS
        )
        .filter(taking_part(ref, "organization__"))
        .values("organization__path", "stars")
        .annotate(n=Count("pk"))
        .order_by()
    )
    units_holding = crediting(units)
    for row in rows:
        for unit in units_holding(row["organization__path"]):
            add_to(unit["stars"], str(row["stars"]), row["n"])
            unit["rated"] += row["n"]
            if row["stars"] >= 3:
                unit["three_stars"] += row["n"]


def count_rooms(units, root, committees, year):
    """Each committee unit's standardized rooms (those of its subtree) against its target: two queries
    whatever the number of committees and rooms."""
    ids = {committee.pk for committee in committees}
    committee_units = [unit for unit in units if unit["organization"]["id"] in ids]
    standardized = dict.fromkeys((unit["path"] for unit in committee_units), 0)
    units_holding = crediting(committee_units)
    for path, rooms in standardized_rooms_per_organization(root=root, year=year).items():
        for unit in units_holding(path):
            standardized[unit["path"]] += rooms
    targets = room_targets(organizations=ids, year=year) if ids else {}
    for unit in committee_units:
        target = targets.get(unit["organization"]["id"])
        count = standardized[unit["path"]]
        unit["rooms"] = {
            "standardized": count,
            "target": target,
            "met": None if target is None else count >= target,
        }


def count_reserve(units, root, ref):
    young = ReserveCadre.objects.filter(
        in_roster_on(ref), organization=OuterRef("pk"), birth_date__gt=young_born_after(ref)
    )
    rows = (
        branches_of(root, ref)
        .filter(field=OrganizationField.VILLAGE)
        .values("path")
        .annotate(villages=Count("pk"), covered=Count("pk", filter=Q(Exists(young))))
        .order_by()
    )
    units_holding = crediting(units)
    for row in rows:
        for unit in units_holding(row["path"]):
            unit["reserve"]["villages"] += row["villages"]
            unit["reserve"]["covered"] += row["covered"]


def count_alerts(units, root, year):
    rows = (
        published_alerts(year=year, organization=root)
        .values("organization__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    units_holding = crediting(units)
    for row in rows:
        for unit in units_holding(row["organization__path"]):
            unit["alerts"] += row["n"]


def alert_list(root, year) -> list[dict]:
    labels = dict(AlertKind.choices)
    rows = (
        published_alerts(year=year, organization=root)
        .values("pk", "kind", "organization_id", "organization__name", "cadre__name", "detail")
        .order_by("organization__path", "kind", "pk")[:ALERT_LIST_LIMIT]
    )
    return [
        {
            "id": row["pk"],
            "kind": row["kind"],
            "label": str(labels.get(row["kind"], row["kind"])),
            "organization": {"id": row["organization_id"], "name": row["organization__name"]},
            "cadre": row["cadre__name"],
            "detail": row["detail"],
        }
        for row in rows
    ]


def finish_unit(unit: dict, star_target) -> dict:
    unit["stars"]["unrated"] = max(unit["branches"] - unit["rated"], 0)
    unit["stars_share"] = percent_of(unit["three_stars"], unit["branches"])
    unit["stars_target"] = star_target
    unit["stars_meets_target"] = unit["stars_share"] is not None and unit["stars_share"] >= star_target
    reserve = unit["reserve"]
    reserve["share"] = percent_of(reserve["covered"], reserve["villages"])
    unit["quota"]["total"] = sum(unit["quota"][status] for status in STATUSES)
    unit.pop("path")
    return unit
