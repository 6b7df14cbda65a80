"""Rectification deadlines (docs/inbox.md, "Rectifications"; the workflow: docs/ratings-and-evaluation.md,
"Rectification"): an open rectification whose deadline is near or past, for the township that asks to close
it and the branch that keeps its progress notes; one whose close is asked, for the county that verifies it.
One query."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.scope.roles import Role

from ...models import Rectification
from ...models import RectificationStatus
from ..items import Source
from ..items import within

DEADLINE_NEAR_DAYS = 30


class RectificationDeadlines(Source):
    key = "rectifications"
    label = gettext_lazy("Rectification deadlines")

    def collect(self, *, roots, today):
        near = today + dt.timedelta(days=DEADLINE_NEAR_DAYS)
        rows = Rectification.objects.filter(within("organization__path", roots)).select_related(
            "organization"
        )
        open_near = rows.filter(status=RectificationStatus.OPEN, deadline__lte=near)
        asked = rows.filter(status=RectificationStatus.CLOSE_REQUESTED)
        return [self._item(row, today) for row in (open_near | asked).order_by("deadline", "pk")]

    def _item(self, rectification, today):
        url = reverse("assessments:rectification-detail", args=[rectification.pk])
        if rectification.status == RectificationStatus.CLOSE_REQUESTED:
            return self.item(
                rectification.organization,
                f"{rectification.pk}:verify",
                roles=frozenset({Role.COUNTY_ADMIN}),
                what=_("Verify the close of the %(year)d rectification") % {"year": rectification.year},
                why=_("The township asked to close it."),
                due_on=rectification.deadline,
                url=url,
            )
        days = (rectification.deadline - today).days
        why = (
            _("The deadline passed %(days)d days ago.") % {"days": -days}
            if days < 0
            else _("%(days)d days to the deadline.") % {"days": days}
        )
        return self.item(
            rectification.organization,
            f"{rectification.pk}:deadline",
            roles=frozenset({Role.TOWNSHIP_STAFF, Role.BRANCH_SECRETARY}),
            what=_("Rectification %(year)d: progress and close") % {"year": rectification.year},
            why=why,
            due_on=rectification.deadline,
            url=url,
        )
