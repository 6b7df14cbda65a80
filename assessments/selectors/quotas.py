"""Reads over quota results and alerts: only the published run of each organization and year is visible."""

from django.db.models import Exists, OuterRef

from ..models import Alert, QuotaPublication, QuotaResult


def _published(queryset, *, year=None, organization=None):
    publication = QuotaPublication.objects.filter(
        organization=OuterRef("organization"), year=OuterRef("year"), run=OuterRef("run")
    )
    queryset = queryset.filter(Exists(publication))
    if year is not None:
        queryset = queryset.filter(year=year)
    if organization is not None:
        queryset = queryset.filter(organization__path__startswith=organization.path)
    return queryset


def published_results(*, year=None, organization=None):
    return _published(QuotaResult.objects.all(), year=year, organization=organization)


def published_alerts(*, year=None, organization=None):
    return _published(Alert.objects.all(), year=year, organization=organization)
