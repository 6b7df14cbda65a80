"""Meetings overdue this month or quarter (docs/inbox.md, "Meetings"): the quota engine's rule for the
meet.overdue alert (docs/quotas.md, Alerts), counted live from the meeting records so that recording the
meeting settles the item at once, and for the kinds held monthly (committee, group, theme day) also by the
completed months. Three queries: the branches, the county policies, the year's meetings by branch and kind."""

import calendar
import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import BRANCH_KINDS
from branches.models import Organization
from branches.scope.roles import Role
from members.models import Meeting
from members.models import MeetingKind

from ...indicators import MEETING_KINDS
from ...models import QuotaPolicy
from ..items import Item
from ..items import Source
from ..items import county_id_of
from ..items import taking_part
from ..items import within

MONTHLY_KINDS = frozenset({MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.THEME_DAY})
LAST_QUARTER_FROM = 10  # from 1 October the whole year's target is expected (docs/quotas.md, Alerts)


def expected_by_quarters(target: int, today: dt.date) -> int:
    quarters = 4 if today.month >= LAST_QUARTER_FROM else (today.month - 1) // 3
    return target * quarters // 4


def expected_by_months(target: int, today: dt.date) -> int:
    return target * (today.month - 1) // 12


def expected(kind: str, target: int, today: dt.date) -> tuple[int, dt.date]:
    """Meetings of ``kind`` expected by ``today``, and the day by which the shortfall is to be made up: the
    end of the current quarter (of the year from October), or of the current month when the monthly count is
    the one that binds."""
    by_quarters = expected_by_quarters(target, today)
    quarter_end_month = 12 if today.month >= LAST_QUARTER_FROM else ((today.month - 1) // 3 + 1) * 3
    due = _month_end(today.year, quarter_end_month)
    if kind in MONTHLY_KINDS:
        by_months = expected_by_months(target, today)
        if by_months > by_quarters:
            return by_months, _month_end(today.year, today.month)
    return by_quarters, due


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


class MeetingsOverdue(Source):
    key = "meetings"
    label = gettext_lazy("Meetings overdue")

    def collect(self, *, roots, today):
        branches = list(
            Organization.objects.filter(within("path", roots), taking_part("", today), kind__in=BRANCH_KINDS)
        )
        if not branches:
            return []
        policies = {
            policy.county_id: policy
            for policy in QuotaPolicy.objects.filter(
                year=today.year, county_id__in={county_id_of(b.path) for b in branches}
            )
        }
        held = defaultdict(int)
        counts = (
            Meeting.objects.filter(
                within("organization__path", roots),
                held_on__gte=dt.date(today.year, 1, 1),
                held_on__lte=today,
                organization__kind__in=BRANCH_KINDS,
            )
            .values_list("organization_id", "kind")
            .annotate(n=Count("pk"))
        )
        for organization_id, kind, n in counts:
            held[organization_id, kind] = n
        items = []
        for branch in branches:
            policy = policies.get(county_id_of(branch.path)) or QuotaPolicy(year=today.year)
            for kind in MEETING_KINDS:
                due, by = expected(kind, getattr(policy, f"meet_{kind}"), today)
                done = held[branch.pk, kind]
                if done < due:
                    items.append(self._item(branch, kind, done, due, by))
        return items

    def _item(self, branch, kind, done, due, by) -> Item:
        label = MeetingKind(kind).label
        return self.item(
            branch,
            f"{branch.pk}:{kind}",
            roles=frozenset({Role.BRANCH_SECRETARY}),
            what=_("Hold and record: %(kind)s") % {"kind": label},
            why=_("%(done)d held this year, %(due)d expected by now.") % {"done": done, "due": due},
            due_on=by,
            url=f"{reverse('members:meeting-create')}?organization={branch.pk}",
        )
