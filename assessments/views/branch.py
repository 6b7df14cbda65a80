"""The secretary's branch page (/branch/<organization id>/?year=): the branch's published quotas for the year,
its development due list, what is overdue (meetings this quarter, the pace of household visits), the entry
buttons, and "refresh my numbers": a quota run scoped to the branch. While any run covering the branch is
queued or running — the one a saved record started by itself, docs/quotas.md "Fresh figures" — the page
says it is updating and polls with htmx until the new figures are published, then reloads.

A fixed number of queries whatever the size of the branch: results, alerts, the due list and the visit pace
are one query each.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST

from branches.models import Organization
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.selectors import organization_get
from branches.views.entry import reverse_or_none
from members.models import ApplicantStage
from members.selectors.mobile import away_counts
from members.selectors.pipeline import MISSING_LABELS
from members.selectors.pipeline import due_list
from members.selectors.visits import distinct_households_by_person
from members.selectors.visits import projected_households
from members.selectors.visits import projected_short
from members.services.pipeline import step_capability
from partybuild.years import is_year_so_far

from ..indicators import indicator_label
from ..models import AlertKind
from ..models import QuotaRun
from ..models import RunState
from ..selectors.quotas import covering_runs
from ..selectors.quotas import published_alerts
from ..selectors.quotas import published_results
from ..selectors.rectification_detail import open_rectification
from ..services.quotas import ACTIVE_STATES
from ..services.quotas import RECORDS_TRIGGER
from ..services.quotas import quota_run_start
from .jobs import RUN_JOINED

REFRESHED = _("Your numbers were computed again.")
UPDATED = _("Your numbers now include the records just saved.")
REFRESH_FAILED = _("Computing your numbers failed: %(error)s")
# The actions a secretary takes from the page: URL name and label, in the order shown.
ENTRY_BUTTONS = (
    ("members:visit-create", _("Record a visit")),
    ("members:dues-month", _("Record dues")),
    ("members:awaycontact-create", _("Contact a member away")),
    ("members:meeting-create", _("Record a meeting")),
    ("members:training-create", _("Record a training")),
    ("members:studyrecord-create", _("Record study")),
    ("members:member-create", _("New member")),
    ("members:applicant-create", _("New application")),
    ("members:cadre-create", _("New cadre post")),
    ("members:reservecadre-create", _("New reserve cadre")),
    ("members:awayrecord-create", _("A member leaves to work away")),
    ("branches:activityroom-create", _("New activity room")),
)


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except (TypeError, ValueError):
        return this_year
    return year if is_year_so_far(year) else this_year


def _organization(request, pk) -> Organization:
    """In the user's reading scope, or 404 exactly like a missing one."""
    return organization_get(user=request.user, pk=pk)


def quota_rows(organization, year: int) -> list[dict]:
    results = published_results(year=year, organization=organization).filter(organization=organization)
    return [
        {
            "code": row.code,
            "label": indicator_label(row.code),
            "target": row.target,
            "actual": row.actual,
            "met": row.met,
        }
        for row in results.order_by("code")
    ]


def overdue(organization, year: int) -> dict:
    alerts = (
        published_alerts(year=year, organization=organization)
        .filter(organization=organization)
        .select_related("cadre")
        .order_by("kind", "pk")
    )
    meetings, visits, other = [], [], []
    for alert in alerts:
        if alert.kind == AlertKind.MEETINGS_OVERDUE:
            meetings.extend(indicator_label(code) for code in alert.detail.get("kinds", []))
        elif alert.kind == AlertKind.VISIT_PACE:
            visits.append({"cadre": alert.cadre, "households": alert.detail.get("households")})
        else:
            other.append(alert.get_kind_display())
    return {"meetings": meetings, "visits": visits, "other": other}


def visit_pace(organization, year: int) -> list[dict]:
    today = timezone.localdate()
    rows = []
    for person in distinct_households_by_person(organizations=[organization.pk], year=year):
        projected = projected_households(person.households, year=year, on=today)
        behind = person.target is not None and projected_short(
            person.households, year=year, on=today, target=person.target
        )
        rows.append(
            {
                "name": person.name,
                "posts": "、".join(post.get_post_display() for post in person.posts),
                "households": person.households,
                "target": person.target,
                "projected": round(projected),
                "behind": behind,
            }
        )
    return rows


def due_rows(user, organization) -> list[dict]:
    """The branch's due steps; a step is linked to its page only for a user who may take it (approving a
    probationary or full member is the township's)."""
    today = timezone.localdate()
    allowed = {
        capability: organization_in_scope(user, organization, capability)
        for capability in (Capability.RECORDS, Capability.REVIEW)
    }
    return [
        {
            "applicant": step.applicant,
            "next_stage": ApplicantStage(step.next_stage).label,
            "possible_from": step.possible_from,
            "deadline": step.deadline,
            "missing": [MISSING_LABELS[key] for key in step.missing],
            "ready": step.is_ready(today),
            "advance_url": reverse_or_none("members:applicant-advance", step.applicant.pk)
            if allowed[step_capability(step.next_stage)]
            else None,
        }
        for step in due_list(user=user, organization=organization, today=today)
    ]


def latest_run(organization, year: int) -> QuotaRun | None:
    """The last run requested over the branch: queued or running, the figures shown are about to change."""
    runs = covering_runs(organization=organization).filter(year=year)
    return runs.order_by("-created_at", "-pk").first()


def can_refresh(user, organization) -> bool:
    return organization.is_branch and organization_in_scope(user, organization, Capability.RECORDS)


def entry_buttons(user, organization) -> list[tuple[str, str]]:
    """The entry pages offered on the page: none to a user who may not enter the branch's records (a viewer),
    whose every entry page would answer "not found"."""
    if not organization_in_scope(user, organization, Capability.RECORDS):
        return []
    return [(url, label) for name, label in ENTRY_BUTTONS if (url := reverse_or_none(name)) is not None]


@login_required
@require_GET
def branch_page(request, pk):
    organization = _organization(request, pk)
    year = _year(request)
    user = request.user
    run = latest_run(organization, year)
    context = {
        "organization": organization,
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 3, -1)),
        "quotas": quota_rows(organization, year),
        "due": due_rows(user, organization),
        "overdue": overdue(organization, year),
        "pace": visit_pace(organization, year),
        "away": away_counts(organization=organization),
        "away_url": f"{reverse('members:awayrecord-list')}?within={organization.pk}",
        "run": run,
        "run_active": run is not None and run.state in ACTIVE_STATES,
        "can_refresh": can_refresh(user, organization),
        "rectification": open_rectification(user=user, organization=organization),
        "buttons": entry_buttons(user, organization),
    }
    return render(request, "assessments/branch/page.html", context)


def _start(user, organization, year: int) -> QuotaRun:
    return quota_run_start(actor=user, organization=organization, year=year, trigger="branch")


def _run_response(request, organization, run, *, started: bool):
    """The progress partial; when the run is over, htmx reloads the page to show the new numbers."""
    response = render(
        request,
        "assessments/branch/_run.html",
        {"organization": organization, "run": run, "run_active": run.state in ACTIVE_STATES},
    )
    if request.headers.get("HX-Request") and run.state not in ACTIVE_STATES and started:
        if run.state == RunState.SUCCEEDED:
            messages.success(request, UPDATED if run.trigger == RECORDS_TRIGGER else REFRESHED)
        else:
            messages.error(request, REFRESH_FAILED % {"error": run.error})
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def branch_refresh(request, pk):
    organization = _organization(request, pk)
    if not can_refresh(request.user, organization):
        raise Http404
    year = _year(request)
    try:
        run = _start(request.user, organization, year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('assessments:branch-page', args=[organization.pk])}?year={year}")
    if run.joined:
        messages.info(request, RUN_JOINED)
    run.refresh_from_db()
    if request.headers.get("HX-Request"):
        return _run_response(request, organization, run, started=True)
    if run.state == RunState.SUCCEEDED:
        messages.success(request, REFRESHED)
    return redirect(f"{reverse('assessments:branch-page', args=[organization.pk])}?year={year}")


@login_required
@require_GET
def branch_run(request, pk, run_pk):
    """What htmx polls every second while a run covering the branch is queued or running."""
    organization = _organization(request, pk)
    run = get_object_or_404(covering_runs(organization=organization), pk=run_pk)
    return _run_response(request, organization, run, started=True)


urlpatterns = [
    path("branch/<int:pk>/", branch_page, name="branch-page"),
    path("branch/<int:pk>/refresh/", branch_refresh, name="branch-refresh"),
    path("branch/<int:pk>/runs/<int:run_pk>/", branch_run, name="branch-run"),
]
