"""The demo county's judgements: quota runs for last year and this year (so the dashboards have data after
``make demo``)."""

from dataclasses import dataclass

from .models import RunState
from .services.quotas import quota_run_start


@dataclass
class DemoAssessments:
    quota_results: int = 0
    alerts: int = 0


def create_demo_assessments(*, actor, tree, today) -> DemoAssessments:
    summary = DemoAssessments()
    for year in (today.year - 1, today.year):
        run = quota_run_start(actor=actor, organization=tree.county, year=year, trigger="demo")
        run.refresh_from_db()
        if run.state != RunState.SUCCEEDED:
            raise RuntimeError(f"the demo quota run for {year} failed: {run.error}")
        summary.quota_results += run.counts["results"]
        summary.alerts += run.counts["alerts"]
    return summary
