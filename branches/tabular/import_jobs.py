"""Imports as background jobs (docs/security.md, "Limits").

An upload whose pre-scan counts more than ``IMPORT_JOB_THRESHOLD`` rows (a resource's ``import_job_rows``
when it validates row by row) or ``IMPORT_JOB_THRESHOLD_CELLS`` cells is not read during the request: the
file is kept with the job, and the worker runs the very same import engine (``import_table``) as the
requester, dry run or real, all rows or none. The job keeps the answer the request would have given (status
and body) for the requester alone; the file is deleted once the job has run.
"""

import contextlib
import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from partybuild.exceptions import validation_detail
from partybuild.jobs import dispatch

from ..models import ImportJob
from ..models import JobState
from .importing import ImportReport
from .importing import check_may_import
from .importing import import_table
from .jobs import claim_job
from .jobs import fail_job
from .jobs import scope_root
from .reading import measure_table

logger = logging.getLogger(__name__)
# Finished import jobs (their results) are deleted after as long as an export's file is kept.
KEEP_HOURS = settings.EXPORT_FILE_HOURS


def import_answer(report: ImportReport) -> int:
    """The HTTP status of an import's answer: 200 for a dry run, 201 written, 400 refused."""
    if report.dry_run:
        return 200
    return 201 if report.committed else 400


def import_is_large(resource, rows: int, cells: int) -> bool:
    threshold = resource.import_job_rows or settings.IMPORT_JOB_THRESHOLD
    return rows > threshold or cells > settings.IMPORT_JOB_THRESHOLD_CELLS


def import_or_queue(
    *, actor, resource, upload, dry_run: bool, kind: str = "", token: str = "", ip_address=None
):
    """Import ``upload`` now, ``(report, None)``, or, when the pre-scan finds it large, ``(None, job)``."""
    check_may_import(actor, resource)
    rows, cells = measure_table(
        upload, resource.max_bytes, max_rows=resource.max_rows, max_cells=resource.max_cells
    )
    if not import_is_large(resource, rows, cells):
        return import_table(actor=actor, resource=resource, upload=upload, dry_run=dry_run), None
    return None, import_job_create(
        actor=actor,
        resource=resource,
        upload=upload,
        dry_run=dry_run,
        kind=kind,
        token=token,
        rows=rows,
        ip_address=ip_address,
    )


def import_job_create(
    *, actor, resource, upload, dry_run: bool, kind: str, token: str, rows: int, ip_address=None
) -> ImportJob:
    import_jobs_purge()
    resource_class = type(resource)
    job = ImportJob(
        resource=f"{resource_class.__module__}.{resource_class.__qualname__}",
        kind=kind,
        dry_run=dry_run,
        file_name=os.path.basename(getattr(upload, "name", "") or "upload")[-200:],
        token=token,
        organization=scope_root(actor),
        requested_by=actor,
        ip_address=ip_address,
        rows=rows,
    )
    upload.seek(0)
    job.file.save(job.file_name, File(upload), save=False)
    job.save()
    dispatch("branches.import_job", str(job.pk))
    return job


def import_job_run(job_id) -> ImportJob | None:
    """Run the job's import as its requester (progress 0–95 % while reading rows), keep the answer, then
    delete the file; an unexpected failure marks the job failed."""
    job = claim_job(ImportJob, job_id)
    if job is None:
        return _interrupted(job_id)
    marker = _ProgressFile(job)
    try:
        resource = import_string(job.resource)(actor=job.requested_by)
        with job.file.open("rb") as handle:
            upload = File(handle, name=job.file_name)
            try:
                report = import_table(
                    actor=job.requested_by,
                    resource=resource,
                    upload=upload,
                    dry_run=job.dry_run,
                    progress=marker.update,
                )
                status_code, result = import_answer(report), report.as_dict()
            except PermissionDenied as error:
                status_code, result = 403, {"detail": str(error)}
            except ValidationError as error:
                status_code, result = 400, validation_detail(error)
        ImportJob.objects.filter(pk=job.pk).update(
            state=JobState.SUCCEEDED,
            progress=100,
            status_code=status_code,
            result=result,
            finished_at=timezone.now(),
        )
    except Exception:  # noqa: BLE001 - a failed import is reported on the job, never lost in a worker log
        logger.exception("import job %s failed", job.pk)
        fail_job(ImportJob, job.pk, _("The file could not be imported; nothing was written. Try again."))
    finally:
        _drop_upload(job)
    job.refresh_from_db()
    return job


def _interrupted(job_id) -> None:
    """A task delivered again while its job runs: the worker that ran it died (acks_late), and its
    transaction with it, so nothing was written; the job is failed and its file deleted."""
    job = ImportJob.objects.filter(pk=job_id, state=JobState.RUNNING).first()
    if job is None:
        return
    fail_job(
        ImportJob,
        job.pk,
        _("The import was interrupted (the worker stopped); nothing was written. Upload the file again."),
    )
    _drop_upload(job)


def _drop_upload(job: ImportJob) -> None:
    """The uploaded file and its progress marker, once the job has run or died."""
    job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(file="")
    _ProgressFile(job).remove()


def import_job_progress(job: ImportJob) -> int:
    """0–100: while running, what the worker last wrote beside the file (the import's own transaction
    holds back every database write until it ends)."""
    if job.state != JobState.RUNNING:
        return job.progress
    return _ProgressFile(job).read(job.progress)


def import_job_messages(job: ImportJob) -> list[str]:
    """The messages of a job whose file was refused as a whole, or that failed."""
    if job.state == JobState.FAILED:
        return [job.error]
    result = job.result or {}
    if "total_rows" in result:
        return []
    if "detail" in result:
        return [str(result["detail"])]
    return [str(message) for messages in result.values() for message in messages]


class _ProgressFile:
    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.expected = max(job.rows, 1)
        self.last = -1
        self.path = Path(settings.MEDIA_ROOT) / "imports" / str(job.pk) / "progress"

    def update(self, rows: int) -> None:
        value = max(0, min(95, 95 * rows // self.expected))
        if value == self.last:
            return
        self.last = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(str(value), encoding="ascii")
        partial.replace(self.path)

    def read(self, default: int) -> int:
        try:
            return int(self.path.read_text(encoding="ascii"))
        except (OSError, ValueError):
            return default

    def remove(self) -> None:
        """The progress files and the job's folder, once the uploaded file has gone from it."""
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".tmp").unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()


def import_jobs_purge() -> int:
    """Delete finished jobs older than ``KEEP_HOURS`` (and any file a lost job left behind)."""
    old = ImportJob.objects.filter(created_at__lte=timezone.now() - timedelta(hours=KEEP_HOURS))
    for job in old.exclude(file=""):
        job.file.delete(save=False)
    return old.delete()[0]
