"""Browser pages of the dashboards: township or county by the organization's kind, its dues card, and the
drill-down from a quota result to the records behind it. Out of scope answers 404 like a missing
organization."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from branches.models import ActivityRoom
from branches.scope.navigation import ADMINISTRATION
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.selectors import organization_get
from members.models import Cadre
from members.models import Meeting
from members.models import Member
from members.models import ReserveCadre
from members.models import StudyRecord
from members.models import Training
from members.models import VisitLog
from members.selectors.dues import dues_summary
from members.selectors.mobile import away_counts_below

from ..indicators import detail_rows
from ..indicators import indicator_label
from ..selectors.dashboard import dashboard
from ..selectors.dashboard_counts import STATUSES
from ..selectors.drill_down import drill_down
from .dashboard_charts import county_charts
from .dashboard_charts import township_charts
from .organization_year import asked_year
from .organization_year import year_choices

PAGE_SIZE = 25
STATUS_CLASSES = {
    "green": "text-bg-success",
    "amber": "text-bg-warning",
    "red": "text-bg-danger",
    "none": "text-bg-secondary",
}


def _number_text(value) -> str:
    return "—" if value is None else str(value)


EMPTY_CELL = mark_safe('<td class="text-center"><span class="text-muted">·</span></td>')  # noqa: S308


def _quota_rows(table, year) -> list[dict]:
    """The quota table's rows, each with its cells as ready HTML: a badge of the result's colour linking to
    the drill-down, or a dot where there is no result. Hundreds of cells: built here from one reversed URL,
    escaping each indicator code once per column (statuses, classes and numbers are ours), which is many
    times faster than template tags or format_html per cell."""
    pattern = reverse("assessments:dashboard-drill", args=[987654321, "CODE"])
    codes = [escape(column["code"]) for column in table["codes"]]
    rows = []
    for branch in table["branches"]:
        prefix = escape(pattern.replace("987654321", str(int(branch["id"])), 1))
        cells = []
        for code, cell in zip(codes, branch["results"], strict=True):
            if cell is None:
                cells.append(EMPTY_CELL)
                continue
            text = _number_text(cell["actual"])
            if cell["target"] is not None:
                text = f"{text} / {_number_text(cell['target'])}"
            status, href = cell["status"], f"{prefix.replace('CODE', code)}?year={int(year)}"
            cells.append(
                f'<td class="text-center"><a class="badge {STATUS_CLASSES[status]} pb-quota-cell" '
                f'data-status="{status}" data-code="{code}" href="{href}">{escape(text)}</a></td>'
            )
        rows.append({**branch, "cells": mark_safe("".join(cells))})  # noqa: S308 - every part escaped above
    return rows


def _dues_heading(organization, year) -> dict:
    """What the dues card shows before its figures: the dashboard year's latest month (this month, or
    December of a past year), the year's spreadsheet, and the address the card's figures load from."""
    today = timezone.localdate()
    month = today.month if year == today.year else 12
    return {
        "month": f"{year}-{month:02d}",
        "month_number": month,
        "xlsx": f"{reverse('duespayment-summary')}?organization={organization.pk}&year={year}&format=xlsx",
        "url": f"{reverse('assessments:dashboard-dues', args=[organization.pk])}?year={year}",
    }


def _dues_card(organization, year) -> dict:
    """The dues of the dashboard year's latest month: the organization's total and each organization right
    below it (docs/dues.md, "Summaries"). One month is one query over the roll; the year so far (a query a
    month) is in the API and its spreadsheet."""
    card = _dues_heading(organization, year)
    rows = dues_summary(organization=organization, year=year, month=card["month_number"])
    return {
        **card,
        "total": rows[0],
        "rows": [row for row in rows if row.organization.parent_id == organization.pk],
    }


def _away_card(organization) -> dict:
    """Members working away today and how many of them are out of contact, for each organization right below
    and in all (docs/mobile-members.md, "Pages and API"). Two queries whatever the number of organizations."""
    rows = away_counts_below(organization=organization)
    return {
        "rows": rows,
        "away": sum(row["away"] for row in rows),
        "out_of_contact": sum(row["out_of_contact"] for row in rows),
        "list": f"{reverse('members:awayrecord-list')}?within={organization.pk}",
    }


@login_required
def dashboard_page(request, pk):
    organization = organization_get(user=request.user, pk=pk)
    year, _malformed = asked_year(request)  # a malformed year shows this year
    data = dashboard(user=request.user, organization=organization, year=year)
    if data["kind"] == "county":
        charts, template = county_charts(data, organization, year), "assessments/dashboard/county.html"
    else:
        charts, template = township_charts(data, organization, year), "assessments/dashboard/township.html"
    context = {
        "organization": organization,
        "year": year,
        "years": year_choices(year),
        "data": data,
        "summary": data["summary"],
        "charts": charts,
        "status_classes": STATUS_CLASSES,
        "status_legend": [(STATUS_CLASSES[s], data["labels"]["statuses"][s]) for s in STATUSES],
    }
    # The dues card loads after the page (dashboard_dues_page): its month's roll is the page's costliest
    # query, and the rest of the dashboard need not wait for it (docs/scale.md, "Pages").
    context["dues"] = _dues_heading(organization, year)
    context["away"] = _away_card(organization)
    if data["kind"] != "county":
        context["quota_codes"] = data["quota_table"]["codes"]
        context["quota_rows"] = _quota_rows(data["quota_table"], year)
    return render(request, template, context)


def _parent_url(user, organization) -> str | None:
    """The dashboard of the organization's parent, when the user may read it (a secretary may not)."""
    parent = organization.parent
    if parent is None or not organization_in_scope(user, parent, Capability.VIEW):
        return None
    return reverse("assessments:dashboard", args=[parent.pk])


# The page of each kind of record a drill-down lists; records without one open in the admin for reviewers.
RECORD_PAGES = {
    ActivityRoom: "branches:activityroom-edit",
    Cadre: "members:cadre-edit",
    Meeting: "members:meeting-edit",
    Member: "members:member-edit",
    ReserveCadre: "members:reservecadre-edit",
    StudyRecord: "members:studyrecord-edit",
    Training: "members:training-edit",
    VisitLog: "members:visit-edit",
}


def _record_urls(user, model, records) -> dict:
    """The page of each record on this page of the drill-down that ``user`` may open: its entry page when
    the user may change it (one query for the page), else its admin page when the user may enter the admin."""
    name = RECORD_PAGES.get(model)
    if name is not None:
        editable = model.objects.restrict(user, "change").filter(pk__in=[r.pk for r in records])
        return {pk: reverse(name, args=[pk]) for pk in editable.values_list("pk", flat=True)}
    if ADMINISTRATION.allows(user):
        meta = model._meta
        return {
            r.pk: reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[r.pk]) for r in records
        }
    return {}


@login_required
def dashboard_dues_page(request, pk):
    """The dashboard's dues card with its figures, which the dashboard page loads in its place."""
    organization = organization_get(user=request.user, pk=pk)
    year, _malformed = asked_year(request)
    dues = _dues_card(organization, year)
    return render(request, "assessments/dashboard/_dues.html", {"dues": dues, "rows": dues["rows"]})


@login_required
def drill_page(request, pk, code):
    organization = organization_get(user=request.user, pk=pk)
    year, _malformed = asked_year(request)  # a malformed year shows this year
    if len(code) > 40:
        raise Http404
    result, drill = drill_down(user=request.user, organization=organization, code=code, year=year)
    if result is None and drill is None:
        raise Http404
    page = rows = None
    if drill is not None:
        page = Paginator(drill.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        records = list(page.object_list)
        urls = _record_urls(request.user, drill.queryset.model, records)
        rows = [{"cells": drill.cells(record), "url": urls.get(record.pk)} for record in records]
    return render(
        request,
        "assessments/dashboard/drill.html",
        {
            "organization": organization,
            "year": year,
            "code": code,
            "label": indicator_label(code),
            "result": result,
            "facts": detail_rows(result["detail"]) if result else [],
            "result_css": result and STATUS_CLASSES[result["status"]],
            "drill": drill,
            "page": page,
            "rows": rows,
            "parent_url": _parent_url(request.user, organization),
        },
    )


urlpatterns = [
    path("dashboard/<int:pk>/", dashboard_page, name="dashboard"),
    path("dashboard/<int:pk>/dues/", dashboard_dues_page, name="dashboard-dues"),
    path("dashboard/<int:pk>/drill/<str:code>/", drill_page, name="dashboard-drill"),
]
