"""Dues in arrears (docs/inbox.md, "Dues"; the rules: docs/dues.md, "The ledger and arrears"): per branch,
the members with three or more months unpaid in a row, counted back from this month, to be reminded by the
secretary, and apart from them those with six or more and no reason recorded, flagged for the township too.
Two queries."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext_lazy

from branches.models import Organization
from branches.scope.roles import Role
from members.selectors.dues import HANDLE_AFTER_MONTHS
from members.selectors.dues import REMIND_AFTER_MONTHS
from members.selectors.dues import dues_arrears_within
from members.selectors.dues import month_start

from ..items import Source

# The two steps of arrears: (key, who acts, months unpaid, what, why); ``what`` takes the count and the
# months, ``why`` the names of the first five members.
REMIND = (
    "remind",
    frozenset({Role.BRANCH_SECRETARY}),
    REMIND_AFTER_MONTHS,
    ngettext_lazy(
        "%(count)d member with dues unpaid %(months)d months or more",
        "%(count)d members with dues unpaid %(months)d months or more",
        "count",
    ),
    gettext_lazy("Remind them: %(names)s."),
)
HANDLE = (
    "handle",
    frozenset({Role.BRANCH_SECRETARY, Role.TOWNSHIP_STAFF}),
    HANDLE_AFTER_MONTHS,
    ngettext_lazy(
        "%(count)d member %(months)d months or more unpaid, no reason recorded",
        "%(count)d members %(months)d months or more unpaid, no reason recorded",
        "count",
    ),
    gettext_lazy("To be looked into and handled under the rules: %(names)s."),
)


class DuesArrears(Source):
    key = "dues"
    label = gettext_lazy("Dues in arrears")

    def collect(self, *, roots, today):
        month = month_start(today)
        by_branch = defaultdict(list)
        for row in dues_arrears_within(paths=roots, month=month):
            by_branch[row.day_branch_id].append(row)
        if not by_branch:
            return []
        branches = Organization.objects.in_bulk(list(by_branch))
        url = reverse("members:dues-month")
        items = []
        for branch_id, rows in by_branch.items():
            branch = branches[branch_id]
            link = f"{url}?organization={branch.pk}&month={month:%Y-%m}"
            reminded = [row for row in rows if not row.to_handle]
            flagged = [row for row in rows if row.to_handle]
            if reminded:
                items.append(self._item(branch, reminded, link, REMIND))
            if flagged:
                items.append(self._item(branch, flagged, link, HANDLE))
        return items

    def _item(self, branch, rows, link, step):
        key, roles, months, what, why = step
        names = "、".join(row.name for row in rows[:5])
        return self.item(
            branch,
            f"{branch.pk}:{key}",
            roles=roles,
            what=what % {"count": len(rows), "months": months},
            why=why % {"names": names},
            due_on=None,
            url=link,
        )
