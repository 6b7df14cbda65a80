"""List pages of judgements over the records (quota results, alerts, star ratings), on
``branches.scope.lists.ScopedListView``: the API's FilterSets and scoped querysets (published runs only)."""

from django.utils.translation import gettext_lazy as _

from branches.scope.columns import Column
from branches.scope.lists import ScopedListView
from branches.views.columns import PHONE_ONLY_WIDE
from branches.views.columns import organization_column

from ..filters.quotas import AlertFilter
from ..filters.quotas import QuotaResultFilter
from ..filters.ratings import StarRatingFilter
from ..indicators import indicator_label
from ..models import Alert
from ..models import QuotaResult
from ..models import StarRating
from ..resources.ratings import StarRatingResource
from ..selectors import quotas
from ..selectors import ratings
from ..selectors.rating_basis import stars_text


class OrganizationJudgementListView(ScopedListView):
    """A list of judgements over organizations, searched by the organization's name."""

    search_fields = ("organization__name",)
    search_label = _("Search by organization")


class QuotaResultListView(OrganizationJudgementListView):
    model = QuotaResult
    list_selector = staticmethod(quotas.quota_result_list)
    filterset_class = QuotaResultFilter
    filter_fields = ("within", "year", "code", "code_prefix", "met")
    default_ordering = ("organization__path", "code", "pk")
    columns = (
        organization_column(),
        Column("year", _("year"), sort="year"),
        Column("code", _("indicator"), lambda result, view: indicator_label(result.code), sort="code"),
        Column("met", _("met"), sort="met"),
        Column("target", _("target"), classes=PHONE_ONLY_WIDE),
        Column("actual", _("actual"), sort="actual", classes=PHONE_ONLY_WIDE),
    )


class AlertListView(OrganizationJudgementListView):
    model = Alert
    list_selector = staticmethod(quotas.alert_list)
    filterset_class = AlertFilter
    filter_fields = ("within", "year", "kind")
    default_ordering = ("organization__path", "kind", "pk")
    columns = (
        organization_column(),
        Column("year", _("year"), sort="year"),
        Column("kind", _("kind"), "get_kind_display", sort="kind"),
        Column("cadre", _("cadre"), "cadre.name", classes=PHONE_ONLY_WIDE),
    )


class StarRatingListView(OrganizationJudgementListView):
    model = StarRating
    list_selector = staticmethod(ratings.star_rating_list)
    filterset_class = StarRatingFilter
    filter_fields = ("within", "year", "stage", "stars", "classification")
    resource_class = StarRatingResource
    importable = False  # ratings are proposed by the system and reviewed, never imported
    detail_action = "detail"  # every reader opens the rating's page; the steps are taken there
    default_ordering = ("organization__path", "-year", "pk")
    columns = (
        organization_column(link=True),
        Column("year", _("year"), sort="year"),
        Column("stage", _("stage"), "get_stage_display", sort="stage"),
        Column("stars", _("stars"), lambda rating, view: stars_text(rating.stars), sort="stars"),
        Column("total", _("total"), sort="total", classes=PHONE_ONLY_WIDE),
        Column("classification", _("classification"), "get_classification_display", classes=PHONE_ONLY_WIDE),
    )


urlpatterns = [
    *QuotaResultListView.urls("quota-results"),
    *AlertListView.urls("alerts"),
    *StarRatingListView.urls("star-ratings"),
]
