from celery import shared_task
from django.utils import timezone

from .services import inbox
from .services import quotas
from .services import reports


@shared_task(name="assessments.quota_run", acks_late=True, reject_on_worker_lost=True)
def quota_run_task(run_id: int):
    return quotas.quota_run_execute(run_id).state


@shared_task(name="assessments.quota_runs_nightly")
def quota_runs_nightly():
    """Every night: this year's quotas for every county, in one run over every tree."""
    return [run.pk for run in quotas.quota_runs_schedule(year=timezone.localdate().year, trigger="nightly")]


@shared_task(name="assessments.quota_runs_year_end")
def quota_runs_year_end():
    """On 1 January: the final run of the year that just ended."""
    return [
        run.pk for run in quotas.quota_runs_schedule(year=timezone.localdate().year - 1, trigger="year_end")
    ]


@shared_task(name="assessments.report_job", acks_late=True, reject_on_worker_lost=True)
def report_job_task(job_id: str):
    job = reports.report_job_run(job_id)
    return job.state if job is not None else None


@shared_task(name="assessments.inbox_digest_daily")
def inbox_digest_daily():
    """Every morning: the inbox's digest to every opted-in user with items (docs/inbox.md)."""
    return inbox.inbox_digest_send(today=timezone.localdate())
