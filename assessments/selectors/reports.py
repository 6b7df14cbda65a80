"""Reads over report jobs: the files of the joint evaluation report generated in the background."""

from ..models import ReportJob


def report_job_list(*, user):
    return ReportJob.objects.restrict(user, "view").select_related("organization", "requested_by")
