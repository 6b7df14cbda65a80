"""The joint evaluation report as a web page (/reports/joint-evaluation/?organization=&year=).

The page shows the same data as the JSON endpoint. Buttons queue an xlsx or PDF job (county and township
staff); the job's progress bar polls a small partial every second (htmx) until the file can be downloaded.
The user's own recent jobs are listed under the report.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST

from branches.models import Organization
from branches.picker import PickerSource
from branches.scope.navigation import Requirement
from branches.scope.navigation import requires
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from partybuild.years import last_complete_year

from ..models import CycleState
from ..models import EvaluationCycle
from ..models import ReportFormat
from ..models import ReportJob
from ..models import RunState
from ..selectors.joint_report import GRADES
from ..selectors.joint_report import LEVELS
from ..selectors.joint_report import REPORT_KINDS
from ..selectors.joint_report import ReportNotFound
from ..selectors.joint_report import ReportNotPublished
from ..selectors.joint_report import grade_label
from ..selectors.joint_report import joint_evaluation_report
from ..selectors.joint_report import level_label
from ..selectors.reports import report_job_list
from ..services.reports import report_job_create
from ..services.reports import report_job_may_download
from .jobs import progress
from .organization_year import OrganizationYearForm

MY_JOBS = 10


def _report_organizations(user):
    return (
        Organization.objects.restrict(user, "view")
        .filter(kind__in=REPORT_KINDS, dissolved_on__isnull=True)
        .order_by("path")
    )


class ReportForm(OrganizationYearForm):
    picker_source = PickerSource(Capability.VIEW, kinds=tuple(REPORT_KINDS), active=True)

    def organizations(self, user):
        return _report_organizations(user)


def _default_params(user) -> dict:
    """The user's first organization and the last complete year whose report the user may read: the current
    year's is still being filled in (docs/ratings-and-evaluation.md, The county report)."""
    organization = _report_organizations(user).first()
    if organization is None:
        return {}
    county = Organization.objects.get(pk=int(organization.path.strip("/").split("/")[0]))
    cycles = EvaluationCycle.objects.filter(county=county, year__lte=last_complete_year())
    if not organization_in_scope(user, county, Capability.POLICY):
        cycles = cycles.filter(state=CycleState.PUBLISHED)
    year = cycles.order_by("-year").values_list("year", flat=True).first()
    return {"organization": organization.pk, **({"year": year} if year else {})}


def _my_jobs(user):
    return list(report_job_list(user=user).filter(requested_by=user).order_by("-created_at")[:MY_JOBS])


def _job_context(job: ReportJob, user) -> dict:
    download = None
    if job.state == RunState.SUCCEEDED and report_job_may_download(user, job):
        download = reverse("report-job-download", args=[job.pk])
    return {"job": job, **progress(job.state), "download_url": download}


@login_required
@requires(Requirement(Capability.VIEW, kinds=REPORT_KINDS))
@require_GET
def joint_evaluation_page(request):
    params = request.GET if "organization" in request.GET or "year" in request.GET else None
    defaults = _default_params(request.user)
    if params is None and "year" not in defaults:
        # No complete year to show yet: a form to fill in, not "required" errors.
        form = ReportForm(initial={"year": last_complete_year(), **defaults}, user=request.user)
    else:
        form = ReportForm(params or defaults, user=request.user)
    context = {"form": form, "my_jobs": [_job_context(job, request.user) for job in _my_jobs(request.user)]}
    if not form.is_valid():
        if params is not None and "organization" in form.errors and params.get("organization", "").isdigit():
            raise Http404(_("No such organization."))  # out of scope answers like a missing one
        status = 400 if params is not None else 200
        return render(request, "assessments/reports/joint_evaluation.html", context, status=status)
    organization, year = form.cleaned_data["organization"], form.cleaned_data["year"]
    context.update(organization=organization, year=year)
    try:
        report = joint_evaluation_report(user=request.user, organization=organization, year=year)
    except ReportNotFound as error:
        raise Http404(str(error)) from error
    except ReportNotPublished as error:
        context["refusal"] = str(error)
        return render(request, "assessments/reports/joint_evaluation.html", context, status=403)
    distribution = report.summary["grade_distribution"]
    context.update(
        report=report,
        summary=report.summary,
        grades=[grade_label(grade) for grade in GRADES],
        distribution=[
            (level_label(level), [distribution[level][g] for g in GRADES], distribution[level]["none"])
            for level in LEVELS
        ],
        can_generate=organization_in_scope(request.user, organization, Capability.REVIEW),
        formats=ReportFormat.choices,
    )
    return render(request, "assessments/reports/joint_evaluation.html", context)


@login_required
@require_POST
def report_job_start(request):
    form = ReportForm(request.POST, user=request.user)
    fmt = request.POST.get("format", "")
    if not form.is_valid():
        raise Http404(_("No such organization."))
    organization, year = form.cleaned_data["organization"], form.cleaned_data["year"]
    error = None
    try:
        job = report_job_create(actor=request.user, organization=organization, year=year, format=fmt)
    except OutOfScope as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        error = str(exc)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.headers.get("HX-Request"):
        if error:
            return render(request, "assessments/reports/_job_error.html", {"error": error}, status=400)
        return render(request, "assessments/reports/_job_progress.html", _job_context(job, request.user))
    if error:
        raise PermissionDenied(error)
    page = reverse("assessments:report-joint-evaluation")
    return redirect(f"{page}?{urlencode({'organization': organization.pk, 'year': year})}#job-{job.pk}")


@login_required
@require_GET
def report_job_progress(request, pk):
    """The partial the page polls; once the job is over it stops asking (no hx-trigger)."""
    job = get_object_or_404(report_job_list(user=request.user), pk=pk)
    return render(request, "assessments/reports/_job_progress.html", _job_context(job, request.user))


urlpatterns = [
    path("reports/joint-evaluation/", joint_evaluation_page, name="report-joint-evaluation"),
    path("reports/jobs/", report_job_start, name="report-job-start"),
    path("reports/jobs/<uuid:pk>/progress/", report_job_progress, name="report-job-progress"),
]
