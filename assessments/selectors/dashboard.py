"""Township and county dashboards (README, "Dashboards"): plain dicts, a fixed number of queries.

Every aggregate groups in the database by the organization a row belongs to (``values(path).annotate(...)``)
and the few hundred groups are credited here to each *unit* whose path is a prefix of theirs — the township
on a township dashboard, the county and each of its townships on a county dashboard. So the number of
queries does not depend on the number of branches; no query is made per branch.

Quota colours (``quota_status``), over the published QuotaResult rows of the year:

* ``green`` — the indicator is met;
* ``amber`` — not met, but the actual reaches at least half the target (``RED_BELOW`` = 50 %);
* ``red``   — not met and the actual is below half the target (or there is no actual);
* ``none``  — the indicator does not apply (``met`` is null).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from branches.models import (
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    DEMOCRATIC_REVIEW_KINDS,
    ActivityRoom,
    FinancialDisclosure,
    Organization,
    OrganizationField,
    OrganizationKind,
    ReviewKind,
    ReviewRecord,
)
from branches.selectors.records import standardized_rooms_vs_target
from members.models import (
    ON_ROLL,
    Cadre,
    ContactPoint,
    Education,
    Gender,
    Meeting,
    Member,
    MemberCategory,
    ReserveCadre,
    StudyRecord,
    Training,
    VisitLog,
)
from members.selectors.cadres import (
    TWO_COMMITTEE_POSTS,
    in_roster_on,
    serving,
    years_before,
    young_born_after,
)

from ..indicators import indicator_label
from ..models import AlertKind, StarRating
from .quotas import published_alerts, published_results
from .ratings import rating_policy_for

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
STATUS_LABELS = {
    "green": _("met"),
    "amber": _("not met, at least half the target"),
    "red": _("not met, below half the target"),
    "none": _("does not apply"),
}


def quota_status(*, target, actual, met) -> str:
    """The colour of one quota result (see the module docstring)."""
    if met is None:
        return "none"
    if met:
        return "green"
    if target is not None and actual is not None and Decimal(actual) >= Decimal(target) * RED_BELOW:
        return "amber"
    return "red"


def reference_day(year: int, today: dt.date | None = None) -> dt.date:
    """The day ages and rolls are taken: today, or 31 December of a past year (as the quota engine does)."""
    return min(today or timezone.localdate(), dt.date(year, 12, 31))


# --- units and crediting -----------------------------------------------------------------------------------


def _unit(organization: Organization) -> dict:
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


def _credit(units: list[dict], path: str):
    """The units whose subtree holds ``path``."""
    return [unit for unit in units if path and path.startswith(unit["path"])]


def _add(counter: dict, key: str, value) -> None:
    counter[key] = counter.get(key, 0) + (value or 0)


def _number(value):
    """A Decimal for JSON: an int when whole, else a float; None stays None."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def _percent(part, whole) -> float | None:
    if not whole:
        return None
    return round(100 * part / whole, 1)


def _taking_part(ref: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": ref})


def _branches(root: Organization, ref: dt.date):
    return Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS).filter(
        _taking_part(ref)
    )


# --- the aggregates, each one query ------------------------------------------------------------------------


def _count_organizations(units, root, ref):
    rows = (
        _branches(root, ref)
        .values("path", "field")
        .annotate(n=Count("pk"), households=Sum("households"), population=Sum("population"))
        .order_by()
    )
    for row in rows:
        for unit in _credit(units, row["path"]):
            unit["branches"] += row["n"]
            _add(unit["branches_by_field"], row["field"] or "", row["n"])
            if row["field"] == OrganizationField.VILLAGE:
                unit["villages"] += row["n"]
            unit["households"] += row["households"] or 0
            unit["population"] += row["population"] or 0


def _age_filter(low, high, ref) -> Q:
    condition = Q()
    if high is not None:  # age <= high  ⇔  born after the day ``high + 1`` years before ref
        condition &= Q(birth_date__gt=years_before(ref, high + 1))
    if low is not None:  # age >= low  ⇔  born on or before the day ``low`` years before ref
        condition &= Q(birth_date__lte=years_before(ref, low))
    return condition


def _count_members(units, root, year, ref):
    on_roll = Q(status__in=ON_ROLL)
    counts = {"total": Count("pk", filter=on_roll)}
    for value in MemberCategory.values:
        counts[f"category:{value}"] = Count("pk", filter=on_roll & Q(category=value))
    for value in Gender.values:
        counts[f"gender:{value}"] = Count("pk", filter=on_roll & Q(gender=value))
    for value in Education.values:
        counts[f"education:{value}"] = Count("pk", filter=on_roll & Q(education=value))
    for key, low, high in AGE_BANDS:
        counts[f"age:{key}"] = Count("pk", filter=on_roll & _age_filter(low, high, ref))
    counts["new"] = Count("pk", filter=Q(joined_on__year=year))
    alias = {key: f"c{index}" for index, key in enumerate(counts)}
    rows = (
        Member.objects.filter(branch__path__startswith=root.path)
        .filter(_taking_part(ref, "branch__"))
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
    for row in rows:
        for unit in _credit(units, row["branch__path"]):
            unit["members"] += row[alias["total"]]
            unit["new_members"] += row[alias["new"]]
            for key, name in alias.items():
                if ":" in key:
                    dimension, value = key.split(":", 1)
                    _add(unit[targets[dimension]], value, row[name])


def _quota_rows(root, year):
    return (
        published_results(year=year, organization=root)
        .filter(organization__kind__in=BRANCH_KINDS)
        .exclude(code__startswith="rollup.")
    )


def _status_case():
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


def _count_quota(units, root, year):
    rows = (
        _quota_rows(root, year)
        .annotate(status=_status_case())
        .values("organization__path", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        for unit in _credit(units, row["organization__path"]):
            unit["quota"][row["status"]] += row["n"]


def _count_stars(units, root, year, ref):
    rows = (
        StarRating.objects.filter(
            year=year, organization__path__startswith=root.path, organization__kind__in=BRANCH_KINDS
        )
        .filter(_taking_part(ref, "organization__"))
        .values("organization__path", "stars")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        for unit in _credit(units, row["organization__path"]):
            _add(unit["stars"], str(row["stars"]), row["n"])
            unit["rated"] += row["n"]
            if row["stars"] >= 3:
                unit["three_stars"] += row["n"]


def _count_rooms(units, committees_qs, year):
    by_path = {unit["path"]: unit for unit in units}
    rows = standardized_rooms_vs_target(organizations=committees_qs, year=year).values(
        "path", "standardized_rooms", "room_target"
    )
    for row in rows:
        unit = by_path.get(row["path"])
        if unit is not None:
            unit["rooms"] = {
                "standardized": row["standardized_rooms"],
                "target": row["room_target"],
                "met": None
                if row["room_target"] is None
                else row["standardized_rooms"] >= row["room_target"],
            }
    return by_path


def _count_reserve(units, root, ref):
    young = ReserveCadre.objects.filter(
        in_roster_on(ref), organization=OuterRef("pk"), birth_date__gt=young_born_after(ref)
    )
    rows = (
        _branches(root, ref)
        .filter(field=OrganizationField.VILLAGE)
        .values("path")
        .annotate(villages=Count("pk"), covered=Count("pk", filter=Q(Exists(young))))
        .order_by()
    )
    for row in rows:
        for unit in _credit(units, row["path"]):
            unit["reserve"]["villages"] += row["villages"]
            unit["reserve"]["covered"] += row["covered"]


def _count_alerts(units, root, year):
    rows = (
        published_alerts(year=year, organization=root)
        .values("organization__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        for unit in _credit(units, row["organization__path"]):
            unit["alerts"] += row["n"]


def _alert_list(root, year) -> list[dict]:
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


def _finish(unit: dict, star_target) -> dict:
    unit["stars"]["unrated"] = max(unit["branches"] - unit["rated"], 0)
    unit["stars_share"] = _percent(unit["three_stars"], unit["branches"])
    unit["stars_target"] = star_target
    unit["stars_meets_target"] = unit["stars_share"] is not None and unit["stars_share"] >= star_target
    reserve = unit["reserve"]
    reserve["share"] = _percent(reserve["covered"], reserve["villages"])
    unit["quota"]["total"] = sum(unit["quota"][status] for status in STATUSES)
    unit.pop("path")
    return unit


# --- the dashboards ----------------------------------------------------------------------------------------


def _labels() -> dict:
    return {
        "fields": {value: str(label) for value, label in OrganizationField.choices},
        "categories": {value: str(label) for value, label in MemberCategory.choices},
        "genders": {value: str(label) for value, label in Gender.choices},
        "education": {value: str(label) for value, label in Education.choices},
        "ages": {key: key for key, _low, _high in AGE_BANDS},
        "statuses": {status: str(label) for status, label in STATUS_LABELS.items()},
        "stars": {
            **{str(n): ngettext("%(n)s star", "%(n)s stars", n) % {"n": n} for n in range(1, 6)},
            "0": gettext("No star"),
            "unrated": gettext("Not rated"),
        },
    }


def _summaries(*, units_orgs, root, year, ref, committees_qs, count_quota=True):
    units = [_unit(organization) for organization in units_orgs]
    _count_organizations(units, root, ref)
    _count_members(units, root, year, ref)
    if count_quota:
        _count_quota(units, root, year)
    _count_stars(units, root, year, ref)
    _count_rooms(units, committees_qs, year)
    _count_reserve(units, root, ref)
    _count_alerts(units, root, year)
    return units


def _room_totals(unit: dict, children: list[dict]) -> None:
    """A county's rooms: the sum over its townships (targets are set per township)."""
    targets = [child["rooms"]["target"] for child in children if child["rooms"]["target"] is not None]
    standardized = sum(child["rooms"]["standardized"] for child in children)
    target = sum(targets) if targets else None
    unit["rooms"] = {
        "standardized": standardized,
        "target": target,
        "met": None if target is None else standardized >= target,
    }


def branch_quota_table(*, organization: Organization, year: int, ref: dt.date) -> dict:
    """Each branch of the subtree with each of its published results and their colours (two queries)."""
    branches = list(_branches(organization, ref).values("pk", "name", "field").order_by("path"))
    if organization.kind in BRANCH_KINDS and not branches:
        branches = [{"pk": organization.pk, "name": organization.name, "field": organization.field}]
    rows = _quota_rows(organization, year).values("organization_id", "code", "target", "actual", "met")
    results = defaultdict(dict)
    codes = set()
    per_code = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for row in rows.order_by():
        status = quota_status(target=row["target"], actual=row["actual"], met=row["met"])
        results[row["organization_id"]][row["code"]] = {
            "target": _number(row["target"]),
            "actual": _number(row["actual"]),
            "met": row["met"],
            "status": status,
        }
        codes.add(row["code"])
        per_code[row["code"]][status] += 1
    ordered = sorted(codes)
    return {
        "codes": [{"code": code, "label": indicator_label(code), **per_code[code]} for code in ordered],
        "branches": [
            {
                "id": branch["pk"],
                "name": branch["name"],
                "field": branch["field"],
                "results": [results[branch["pk"]].get(code) for code in ordered],
                "red": sum(1 for r in results[branch["pk"]].values() if r["status"] == "red"),
            }
            for branch in branches
        ],
    }


def township_dashboard(*, user, organization: Organization, year: int, today: dt.date | None = None) -> dict:
    """The dashboard of a township (street) — or of a branch, which gets the same parts for itself alone.

    ``user`` must already be allowed to read ``organization`` (views fetch it with ``organization_get``);
    everything counted lies in its subtree, hence in the user's scope."""
    ref = reference_day(year, today)
    committees = Organization.objects.filter(pk=organization.pk)
    (unit,) = _summaries(
        units_orgs=[organization],
        root=organization,
        year=year,
        ref=ref,
        committees_qs=committees,
        count_quota=False,
    )
    table = branch_quota_table(organization=organization, year=year, ref=ref)
    for column in table["codes"]:  # the table holds every result of the subtree: count its colours
        for status in STATUSES:
            unit["quota"][status] += column[status]
    star_target = rating_policy_for(organization=organization, year=year).three_star_target
    return {
        "kind": "township" if organization.kind in COMMITTEE_KINDS else "branch",
        "year": year,
        "reference_day": ref.isoformat(),
        "organization": unit["organization"],
        "summary": _finish(unit, star_target),
        "quota_table": table,
        "alerts": _alert_list(organization, year),
        "labels": _labels(),
    }


def county_dashboard(*, user, organization: Organization, year: int, today: dt.date | None = None) -> dict:
    """The county's dashboard: the county's totals and the same figures for each township, side by side."""
    ref = reference_day(year, today)
    townships = list(
        Organization.objects.filter(parent=organization, kind__in=COMMITTEE_KINDS)
        .filter(_taking_part(ref))
        .order_by("path")
    )
    committees = Organization.objects.filter(pk__in=[township.pk for township in townships])
    units = _summaries(
        units_orgs=[organization, *townships], root=organization, year=year, ref=ref, committees_qs=committees
    )
    county, children = units[0], units[1:]
    _room_totals(county, children)
    star_target = rating_policy_for(organization=organization, year=year).three_star_target
    return {
        "kind": "county",
        "year": year,
        "reference_day": ref.isoformat(),
        "organization": county["organization"],
        "summary": _finish(county, star_target),
        "townships": [_finish(child, star_target) for child in children],
        "alerts": _alert_list(organization, year),
        "labels": _labels(),
    }


def dashboard(*, user, organization: Organization, year: int, today: dt.date | None = None) -> dict:
    """The county or township dashboard, by the organization's kind (a branch gets its own small one)."""
    if organization.kind == OrganizationKind.COUNTY_COMMITTEE:
        return county_dashboard(user=user, organization=organization, year=year, today=today)
    return township_dashboard(user=user, organization=organization, year=year, today=today)


# --- drill-down: the records behind one number --------------------------------------------------------------


class Drill:
    """The records behind a quota result: ``queryset`` (scoped, ordered), ``columns``, ``cells(record)``."""

    def __init__(self, queryset, columns, cells):
        self.queryset, self.columns, self.cells = queryset, columns, cells


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _date(value) -> str:
    return value.isoformat() if value else ""


def _drill_for(code: str, *, user, organization: Organization, year: int, ref: dt.date) -> Drill | None:

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if code.startswith("meet."):
        queryset = Meeting.objects.restrict(user).filter(
            organization=organization, kind=code.removeprefix("meet."), held_on__range=(first, last)
        )
        columns = [_label(Meeting, f) for f in ("held_on", "kind", "topic", "attendee_count")]
        return Drill(
            queryset.order_by("held_on", "pk"),
            columns,
            lambda m: [_date(m.held_on), m.get_kind_display(), m.topic, m.attendee_count],
        )
    if code == "visit.households":
        queryset = VisitLog.objects.restrict(user).filter(
            organization=organization, visited_on__range=(first, last)
        )
        columns = [_label(VisitLog, f) for f in ("visited_on", "cadre", "household_name", "village_group")]
        return Drill(
            queryset.select_related("cadre").order_by("cadre__name", "visited_on", "pk"),
            columns,
            lambda v: [_date(v.visited_on), v.cadre.name, v.household_name, v.village_group],
        )
    if code.startswith("dev."):
        since = first.replace(year=year - 1) if code == "dev.two_years_none" else first
        queryset = Member.objects.restrict(user).filter(branch=organization, joined_on__range=(since, last))
        columns = [_label(Member, f) for f in ("name", "joined_on", "birth_date", "education")]
        return Drill(
            queryset.order_by("joined_on", "pk"),
            columns,
            lambda m: [m.name, _date(m.joined_on), _date(m.birth_date), m.get_education_display()],
        )
    if code == "train.per_level":
        queryset = Training.objects.restrict(user).filter(
            organizer=organization, held_on__range=(first, last)
        )
    elif code in ("train.secretary", "train.rotation"):
        attended = Q(member_attendees__branch=organization) | Q(cadre_attendees__organization=organization)
        # Only the trainings the user may read: a township's staff do not see the county's own trainings.
        queryset = Training.objects.restrict(user).filter(attended, held_on__range=(first, last)).distinct()
    else:
        queryset = None
    if queryset is not None:
        columns = [_label(Training, f) for f in ("held_on", "level", "topic", "days")]
        return Drill(
            queryset.order_by("held_on", "pk"),
            columns,
            lambda t: [_date(t.held_on), t.get_level_display(), t.topic, t.days],
        )
    if code.startswith("study.village."):
        queryset = StudyRecord.objects.restrict(user).filter(organization=organization, year=year)
        fields = ("cadre", "month", "sessions", "note_characters", "articles")
        return Drill(
            queryset.select_related("cadre").order_by("cadre__name", "month", "pk"),
            [_label(StudyRecord, f) for f in fields],
            lambda s: [s.cadre.name, s.month, s.sessions, s.note_characters, s.articles],
        )
    review_kinds = {
        "review.committee_reports": [ReviewKind.COMMITTEE_REPORT],
        "review.branch_reports": [ReviewKind.BRANCH_REPORT],
        "review.democratic": DEMOCRATIC_REVIEW_KINDS,
    }
    if code in review_kinds:
        queryset = ReviewRecord.objects.restrict(user).filter(
            organization=organization, kind__in=review_kinds[code], held_on__range=(first, last)
        )
        return Drill(
            queryset.order_by("held_on", "pk"),
            [_label(ReviewRecord, f) for f in ("held_on", "kind", "topic", "participants")],
            lambda r: [_date(r.held_on), r.get_kind_display(), r.topic, r.participants],
        )
    if code == "review.disclosures":
        queryset = FinancialDisclosure.objects.restrict(user).filter(organization=organization, year=year)
        return Drill(
            queryset.order_by("disclosed_on", "pk"),
            [
                _label(FinancialDisclosure, f)
                for f in ("period", "disclosed_on", "income_yuan", "expenditure_yuan")
            ],
            lambda d: [d.get_period_display(), _date(d.disclosed_on), d.income_yuan, d.expenditure_yuan],
        )
    if code == "reserve.young":
        queryset = ReserveCadre.objects.restrict(user).filter(in_roster_on(ref), organization=organization)
        return Drill(
            queryset.order_by("birth_date", "pk"),
            [_label(ReserveCadre, f) for f in ("name", "birth_date", "education", "entered_on")],
            lambda r: [r.name, _date(r.birth_date), r.get_education_display(), _date(r.entered_on)],
        )
    if code == "reserve.team_young":
        queryset = Cadre.objects.restrict(user).filter(
            serving(ref), organization=organization, post__in=TWO_COMMITTEE_POSTS
        )
        return Drill(
            queryset.order_by("birth_date", "pk"),
            [_label(Cadre, f) for f in ("name", "post", "birth_date", "started_on")],
            lambda c: [c.name, c.get_post_display(), _date(c.birth_date), _date(c.started_on)],
        )
    if code == "contact.visit":
        queryset = ContactPoint.objects.restrict(user).filter(organization=organization, year=year)
        fields = ("leader", "lecture_on", "check_on", "activity_on", "days_spent")
        return Drill(
            queryset.select_related("leader").order_by("pk"),
            [_label(ContactPoint, f) for f in fields],
            lambda p: [
                p.leader.name,
                _date(p.lecture_on),
                _date(p.check_on),
                _date(p.activity_on),
                p.days_spent,
            ],
        )
    if code == "room.standardized":
        queryset = ActivityRoom.objects.restrict(user).filter(
            organization__path__startswith=organization.path, is_standardized=True, standardized_on__lte=last
        )
        return Drill(
            queryset.select_related("organization").order_by("organization__path", "pk"),
            [_label(ActivityRoom, f) for f in ("organization", "name", "standardized_on", "area_m2")],
            lambda r: [r.organization.name, r.name, _date(r.standardized_on), r.area_m2],
        )
    return None


def drill_down(*, user, organization: Organization, code: str, year: int, today: dt.date | None = None):
    """The published result of ``organization`` for ``code`` and ``year`` (None when there is none) with its
    colour, and the records behind it (a ``Drill``, or None for an indicator without records of its own)."""
    ref = reference_day(year, today)
    row = (
        published_results(year=year, organization=organization)
        .filter(organization=organization, code=code)
        .values("target", "actual", "met", "detail")
        .first()
    )
    result = None
    if row is not None:
        result = {
            "code": code,
            "label": indicator_label(code),
            "target": _number(row["target"]),
            "actual": _number(row["actual"]),
            "met": row["met"],
            "detail": row["detail"],
            "status": quota_status(target=row["target"], actual=row["actual"], met=row["met"]),
        }
    return result, _drill_for(code, user=user, organization=organization, year=year, ref=ref)
