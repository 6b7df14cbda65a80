"""Exports as background jobs (docs/security.md, "Limits").

An export whose list holds more than ``EXPORT_JOB_THRESHOLD`` rows is not written during the request: a job
records the export's own address and filters, and the worker rebuilds the very list the request would have
written (the same view, the same filters, the requester's scope at run time) through the same
``export_xlsx``, which records the security event with the row count. The file is handed only to the
requester, and deleted ``EXPORT_FILE_HOURS`` after it was written.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.http import QueryDict
from django.urls import resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.jobs import dispatch

from ..models import ExportJob
from ..models import ExportState
from ..models import Organization
from ..scope.querysets import scope_paths
from ..scope.roles import Capability

logger = logging.getLogger(__name__)


class ExportNotReady(Exception):
    """The file is asked for before the job succeeded (409), or after it expired (410)."""

    def __init__(self, job: ExportJob, *, expired: bool = False):
        self.job, self.expired = job, expired
        if expired:
            message = _("This export's file has expired; export the list again.")
        elif job.state == ExportState.FAILED:
            message = _("This export could not be written: %(error)s") % {"error": job.error}
        else:
            message = _("This export is not ready yet (%(progress)s%% done). Try again in a moment.") % {
                "progress": job.progress
            }
        super().__init__(message)


def export_or_queue(*, actor, view, source: str, filters: dict, ip_address=None):
    """The export of ``view``'s list: ``(file, None)`` written now, or ``(None, job)`` when it is large.

    ``view`` offers ``export_count()``, ``export_title()`` and ``export_write(*, filters, ip_address,
    progress)``, which writes the file and records the security event; the job calls the same method."""
    rows = view.export_count()
    if rows > settings.EXPORT_JOB_THRESHOLD:
        job = export_job_create(
            actor=actor,
            source=source,
            query=filters,
            title=view.export_title(),
            rows=rows,
            ip_address=ip_address,
        )
        return None, job
    output, _rows = view.export_write(filters=filters, ip_address=ip_address)
    return output, None


def export_job_create(
    *, actor, source: str, query: dict, title: str, rows: int, ip_address=None
) -> ExportJob:
    export_jobs_purge()
    job = ExportJob.objects.create(
        source=source,
        query=query,
        title=str(title)[:200],
        organization=scope_root(actor),
        requested_by=actor,
        ip_address=ip_address,
        rows=rows,
    )
    dispatch("branches.export_job", str(job.pk))
    return job


def scope_root(actor) -> Organization:
    """The outermost organization the actor may see: a job's scope (branches/models/jobs.py)."""
    paths = scope_paths(actor, Capability.VIEW)
    roots = Organization.objects.filter(path=paths[0]) if paths else Organization.objects.filter(parent=None)
    return roots.order_by("path").first()


def export_job_run(job_id) -> ExportJob | None:
    """Write the job's file (progress 0–95 % while writing rows); any failure marks it failed."""
    job = claim_job(ExportJob, job_id)
    if job is None:
        return None
    try:
        view = _rebuild_view(job)
        progress = progress_of(job)
        output, rows = view.export_write(filters=job.query, ip_address=job.ip_address, progress=progress)
        with output:
            job.file.save(f"{timezone.localdate():%Y%m%d}.xlsx", File(output), save=False)
        finished = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.SUCCEEDED,
            progress=100,
            rows=rows,
            file=job.file.name,
            finished_at=finished,
            expires_at=finished + timedelta(hours=settings.EXPORT_FILE_HOURS),
        )
    except Exception:  # noqa: BLE001 - a failed export is reported on the job, never lost in a worker log
        logger.exception("export job %s failed", job.pk)
        fail_job(ExportJob, job.pk, _("The export could not be written; try again or narrow the filters."))
    job.refresh_from_db()
    return job


def claim_job(model, job_id):
    """The queued job, now running; None when it is gone or another worker has it already."""
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=job_id).select_related("requested_by").first()
        if job is None or job.state != ExportState.QUEUED:
            return None
        job.state, job.started_at = ExportState.RUNNING, timezone.now()
        job.save(update_fields=["state", "started_at"])
        return job


def progress_of(job):
    """What the export reports its rows written to: the job's progress, kept for those who poll it. Not for a
    job run in-process (no broker): it runs inside the request that started it, where nobody polls, and on
    SQLite a write in the middle of the export's read fails at once ("database is locked") as soon as
    another request has committed since the read began, instead of waiting for the lock."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    expected = max(job.rows, 1)
    return lambda written: _progress(job.pk, 95 * written // expected)


def _progress(job_id, value: int) -> None:
    ExportJob.objects.filter(pk=job_id, state=ExportState.RUNNING).update(progress=max(0, min(95, value)))


def fail_job(model, job_id, message: str) -> None:
    model.objects.filter(pk=job_id).update(
        state=ExportState.FAILED, finished_at=timezone.now(), error=str(message)[:2000]
    )


def _rebuild_view(job: ExportJob):
    """The export's view as the request built it: same address, same filters, the requester's scope."""
    match = resolve(job.source)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.source
    request.GET = QueryDict(mutable=True)
    for key, values in job.query.items():
        request.GET.setlist(key, values)
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": job.ip_address or ""}
    request.user = job.requested_by
    request.resolver_match = match
    view_class = getattr(match.func, "cls", None) or match.func.view_class
    return view_class.export_view(request, match)


def export_job_open(*, actor, job: ExportJob):
    """The finished file of ``job`` (already read through ``restrict``: the requester's own) and its name."""
    if job.state != ExportState.SUCCEEDED or not job.file:
        raise ExportNotReady(job)
    if job.expires_at and job.expires_at <= timezone.now():
        raise ExportNotReady(job, expired=True)
    return job.file.open("rb"), f"{job.title}-{job.finished_at:%Y%m%d}.xlsx"


def export_jobs_purge() -> int:
    """Delete the expired jobs and their files."""
    expired = list(ExportJob.objects.filter(expires_at__lte=timezone.now()))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
    return ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()[0]
