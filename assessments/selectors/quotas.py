"""Reads over quota policies, runs, results and alerts: of results and alerts only the published run of each
organization and year is visible."""

from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q

from ..models import Alert
from ..models import QuotaPolicy
from ..models import QuotaPublication
from ..models import QuotaResult
from ..models import QuotaRun


def quota_policy_list(*, user):
    return QuotaPolicy.objects.restrict(user, "view").select_related("county")


def quota_run_list(*, user):
    return QuotaRun.objects.restrict(user, "view").select_related("organization", "requested_by")


def covering_runs(*, organization):
    """The runs whose scope contains ``organization`` (its own, its ancestors', those over every tree): what
    its figures come from. Read through the organization, which the caller has fetched in the user's scope:
    whoever may read it may see that its figures are being computed, not the rest of the run's scope."""
    ancestors = [int(pk) for pk in organization.path.strip("/").split("/")]
    return QuotaRun.objects.filter(Q(organization_id__in=ancestors) | Q(organization__isnull=True))


def _published(queryset, *, year=None, organization=None, of_the_run=True):
    """The rows of organizations with figures for the year; alerts (``of_the_run``) of the run published for
    them. A result is one current row, whichever run last changed it."""
    publication = QuotaPublication.objects.filter(
        organization=OuterRef("organization"), year=OuterRef("year")
    )
    if of_the_run:
        publication = publication.filter(run=OuterRef("run"))
    queryset = queryset.filter(Exists(publication))
    if year is not None:
        queryset = queryset.filter(year=year)
    if organization is not None:
        queryset = queryset.filter(organization__path__startswith=organization.path)
    return queryset


def published_results(*, year=None, organization=None):
    return _published(QuotaResult.objects.all(), year=year, organization=organization, of_the_run=False)


def published_alerts(*, year=None, organization=None):
    return _published(Alert.objects.all(), year=year, organization=organization)


def quota_result_list(*, user):
    """The published results the user may read (what the API, the list page and its export show)."""
    return published_results().restrict(user, "view").select_related("organization")


def alert_list(*, user):
    """The published alerts the user may read."""
    return published_alerts().restrict(user, "view").select_related("organization", "cadre")
