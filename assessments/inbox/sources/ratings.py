"""Star ratings awaiting a step (docs/inbox.md, "Ratings"; the workflow: docs/ratings-and-evaluation.md):
a proposed rating waits for the branch's self-assessment, a self-assessed one for the township's review, a
reviewed one for the county's confirmation (assessments/services/ratings.py, STEPS). Ratings of this year and
the last are listed, each due by the end of its year, when the joint evaluation reads it. One query."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import BRANCH_KINDS
from branches.scope.roles import Role

from ...models import RatingStage
from ...models import StarRating
from ...services.ratings import rating_next_step
from ..items import Source
from ..items import within

NEXT_ROLE = {
    RatingStage.SELF_ASSESSED: Role.BRANCH_SECRETARY,
    RatingStage.REVIEWED: Role.TOWNSHIP_STAFF,
    RatingStage.CONFIRMED: Role.COUNTY_ADMIN,
}


class RatingsAwaiting(Source):
    key = "ratings"
    label = gettext_lazy("Star ratings awaiting a step")

    def collect(self, *, roots, today):
        ratings = (
            StarRating.objects.filter(within("organization__path", roots), year__gte=today.year - 1)
            .exclude(stage=RatingStage.CONFIRMED)
            .select_related("organization")
        )
        return [self._item(rating) for rating in ratings]

    def _item(self, rating):
        step = RatingStage(rating_next_step(rating))
        role = NEXT_ROLE[step]
        if step == RatingStage.SELF_ASSESSED and rating.organization.kind not in BRANCH_KINDS:
            role = Role.TOWNSHIP_STAFF  # a committee assesses itself
        return self.item(
            rating.organization,
            f"{rating.pk}:{step}",
            roles=frozenset({role}),
            what=_("Star rating %(year)d: %(step)s") % {"year": rating.year, "step": step.label},
            why=_("Now at “%(stage)s”, %(stars)d stars proposed.")
            % {"stage": rating.get_stage_display(), "stars": rating.stars},
            due_on=dt.date(rating.year, 12, 31),
            url=reverse("assessments:starrating-detail", args=[rating.pk]),
        )
