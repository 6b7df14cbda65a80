"""The page of a large export running in the background (/org/exports/<id>/): progress, then the download.

The list pages' Excel button lands here when the list is above ``EXPORT_JOB_THRESHOLD`` rows
(branches/tabular/jobs.py); only the requester's own jobs are found, anyone else gets 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import render
from django.urls import path
from django.urls import reverse

from ..models import ExportJob
from ..models import ExportState
from ..tabular.exports import XLSX_CONTENT_TYPE
from ..tabular.jobs import ExportNotReady
from ..tabular.jobs import export_job_open


def _job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob.objects.restrict(request.user, "view"), pk=pk)


def _context(job: ExportJob) -> dict:
    return {
        "job": job,
        "active": job.state in {ExportState.QUEUED, ExportState.RUNNING},
        "download_url": reverse("branches:export-job-download", args=[job.pk])
        if job.state == ExportState.SUCCEEDED
        else None,
    }


@login_required
def export_job_page(request, pk):
    return render(request, "branches/export_job.html", _context(_job(request, pk)))


@login_required
def export_job_progress(request, pk):
    return render(request, "branches/_export_job_progress.html", _context(_job(request, pk)))


@login_required
def export_job_download(request, pk):
    job = _job(request, pk)
    try:
        handle, filename = export_job_open(actor=request.user, job=job)
    except ExportNotReady as error:
        context = {**_context(job), "refusal": str(error)}
        return render(request, "branches/export_job.html", context, status=410 if error.expired else 409)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("exports/<uuid:pk>/", export_job_page, name="export-job"),
    path("exports/<uuid:pk>/progress/", export_job_progress, name="export-job-progress"),
    path("exports/<uuid:pk>/download/", export_job_download, name="export-job-download"),
]
