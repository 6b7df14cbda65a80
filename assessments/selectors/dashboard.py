"""Township and county dashboards (README, "Dashboards"): plain dicts, a fixed number of queries.

Every aggregate groups in the database by the organization a row belongs to (``values(path).annotate(...)``)
and the few hundred groups are credited here to each *unit* whose path is a prefix of theirs — the township
on a township dashboard, the county and each of its townships on a county dashboard. So the number of
queries does not depend on the number of branches; no query is made per branch.

Quota colours (``quota_status``), over the published QuotaResult rows of the year:

* ``green`` — the indicator is met;
* ``amber`` — not met, but the actual reaches at least half the target (``RED_BELOW`` = 50 %);
* ``red``   — not met and the actual is below half the target (or there is no actual);
* ``none``  — the indicator does not apply (``met`` is null)."""

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from branches.models import Organization
from branches.models import OrganizationField
from branches.models import OrganizationKind
from members.models import Education
from members.models import Gender
from members.models import MemberCategory

from ..indicators import indicator_label
from .dashboard_counts import AGE_BANDS
from .dashboard_counts import STATUSES
from .dashboard_counts import alert_list
from .dashboard_counts import as_number
from .dashboard_counts import branches_of
from .dashboard_counts import count_alerts
from .dashboard_counts import count_members
from .dashboard_counts import count_organizations
from .dashboard_counts import count_quotas
from .dashboard_counts import count_reserve
from .dashboard_counts import count_rooms
from .dashboard_counts import count_stars
from .dashboard_counts import finish_unit
from .dashboard_counts import quota_rows
from .dashboard_counts import quota_status
from .dashboard_counts import taking_part
from .dashboard_counts import unit_of
from .ratings import rating_policy_for

STATUS_LABELS = {
    "green": _("met"),
    "amber": _("not met, at least half the target"),
    "red": _("not met, below half the target"),
    "none": _("does not apply"),
}


def reference_day(year: int, today: dt.date | None = None) -> dt.date:
    """The day ages and rolls are taken: today, or 31 December of a past year (as the quota engine does)."""
    return min(today or timezone.localdate(), dt.date(year, 12, 31))


def age_band_label(low: int | None, high: int | None) -> str:
    """An age band in words (its key, such as "35-", is for machines)."""
    if low is None:
        return gettext("%(age)s or under") % {"age": high}
    if high is None:
        return gettext("%(age)s or over") % {"age": low}
    return gettext("%(low)s to %(high)s") % {"low": low, "high": high}


def _labels() -> dict:
    return {
        "fields": {value: str(label) for value, label in OrganizationField.choices},
        "categories": {value: str(label) for value, label in MemberCategory.choices},
        "genders": {value: str(label) for value, label in Gender.choices},
        "education": {value: str(label) for value, label in Education.choices},
        "ages": {key: age_band_label(low, high) for key, low, high in AGE_BANDS},
        "statuses": {status: str(label) for status, label in STATUS_LABELS.items()},
        "stars": {
            **{str(n): ngettext("%(n)s star", "%(n)s stars", n) % {"n": n} for n in range(1, 6)},
            "0": gettext("No star"),
            "unrated": gettext("Not rated"),
        },
    }


def _summaries(*, units_orgs, root, year, ref, committees, count_quota=True):
    units = [unit_of(organization) for organization in units_orgs]
    count_organizations(units, root, ref)
    count_members(units, root, year, ref)
    if count_quota:
        count_quotas(units, root, year)
    count_stars(units, root, year, ref)
    count_rooms(units, root, committees, year)
    count_reserve(units, root, ref)
    count_alerts(units, root, year)
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
    branches = list(branches_of(organization, ref).values("pk", "name", "field").order_by("path"))
    if organization.kind in BRANCH_KINDS and not branches:
        branches = [{"pk": organization.pk, "name": organization.name, "field": organization.field}]
    rows = quota_rows(organization, year).values("organization_id", "code", "target", "actual", "met")
    results = defaultdict(dict)
    codes = set()
    per_code = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for row in rows.order_by():
        status = quota_status(target=row["target"], actual=row["actual"], met=row["met"])
        results[row["organization_id"]][row["code"]] = {
            "target": as_number(row["target"]),
            "actual": as_number(row["actual"]),
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
    (unit,) = _summaries(
        units_orgs=[organization],
        root=organization,
        year=year,
        ref=ref,
        committees=[organization],
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
        "summary": finish_unit(unit, star_target),
        "quota_table": table,
        "alerts": alert_list(organization, year),
        "labels": _labels(),
    }


def county_dashboard(*, user, organization: Organization, year: int, today: dt.date | None = None) -> dict:
    """The county's dashboard: the county's totals and the same figures for each township, side by side."""
    ref = reference_day(year, today)
    townships = list(
        Organization.objects.filter(parent=organization, kind__in=COMMITTEE_KINDS)
        .filter(taking_part(ref))
        .order_by("path")
    )
    units = _summaries(
        units_orgs=[organization, *townships], root=organization, year=year, ref=ref, committees=townships
    )
    county, children = units[0], units[1:]
    _room_totals(county, children)
    star_target = rating_policy_for(organization=organization, year=year).three_star_target
    return {
        "kind": "county",
        "year": year,
        "reference_day": ref.isoformat(),
        "organization": county["organization"],
        "summary": finish_unit(county, star_target),
        "townships": [finish_unit(child, star_target) for child in children],
        "alerts": alert_list(organization, year),
        "labels": _labels(),
    }


def dashboard(*, user, organization: Organization, year: int, today: dt.date | None = None) -> dict:
    """The county or township dashboard, by the organization's kind (a branch gets its own small one)."""
    if organization.kind == OrganizationKind.COUNTY_COMMITTEE:
        return county_dashboard(user=user, organization=organization, year=year, today=today)
    return township_dashboard(user=user, organization=organization, year=year, today=today)
