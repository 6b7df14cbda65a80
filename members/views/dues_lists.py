"""The dues payments recorded, as a list page with its Excel export (docs/dues.md)."""

from django.utils.translation import gettext_lazy as _

from branches.scope.columns import Column
from branches.scope.lists import ScopedListView
from branches.views.columns import DESKTOP_ONLY
from branches.views.columns import organization_column

from ..filters.dues import DuesPaymentFilter
from ..models import DuesPayment
from ..resources import DuesPaymentResource
from ..selectors.dues import dues_payment_list


class DuesPaymentListView(ScopedListView):
    model = DuesPayment
    list_selector = staticmethod(dues_payment_list)
    title = _("Party dues paid")
    filterset_class = DuesPaymentFilter
    resource_class = DuesPaymentResource
    filter_fields = ("organization", "year", "month", "method")
    default_ordering = ("-month", "organization__path", "member__name", "pk")
    columns = (
        Column("month", _("month"), lambda p, v: f"{p.month:%Y-%m}", sort="month"),
        Column("member", _("party member"), "member.name"),
        organization_column(_("branch")),
        Column("amount", _("amount (yuan)"), lambda p, v: f"{p.amount:.2f}", sort="amount"),
        Column("paid_on", _("paid on"), sort="paid_on", classes=DESKTOP_ONLY),
        Column("method", _("payment method"), "get_method_display", classes=DESKTOP_ONLY),
        Column("recorded_by", _("recorded by"), "recorded_by.username", classes=DESKTOP_ONLY),
    )


urlpatterns = [*DuesPaymentListView.urls("dues-payments")]
