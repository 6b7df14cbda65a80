"""Five-good star ratings (docs/ratings-and-evaluation.md): after proposal, self-assessment and review,
the county confirms. Each step keeps who, when, the five scores and why; a step that changes a score from
the previous one needs a reason; a confirmed rating is final. The county's policy sets the bands."""

from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import ensure_in_scope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from partybuild.years import SO_FAR_MESSAGE
from partybuild.years import is_year_so_far

from ..models import DIMENSIONS
from ..models import RatingPolicy
from ..models import RatingStage
from ..models import RatingStep
from ..models import StarRating
from ..ratings_proposal import ProposalSummary
from ..ratings_proposal import propose
from ..selectors.ratings import classification_for
from ..selectors.ratings import rating_policy_for
from ..selectors.ratings import stars_for
from .policies import county_policy_create
from .policies import county_policy_update

# Each step: the stage it must follow and the capability it needs (docs/scope-and-roles.md).
STEPS = {
    RatingStage.SELF_ASSESSED: (RatingStage.PROPOSED, Capability.RECORDS),
    RatingStage.REVIEWED: (RatingStage.SELF_ASSESSED, Capability.REVIEW),
    RatingStage.CONFIRMED: (RatingStage.REVIEWED, Capability.POLICY),
}
ONE_DECIMAL = Decimal("0.1")

MESSAGES = {
    "confirmed": _("This rating was confirmed by the county and is final."),
    "out_of_order": _("This rating stands at “%(current)s”: the next step is “%(next)s”, not “%(step)s”."),
    "score_range": _("Each score is from 0 to 20 points, with at most one decimal."),
    "unknown_dimension": _("Unknown dimension: %(names)s."),
    "reason": _("You changed %(dimensions)s from the previous step: give the reason."),
    "year": SO_FAR_MESSAGE,
    "policy_moves": _("The county and year of a policy cannot change: create a policy for the other one."),
}


# --- the proposal -------------------------------------------------------------------------------------------


@transaction.atomic
def rating_propose(*, actor, organization: Organization, year: int) -> ProposalSummary:
    """Propose the ratings of every branch of ``organization``'s subtree from the year's published quotas."""
    if not organization_in_scope(actor, organization, Capability.REVIEW):
        raise OutOfScope(NOT_ALLOWED)
    if not is_year_so_far(year):
        raise ValidationError({"year": [MESSAGES["year"]]})
    return propose(prefix=organization.path, year=year, actor=actor)


# --- the workflow -------------------------------------------------------------------------------------------


def rating_next_step(rating: StarRating) -> str | None:
    """The stage the rating moves to next; None once it is confirmed."""
    return next((stage for stage, (previous, _capability) in STEPS.items() if previous == rating.stage), None)


def rating_step_allowed(*, actor, rating: StarRating, stage: str) -> bool:
    """Whether ``actor`` may take ``stage`` on this rating: the scope check the step itself makes first."""
    try:
        ensure_in_scope(actor, rating, STEPS[stage][1], NOT_ALLOWED)
    except OutOfScope:
        return False
    return True


def rating_score_clean(value) -> Decimal:
    """One dimension's score: 0 to 20 points with at most one decimal (a browser form checks it here too)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if (
        number is None
        or not number.is_finite()
        or not 0 <= number <= 20
        or number != number.quantize(ONE_DECIMAL)
    ):
        raise ValidationError(MESSAGES["score_range"])
    return number.quantize(ONE_DECIMAL)


def _clean_scores(scores: dict) -> dict[str, Decimal]:
    unknown = sorted(set(scores) - set(DIMENSIONS))
    if unknown:
        raise ValidationError({"scores": [MESSAGES["unknown_dimension"] % {"names": ", ".join(unknown)}]})
    cleaned, errors = {}, {}
    for dimension, value in scores.items():
        try:
            cleaned[dimension] = rating_score_clean(value)
        except ValidationError:
            errors[dimension] = [MESSAGES["score_range"]]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_order(rating: StarRating, stage: str) -> None:
    if rating.stage == RatingStage.CONFIRMED:
        raise ValidationError({"stage": [MESSAGES["confirmed"]]})
    following = {previous: step for step, (previous, _capability) in STEPS.items()}
    if STEPS[stage][0] != rating.stage:
        raise ValidationError(
            {
                "stage": [
                    MESSAGES["out_of_order"]
                    % {
                        "current": rating.get_stage_display(),
                        "next": RatingStage(following[rating.stage]).label,
                        "step": RatingStage(stage).label,
                    }
                ]
            }
        )


def _check_reason(rating: StarRating, scores: dict[str, Decimal], reason: str) -> None:
    changed = [d for d in DIMENSIONS if scores[d] != getattr(rating, d)]
    if changed and not reason.strip():
        labels = "、".join(str(StarRating._meta.get_field(d).verbose_name) for d in changed)
        raise ValidationError({"reason": [MESSAGES["reason"] % {"dimensions": labels}]})


def _record_step(actor, rating: StarRating, stage: str, scores: dict, reason: str) -> dict:
    """Check the step on the locked ``rating`` and record it; the rating's fields once it is taken."""
    _check_order(rating, stage)
    given = _clean_scores(scores or {})
    # The previous step's scores (the system's while the rating is still proposed) are its current ones.
    scores = {d: given.get(d, getattr(rating, d)) for d in DIMENSIONS}
    reason = (reason or "").strip()
    _check_reason(rating, scores, reason)
    total = sum(scores.values(), Decimal(0))
    step = RatingStep(rating=rating, stage=stage, actor=actor, total=total, reason=reason, **scores)
    step.full_clean()
    step.save()
    stars = stars_for(total, rating_policy_for(organization=rating.organization, year=rating.year))
    return {
        **scores,
        "total": total,
        "stars": stars,
        "classification": classification_for(stars),
        "stage": stage,
    }


@transaction.atomic
def _advance(
    *,
    actor,
    rating: StarRating,
    stage: str,
    scores: dict,
    reason: str,
    expected_version=None,
    precondition=False,
):
    def prepare(rating, changes):
        return _record_step(actor, rating, stage, scores, reason)

    capability = STEPS[stage][1]
    return scoped_update(
        actor, rating, expected_version, precondition, {}, action=capability, prepare=prepare
    )


def rating_self_assess(
    *, actor, rating: StarRating, scores: dict | None = None, reason: str = "", **lock
) -> StarRating:
    """The branch rates itself (the secretary, or township or county staff on its behalf)."""
    return _advance(
        actor=actor, rating=rating, stage=RatingStage.SELF_ASSESSED, scores=scores, reason=reason, **lock
    )


def rating_review(
    *, actor, rating: StarRating, scores: dict | None = None, reason: str = "", **lock
) -> StarRating:
    """The township reviews the branch's self-assessment."""
    return _advance(
        actor=actor, rating=rating, stage=RatingStage.REVIEWED, scores=scores, reason=reason, **lock
    )


def rating_confirm(
    *, actor, rating: StarRating, scores: dict | None = None, reason: str = "", **lock
) -> StarRating:
    """The county confirms: the rating is final from then on."""
    return _advance(
        actor=actor, rating=rating, stage=RatingStage.CONFIRMED, scores=scores, reason=reason, **lock
    )


# --- the county's policy ------------------------------------------------------------------------------------


@transaction.atomic
def rating_policy_create(*, actor, county: Organization, year: int, **settings) -> RatingPolicy:
    detail = {"model": "rating_policy", "year": year, "created": True}
    return county_policy_create(
        actor, RatingPolicy, county=county, year=year, settings=settings, detail=detail
    )


@transaction.atomic
def rating_policy_update(
    *, actor, rating_policy: RatingPolicy, expected_version=None, precondition=False, **changes
) -> RatingPolicy:
    return county_policy_update(
        actor,
        rating_policy,
        expected_version,
        precondition,
        changes,
        detail={"model": "rating_policy"},
        moves_message=MESSAGES["policy_moves"],
    )
