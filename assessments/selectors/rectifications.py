"""Rectification reads (软弱涣散党组织整顿, docs/ratings-and-evaluation.md): the yearly candidate list.

A branch of the listed organization's subtree (a county or a township) is a candidate for every one of these
reasons that applies; the numbers come from the RatingPolicy of its county for the year (the defaults when
the county set none), ``ref`` being min(today, 31 December of the year):

- ``lowest_share``: among the branches with a StarRating for the year (the current total, whatever its stage),
  the lowest ``rectification_share`` % by total: k = ceil(n × share / 100), at least 1 when n > 0, and every
  branch whose total is at or below the k-th lowest — ties at the cut are all listed, so more than k may be;
- ``secretary_vacant``: no secretary (a Cadre post ``secretary``) serving on ``ref``, and the last secretary's
  term ended more than ``vacancy_months`` months before ``ref`` (ended_on < ref − N months: a post that fell
  vacant exactly N months ago is not yet listed), or the branch never had one;
- ``no_admission``: the published quota result ``dev.two_years_none`` of the year is not met;
- ``low_satisfaction``: over the year's democratic reviews (ReviewRecords of kinds member_review and
  representative_review with the satisfied votes recorded), satisfied / participants below
  ``satisfaction_floor`` % (59.9 % is listed at a floor of 60, 60 % is not); no such review: not judged;
- ``unrated``: no StarRating for the year, or one at 0 stars.

Branches are those of kind branch, joint branch or general branch taking part on ``ref`` (not dissolved).
Four queries whatever the size of the subtree.
"""

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_DOWN
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.db.models import Exists
from django.db.models import F
from django.db.models import IntegerField
from django.db.models import JSONField
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models import Sum
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import BRANCH_KINDS
from branches.models import DEMOCRATIC_REVIEW_KINDS
from branches.models import Organization
from branches.models.bases import keyed_message
from branches.models.records import ReviewRecord
from branches.selectors.tree import committee_above
from members.models import Cadre
from members.models import CadrePost

from ..models import Rectification
from ..models import StarRating
from .quotas import published_results
from .ratings import rating_policy_for

LOWEST_SHARE = "lowest_share"
SECRETARY_VACANT = "secretary_vacant"
NO_ADMISSION = "no_admission"
LOW_SATISFACTION = "low_satisfaction"
UNRATED = "unrated"
REASON_CODES = (LOWEST_SHARE, SECRETARY_VACANT, NO_ADMISSION, LOW_SATISFACTION, UNRATED)


def reason_labels() -> dict[str, str]:
    """A short label per reason code, in the user's language."""
    return {
        LOWEST_SHARE: _("Among the lowest rated branches"),
        SECRETARY_VACANT: _("Secretary post vacant"),
        NO_ADMISSION: _("No new member admitted for two years or more"),
        LOW_SATISFACTION: _("Low mass satisfaction"),
        UNRATED: _("Unrated"),
    }


@dataclass
class Candidate:
    organization: Organization
    rating_total: Decimal | None
    stars: int | None
    reasons: list[dict] = field(default_factory=list)
    rectification_id: int | None = None
    rectification_status: str | None = None

    @property
    def codes(self) -> list[str]:
        return [reason["code"] for reason in self.reasons]


@dataclass(frozen=True)
class Thresholds:
    ref: dt.date
    share: int
    rated: int
    listed_at_most: int
    cutoff: Decimal | None
    vacancy_months: int
    vacant_before: dt.date
    floor: int


def reference_day(year: int, today=None) -> dt.date:
    return min(today or timezone.localdate(), dt.date(year, 12, 31))


def taking_part(organization: Organization, ref: dt.date):
    return Organization.objects.filter(path__startswith=organization.path, kind__in=BRANCH_KINDS).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=ref)
    )


def _thresholds(organization, year, today) -> Thresholds:
    policy = rating_policy_for(organization=organization, year=year)
    ref = reference_day(year, today)
    ratings = StarRating.objects.filter(year=year, organization__in=taking_part(organization, ref))
    rated = ratings.count()
    listed = max(1, -(-rated * policy.rectification_share // 100)) if rated else 0
    cutoff = ratings.order_by("total").values_list("total", flat=True)[listed - 1] if rated else None
    return Thresholds(
        ref=ref,
        share=policy.rectification_share,
        rated=rated,
        listed_at_most=listed,
        cutoff=cutoff,
        vacancy_months=policy.vacancy_months,
        vacant_before=ref - relativedelta(months=policy.vacancy_months),
        floor=policy.satisfaction_floor,
    )


def _annotated(organization, year, limits: Thresholds):
    ref = limits.ref
    rating = StarRating.objects.filter(organization=OuterRef("pk"), year=year)
    secretaries = Cadre.objects.filter(
        organization=OuterRef("pk"), post=CadrePost.SECRETARY, started_on__lte=ref
    )
    serving = secretaries.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=ref))
    last_end = secretaries.filter(ended_on__isnull=False).order_by("-ended_on").values("ended_on")[:1]
    reviews = (
        ReviewRecord.objects.filter(
            organization=OuterRef("pk"),
            kind__in=DEMOCRATIC_REVIEW_KINDS,
            held_on__gte=dt.date(year, 1, 1),
            held_on__lte=dt.date(year, 12, 31),
            satisfied__isnull=False,
        )
        .order_by()
        .values("organization")
    )
    no_admission = published_results(year=year, organization=organization).filter(
        organization=OuterRef("pk"), code="dev.two_years_none", met=False
    )
    rectification = Rectification.objects.filter(organization=OuterRef("pk"), year=year)
    return taking_part(organization, ref).annotate(
        rating_total=Subquery(rating.values("total")[:1]),
        rating_stars=Subquery(rating.values("stars")[:1]),
        secretary_serving=Exists(serving),
        secretary_last_end=Subquery(last_end),
        satisfied=Coalesce(
            Subquery(reviews.annotate(n=Sum("satisfied")).values("n")), Value(0), output_field=IntegerField()
        ),
        participants=Coalesce(
            Subquery(reviews.annotate(n=Sum("participants")).values("n")),
            Value(0),
            output_field=IntegerField(),
        ),
        satisfied_percent_points=F("satisfied") * 100,
        no_admission=Exists(no_admission),
        no_admission_detail=Subquery(no_admission.values("detail")[:1], output_field=JSONField()),
        rectification_id=Subquery(rectification.values("pk")[:1]),
        rectification_status=Subquery(rectification.values("status")[:1]),
    )


def _weak(limits: Thresholds) -> Q:
    weak = (
        Q(secretary_serving=False)
        & (Q(secretary_last_end__isnull=True) | Q(secretary_last_end__lt=limits.vacant_before))
        | Q(no_admission=True)
        | Q(participants__gt=0, satisfied_percent_points__lt=F("participants") * limits.floor)
        | Q(rating_stars__isnull=True)
        | Q(rating_stars=0)
    )
    if limits.cutoff is not None:
        weak |= Q(rating_total__lte=limits.cutoff)
    return weak


def rectification_candidates(*, organization: Organization, year: int, today=None) -> list[Candidate]:
    """Every branch of ``organization``'s subtree that is weak for ``year``, with each reason that applies
    (code and message), in tree order."""
    limits = _thresholds(organization, year, today)
    rows = (
        _annotated(organization, year, limits).filter(_weak(limits)).select_related("parent").order_by("path")
    )
    return [_candidate(row, limits) for row in rows]


def _candidate(row, limits: Thresholds) -> Candidate:
    candidate = Candidate(
        organization=row,
        rating_total=row.rating_total,
        stars=row.rating_stars,
        rectification_id=row.rectification_id,
        rectification_status=row.rectification_status,
    )
    for code, message in _reasons(row, limits):
        candidate.reasons.append({"code": code, "message": message})
    return candidate


MESSAGES = {
    LOWEST_SHARE: gettext_lazy(
        "Rating total %(total)s is among the lowest %(share)s%% of the %(rated)s rated branches (the lowest "
        "%(listed)s, ties included)."
    ),
    "never_had_secretary": gettext_lazy("The branch has never had a secretary."),
    SECRETARY_VACANT: gettext_lazy(
        "The secretary post has been vacant for more than %(months)s months: the last secretary's term "
        "ended on %(ended)s."
    ),
    NO_ADMISSION: gettext_lazy("No new member admitted in the last %(years)s years."),
    LOW_SATISFACTION: gettext_lazy(
        "Mass satisfaction in the democratic reviews is %(percent)s%% (%(satisfied)s of "
        "%(participants)s), below %(floor)s%%."
    ),
    UNRATED: gettext_lazy("The branch has no star rating for the year."),
    "no_star": gettext_lazy("The branch's star rating for the year reached no star (total %(total)s)."),
}


def _reason(code, key=None, **params):
    return code, str(keyed_message(MESSAGES, key or code, **params))


def _reasons(row, limits: Thresholds):
    total = row.rating_total
    if limits.cutoff is not None and total is not None and total <= limits.cutoff:
        yield _reason(
            LOWEST_SHARE,
            total=_points(total),
            share=limits.share,
            rated=limits.rated,
            listed=limits.listed_at_most,
        )
    if not row.secretary_serving and row.secretary_last_end is None:
        yield _reason(SECRETARY_VACANT, "never_had_secretary")
    elif not row.secretary_serving and row.secretary_last_end < limits.vacant_before:
        yield _reason(
            SECRETARY_VACANT, months=limits.vacancy_months, ended=row.secretary_last_end.isoformat()
        )
    if row.no_admission:
        yield _reason(NO_ADMISSION, years=(row.no_admission_detail or {}).get("years", 2))
    if row.participants and row.satisfied * 100 < row.participants * limits.floor:
        percent = (Decimal(100 * row.satisfied) / row.participants).quantize(Decimal("0.1"), ROUND_DOWN)
        yield _reason(
            LOW_SATISFACTION,
            percent=percent,
            satisfied=row.satisfied,
            participants=row.participants,
            floor=limits.floor,
        )
    if row.rating_stars is None:
        yield _reason(UNRATED)
    elif row.rating_stars == 0:
        yield _reason(UNRATED, "no_star", total=_points(total))


def _points(total) -> str:
    return f"{Decimal(total):.1f}"


def candidate_reasons(*, branch: Organization, year: int, within: Organization, today=None) -> list[dict]:
    """The reasons ``branch`` is listed for among ``within``'s candidates (none: not a candidate)."""
    for candidate in rectification_candidates(organization=within, year=year, today=today):
        if candidate.organization.pk == branch.pk:
            return candidate.reasons
    return []


def listed_reasons(*, branch: Organization, year: int) -> list[dict]:
    """The reasons ``branch`` is listed for among its township's candidates (those of the branch alone when
    no township stands above it): what a rectification of it is opened for by default."""
    return candidate_reasons(branch=branch, year=year, within=committee_above(branch) or branch)


def rectification_list(*, user):
    """The rectifications the user may read, with ``note_count`` (progress notes so far)."""
    return (
        Rectification.objects.restrict(user, "view")
        .select_related("organization", "instructor", "opened_by", "verified_by")
        .annotate(note_count=Count("notes"))
    )
