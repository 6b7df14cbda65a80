"""Report files built in the background: create a job, run it (with progress), hand the file out.

A job is created by county or township staff (the REVIEW capability) for a committee they may read, once the
report is visible to them (see ``selectors.joint_report``). The Celery task runs ``report_job_run``: data
0–30 %, rendering 30–90 %, saving 90–100 %. Whatever goes wrong marks the job failed with a message; the task
never raises. The file may be downloaded by whoever requested it and by county administrators of the
organization; each download is an export security event.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from branches.models import Organization
from branches.models import SecurityEventKind
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.services import security_event_record
from partybuild.jobs import dispatch

from ..models import ReportFormat
from ..models import ReportJob
from ..models import ReportKind
from ..models import RunState
from ..reports.pdf import render_pdf
from ..reports.xlsx import render_xlsx
from ..selectors.joint_report import REPORT_KINDS
from ..selectors.joint_report import ReportNotFound
from ..selectors.joint_report import ReportNotPublished
from ..selectors.joint_report import joint_evaluation_report
from ..selectors.joint_report import joint_report_cycle

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}


class ReportNotReady(Exception):
    """The file is asked for before the job succeeded (409)."""

    def __init__(self, job: ReportJob):
        self.job = job
        if job.state == RunState.FAILED:
            message = _("This report could not be generated: %(error)s") % {"error": job.error}
        else:
            message = _("This report is not ready yet (%(progress)s%% done). Try again in a moment.") % {
                "progress": job.progress
            }
        super().__init__(message)


def report_job_create(
    *, actor, organization: Organization, year: int, format: str, kind: str = ReportKind.JOINT_EVALUATION
) -> ReportJob:
    """Queue a report file of ``organization``'s subtree for ``year``; the task starts once committed."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": [_("Choose a report that exists.")]})
    if format not in ReportFormat.values:
        raise ValidationError({"format": [_("Choose xlsx or pdf.")]})
    if not organization_in_scope(actor, organization, Capability.VIEW):
        raise OutOfScope(NOT_ALLOWED)
    if not organization_in_scope(actor, organization, Capability.REVIEW):
        raise PermissionDenied(_("Only county and township staff may generate report files."))
    if organization.kind not in REPORT_KINDS:
        raise ValidationError(
            {"organization": [_("The joint evaluation report is made for a county or township committee.")]}
        )
    try:
        joint_report_cycle(user=actor, organization=organization, year=year)
    except ReportNotFound as error:
        raise ValidationError({"year": [str(error)]}) from error
    job = ReportJob.objects.create(
        kind=kind,
        format=format,
        organization=organization,
        year=year,
        requested_by=actor if actor is not None and actor.pk else None,
    )
    _enqueue(job)
    return job


def _enqueue(job: ReportJob):
    dispatch("assessments.report_job", str(job.pk))


def _progress(job_id, value: int):
    ReportJob.objects.filter(pk=job_id, state=RunState.RUNNING).update(progress=max(0, min(100, value)))


def _claim(job_id) -> ReportJob | None:
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(of=("self",))
            .select_related("organization", "requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state != RunState.QUEUED:
            return None
        job.state, job.started_at, job.progress = RunState.RUNNING, timezone.now(), 0
        job.save(update_fields=["state", "started_at", "progress"])
        return job


def _fail(job_id, message: str):
    ReportJob.objects.filter(pk=job_id).update(
        state=RunState.FAILED, finished_at=timezone.now(), error=str(message)[:2000]
    )


def storage_name(job: ReportJob) -> str:
    return f"{job.kind}-{job.organization.code}-{job.year}.{job.format}"


def download_name(job: ReportJob) -> str:
    return _("%(organization)s %(year)s joint evaluation.%(extension)s") % {
        "organization": job.organization.name,
        "year": job.year,
        "extension": job.format,
    }


def _render(job: ReportJob, report) -> bytes:

    renderer = render_xlsx if job.format == ReportFormat.XLSX else render_pdf
    return renderer(report, progress=lambda share: _progress(job.pk, 30 + int(60 * share)))


def report_job_run(job_id) -> ReportJob | None:
    """The task's body: build the data, render, save; a failure leaves the job failed with its reason."""
    job = _claim(job_id)
    if job is None:
        return ReportJob.objects.filter(pk=job_id).first()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _progress(job.pk, 5)
            report = joint_evaluation_report(
                user=job.requested_by, organization=job.organization, year=job.year
            )
            _progress(job.pk, 30)
            content = _render(job, report)
            _progress(job.pk, 90)
            job.file.save(storage_name(job), ContentFile(content), save=False)
    except (ReportNotFound, ReportNotPublished) as error:
        _fail(job.pk, str(error))
    except Exception as error:  # the job's record must say it failed, whatever broke
        logger.exception("report job %s failed", job_id)
        _fail(job.pk, f"{type(error).__name__}: {error}")
    else:
        ReportJob.objects.filter(pk=job.pk).update(
            file=job.file.name, state=RunState.SUCCEEDED, progress=100, finished_at=timezone.now(), error=""
        )
    return ReportJob.objects.filter(pk=job_id).first()


def report_job_may_download(actor, job: ReportJob) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if job.requested_by_id is not None and job.requested_by_id == actor.pk:
        return True
    return organization_in_scope(actor, job.organization, Capability.POLICY)


def report_job_open(*, actor, job: ReportJob, ip_address=None):
    """The finished file of ``job`` (already read through the actor's scope) and its download name.

    Raises PermissionDenied for anyone but the requester and the organization's county administrators, and
    ReportNotReady while the job is queued, running or failed. Each download is a security event."""
    if not report_job_may_download(actor, job):
        raise PermissionDenied(
            _("Only the person who requested this report or a county administrator may download it.")
        )
    if job.state != RunState.SUCCEEDED or not job.file:
        raise ReportNotReady(job)
    handle = job.file.open("rb")
    security_event_record(
        kind=SecurityEventKind.EXPORT,
        user=actor,
        organization=job.organization,
        ip_address=ip_address,
        detail={"report": job.kind, "format": job.format, "year": job.year, "job": str(job.pk)},
    )
    return handle, download_name(job)
