"""Browser pages of background jobs: quota runs — the list in scope, a form to start one, and a page whose
progress bar polls a partial every second (htmx) until the run succeeds or fails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from branches.models import COMMITTEE_OR_COUNTY_KINDS
from branches.models import Organization
from branches.picker import PickerSource
from branches.scope.navigation import Requirement
from branches.scope.navigation import requires
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import scope_paths
from branches.scope.roles import Capability

from ..models import ACTIVE_STATES
from ..models import QuotaRun
from ..models import RunState
from ..selectors import quotas as selectors
from ..services.quotas import quota_run_start
from .organization_year import OrganizationYearForm

PAGE_SIZE = 20
RUN_JOINED = _(
    "A computation covering this organization and year was already waiting or running; "
    "your request has joined it."
)
RUN_KINDS = COMMITTEE_OR_COUNTY_KINDS


def _startable(user):
    """Counties and townships (streets) where the user may start a run (the review capability)."""
    return Organization.objects.restrict(user, Capability.REVIEW).filter(
        kind__in=RUN_KINDS, dissolved_on__isnull=True
    )


class QuotaRunForm(OrganizationYearForm):
    picker_source = PickerSource(Capability.REVIEW, kinds=tuple(RUN_KINDS), active=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def organizations(self, user):
        return _startable(user).order_by("path")


@login_required
@requires(Requirement(Capability.VIEW, kinds=RUN_KINDS))
def quota_run_list(request):
    can_start = scope_paths(request.user, Capability.REVIEW) != []
    form = QuotaRunForm(request.POST or None, user=request.user) if can_start else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                run = quota_run_start(
                    actor=request.user,
                    organization=form.cleaned_data["organization"],
                    year=form.cleaned_data["year"],
                    trigger="ui",
                )
            except OutOfScope as error:
                raise Http404 from error
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if run.joined:
                    messages.info(request, RUN_JOINED)
                return redirect("assessments:quota-run-detail", pk=run.pk)
    runs = selectors.quota_run_list(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/jobs/quota_run_list.html", {"form": form, "page": page})


def _run_get(user, pk) -> QuotaRun:
    return get_object_or_404(selectors.quota_run_list(user=user), pk=pk)


def progress(state) -> dict:
    """How a run's or a report job's progress bar shows ``state``: whether the page keeps polling, and the
    bar's colour (moving while it waits or runs)."""
    css = {RunState.SUCCEEDED: "bg-success", RunState.FAILED: "bg-danger"}.get(
        state, "progress-bar-striped progress-bar-animated bg-danger"
    )
    return {"active": state in ACTIVE_STATES, "bar_css": css}


def _progress_context(run: QuotaRun) -> dict:
    return {"run": run, **progress(run.state)}


@login_required
def quota_run_detail(request, pk):
    run = _run_get(request.user, pk)
    return render(request, "assessments/jobs/quota_run_detail.html", _progress_context(run))


@login_required
@require_GET
def quota_run_progress(request, pk):
    """The progress partial the detail page polls; once the run is over it stops asking (no hx-trigger)."""
    run = _run_get(request.user, pk)
    return render(request, "assessments/jobs/_progress.html", _progress_context(run))


urlpatterns = [
    path("jobs/quota-runs/", quota_run_list, name="quota-run-list"),
    path("jobs/quota-runs/<int:pk>/", quota_run_detail, name="quota-run-detail"),
    path("jobs/quota-runs/<int:pk>/progress/", quota_run_progress, name="quota-run-progress"),
]
