from celery import shared_task

from .tabular.import_jobs import import_job_run
from .tabular.jobs import export_job_run


@shared_task(name="branches.export_job", acks_late=True, reject_on_worker_lost=True)
def export_job_task(job_id: str):
    job = export_job_run(job_id)
    return job.state if job is not None else None


@shared_task(name="branches.import_job", acks_late=True, reject_on_worker_lost=True)
def import_job_task(job_id: str):
    job = import_job_run(job_id)
    return job.state if job is not None else None
