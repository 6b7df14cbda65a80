"""Reads over five-good star ratings: bands and classification, the county's policy, steps and roll-ups."""

import datetime as dt
from dataclasses import asdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.db.models import FilteredRelation
from django.db.models import Q
from django.utils import timezone

from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_OR_COUNTY_KINDS
from branches.models import Organization

from ..indicators import DIMENSION_INDICATORS
from ..indicators import INDICATOR_LABELS
from ..models import Classification
from ..models import RatingPolicy
from ..models import RatingStage
from ..models import RatingStep
from ..models import StarRating

ROLLUP_KINDS = COMMITTEE_OR_COUNTY_KINDS


def root_id(organization: Organization) -> int:
    """The tree's root: the county committee whose policy applies."""
    return int(organization.path.strip("/").split("/")[0])


def rating_policy_for(*, organization: Organization, year: int) -> RatingPolicy:
    """The policy of the organization's county for the year; the defaults (unsaved) when it set none."""
    county_id = root_id(organization)
    policy = RatingPolicy.objects.filter(county_id=county_id, year=year).first()
    return policy or RatingPolicy(county_id=county_id, year=year)


def stars_for(total: Decimal, policy: RatingPolicy) -> int:
    if total >= policy.five_stars_from:
        return 5
    if total >= policy.four_stars_from:
        return 4
    if total >= policy.three_stars_from:
        return 3
    return 0


def classification_for(stars: int) -> str:
    if stars >= 4:
        return Classification.ADVANCED
    if stars == 3:
        return Classification.GENERAL
    return Classification.BACKWARD


def star_rating_list(*, user):
    return StarRating.objects.restrict(user, "view").select_related("organization")


def rating_policy_list(*, user):
    return RatingPolicy.objects.restrict(user, "view").select_related("county")


def rating_steps(*, rating: StarRating):
    return RatingStep.objects.filter(rating=rating).select_related("actor").order_by("at", "pk")


def dimension_table() -> list[dict]:
    """Each dimension with its label and the indicators its proposal is computed from."""
    return [
        {
            "dimension": dimension,
            "label": str(StarRating._meta.get_field(dimension).verbose_name),
            "points": 20,
            "indicators": [{"code": code, "label": str(INDICATOR_LABELS[code])} for code in codes],
        }
        for dimension, codes in DIMENSION_INDICATORS.items()
    ]


# --- roll-ups -----------------------------------------------------------------------------------------------


@dataclass
class RollupRow:
    organization: int
    name: str
    kind: str
    branches: int = 0
    rated: int = 0
    three_stars_latest: int = 0
    confirmed: int = 0
    three_stars_confirmed: int = 0
    target: int = 85

    @property
    def share(self) -> Decimal | None:
        """The official share: confirmed ratings at three stars or more, of all the branches."""
        return _percent(self.three_stars_confirmed, self.branches)

    @property
    def share_latest(self) -> Decimal | None:
        """The provisional share: ratings at three stars or more at whatever stage they stand."""
        return _percent(self.three_stars_latest, self.branches)

    def as_dict(self) -> dict:
        share = self.share
        return {
            **asdict(self),
            "share": share,
            "share_latest": self.share_latest,
            "meets_target": share is not None and share >= self.target,
        }


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def taking_part(year: int, today: dt.date | None = None) -> Q:
    """Organizations taking part in the year's ratings: not dissolved by min(today, 31 December)."""
    ref = min(today or timezone.localdate(), dt.date(year, 12, 31))
    return Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=ref)


def rating_rollup(*, organization: Organization, year: int, today: dt.date | None = None) -> list[dict]:
    """Per county and township (street) committee of ``organization``'s subtree, and for ``organization``
    itself: the branches taking part, how many are rated, how many stand at three stars or more — at their
    latest stage and among the confirmed ratings — and the share against the county's target.

    The official share counts confirmed ratings only (a rating not yet confirmed may still change); the
    latest-stage share is shown beside it. Three queries whatever the size of the subtree: branches are
    counted per parent in the database and the few hundred groups are credited to their ancestors here.
    """
    rows = {
        row["pk"]: RollupRow(organization=row["pk"], name=row["name"], kind=row["kind"])
        for row in Organization.objects.filter(path__startswith=organization.path)
        .filter(Q(kind__in=ROLLUP_KINDS) | Q(pk=organization.pk))
        .values("pk", "name", "kind")
    }
    rated = Q(rating__isnull=False)
    three = Q(rating__stars__gte=3)
    confirmed = Q(rating__stage=RatingStage.CONFIRMED)
    groups = (
        Organization.objects.filter(path__startswith=organization.path, kind__in=BRANCH_KINDS)
        .filter(taking_part(year, today))
        .annotate(rating=FilteredRelation("star_ratings", condition=Q(star_ratings__year=year)))
        .values("parent__path")
        .annotate(
            branches=Count("pk"),
            rated=Count("pk", filter=rated),
            three_stars_latest=Count("pk", filter=three),
            confirmed=Count("pk", filter=confirmed),
            three_stars_confirmed=Count("pk", filter=three & confirmed),
        )
        .order_by()
    )
    counters = ("branches", "rated", "three_stars_latest", "confirmed", "three_stars_confirmed")
    for group in groups:
        ancestors = {int(pk) for pk in (group["parent__path"] or "").strip("/").split("/") if pk}
        for pk in ancestors & rows.keys():
            for counter in counters:
                setattr(rows[pk], counter, getattr(rows[pk], counter) + group[counter])
    if organization.kind in BRANCH_KINDS and organization.pk in rows:
        _count_the_branch_itself(rows[organization.pk], organization, year, today)
    target = rating_policy_for(organization=organization, year=year).three_star_target
    ordered = sorted(rows.values(), key=lambda row: (row.organization != organization.pk, row.name))
    for row in ordered:
        row.target = target
    return [row.as_dict() for row in ordered]


def _count_the_branch_itself(row: RollupRow, branch: Organization, year: int, today) -> None:
    """A roll-up asked for one branch counts the branch (its parent's group belongs to the parent)."""
    if not Organization.objects.filter(pk=branch.pk).filter(taking_part(year, today)).exists():
        return
    rating = StarRating.objects.filter(organization=branch, year=year).values("stars", "stage").first()
    row.branches += 1
    if rating is None:
        return
    row.rated += 1
    row.three_stars_latest += rating["stars"] >= 3
    row.confirmed += rating["stage"] == RatingStage.CONFIRMED
    row.three_stars_confirmed += rating["stars"] >= 3 and rating["stage"] == RatingStage.CONFIRMED
