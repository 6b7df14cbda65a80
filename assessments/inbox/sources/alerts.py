"""Alerts in the user's scope (docs/inbox.md, "Alerts"): the published alerts of this year (docs/quotas.md,
Alerts), for the branch secretary of the branch and the township above it. The nightly quota run settles
them: an alert leaves once the run that follows the records no longer raises it. ``meet.overdue`` is left to
the meetings source, which counts the meetings live, and likewise the term, expired-letter and
out-of-contact alerts to the terms, letters and away sources. One query."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import BRANCH_KINDS
from branches.scope.roles import Role

from ...models import AlertKind
from ...selectors.quotas import published_alerts
from ..items import Source
from ..items import within

LIVE_ELSEWHERE = frozenset(
    {
        AlertKind.MEETINGS_OVERDUE,
        AlertKind.TERM_ENDS_6M,
        AlertKind.TERM_ENDS_3M,
        AlertKind.TERM_OVERDUE,
        AlertKind.LETTER_EXPIRED,
        AlertKind.OUT_OF_CONTACT,
    }
)


class QuotaAlerts(Source):
    key = "alerts"
    label = gettext_lazy("Quota alerts")

    def collect(self, *, roots, today):
        alerts = (
            published_alerts(year=today.year)
            .filter(within("organization__path", roots))
            .exclude(kind__in=LIVE_ELSEWHERE)
            .select_related("organization", "cadre")
            .order_by("organization__path", "kind", "pk")
        )
        return [self._item(alert) for alert in alerts]

    def _item(self, alert):
        organization = alert.organization
        if organization.kind in BRANCH_KINDS:
            url = f"{reverse('assessments:branch-page', args=[organization.pk])}?year={alert.year}"
        else:
            url = f"{reverse('assessments:alert-list')}?kind={alert.kind}"
        return self.item(
            organization,
            f"{alert.pk}",
            roles=frozenset({Role.BRANCH_SECRETARY, Role.TOWNSHIP_STAFF}),
            what=alert.get_kind_display(),
            why=_why(alert),
            due_on=dt.date(alert.year, 12, 31),
            url=url,
        )


def _why(alert) -> str:
    detail = alert.detail or {}
    parts = []
    if alert.cadre_id:
        parts.append(alert.cadre.name)
    if "expected" in detail:
        parts.append(_("%(actual)s of %(expected)s expected by now") % detail)
    elif "target" in detail and "actual" in detail:
        parts.append(_("%(actual)s of %(target)s") % detail)
    if "households" in detail:
        parts.append(_("%(households)s households so far") % detail)
    if "members" in detail:
        parts.append(_("%(members)s members") % detail)
    return _("Quota run: %(figures)s.") % {"figures": "; ".join(parts)} if parts else _("Quota run.")
