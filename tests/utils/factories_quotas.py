from assessments.models import Alert
from assessments.models import AlertKind
from assessments.models import QuotaPublication
from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RunState


def root_county(organization):
    from branches.models import Organization

    return Organization.objects.get(pk=int(organization.path.strip("/").split("/")[0]))


def published_run(organization, year=2024):
    """A finished run published for ``organization`` (as the engine would leave it)."""
    run = QuotaRun.objects.create(
        organization=organization, year=year, state=RunState.SUCCEEDED, progress=100
    )
    QuotaPublication.objects.update_or_create(organization=organization, year=year, defaults={"run": run})
    return run


SPARE_CODES = (
    "meet.committee",
    "meet.group",
    "meet.lecture",
    "meet.theme_day",
    "meet.appraisal",
    "dev.branch_min",
    "dev.under_25",
    "review.democratic",
    "review.disclosures",
    "visit.households",
)


def published_result(organization, code="meet.assembly", year=2024):
    """One result more for ``organization``: ``code``, or a spare one when it already has that one (a result
    is one row per organization, year and code)."""
    taken = set(
        QuotaResult.objects.filter(organization=organization, year=year).values_list("code", flat=True)
    )
    code = next(c for c in (code, *SPARE_CODES) if c not in taken)
    run = published_run(organization, year)
    return QuotaResult.objects.create(
        run=run, organization=organization, year=year, code=code, target=4, actual=3, met=False
    )


def published_alert(organization, year=2024):
    run = published_run(organization, year)
    return Alert.objects.create(
        run=run, organization=organization, year=year, kind=AlertKind.MEETINGS_OVERDUE
    )
