"""A star rating's proposal in words (docs/ratings-and-evaluation.md, Proposal): per dimension how its score
came about, and each indicator behind it with its label, the published target and actual, and what it
contributed. The rating page and the admin show these same words (templates/assessments/ratings/_basis.html).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from branches.scope.columns import display

from ..indicators import DIMENSION_INDICATORS
from ..indicators import indicator_label
from ..models import Classification
from ..models import StarRating
from .quotas import published_results

POINTS = 20
SATISFACTION = "satisfaction"
UNRATED = _lazy("Unrated (no stars)")


@dataclass(frozen=True)
class IndicatorBasis:
    code: str
    label: str
    target: str
    actual: str
    met: bool | None
    counted: bool
    outcome: str


@dataclass(frozen=True)
class DimensionBasis:
    dimension: str
    label: str
    score: str
    summary: str
    indicators: list[IndicatorBasis]


@dataclass(frozen=True)
class ProposalBasis:
    total: str
    stars: str
    classification: str
    dimensions: list[DimensionBasis]


def stars_text(stars: int) -> str:
    """Stars as the pages print them: ★★★, or "unrated"."""
    return "★" * stars if stars else str(UNRATED)


def score_text(value) -> str:
    """A score as the pages print it: one decimal."""
    return f"{Decimal(str(value or 0)):.1f}"


def _number(value) -> str:
    return str(display(Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None))


def _summary(dimension: str, facts: dict) -> str:
    score = score_text(facts.get("score"))
    if dimension == "feedback" and facts.get("basis") == SATISFACTION:
        return _(
            "From the mass satisfaction of the year's democratic reviews: %(satisfied)s of %(participants)s "
            "participants satisfied, 20 × %(satisfied)s ÷ %(participants)s = %(score)s points."
        ) % {
            "satisfied": facts.get("satisfied", 0),
            "participants": facts.get("participants", 0),
            "score": score,
        }
    met, applicable = facts.get("met", 0), facts.get("applicable", 0)
    if not applicable:
        return _("No indicator of this dimension applies to the branch this year: 0 points.")
    return _(
        "%(met)s of the %(applicable)s indicators that apply are met: 20 × %(met)s ÷ %(applicable)s = "
        "%(score)s points."
    ) % {"met": met, "applicable": applicable, "score": score}


def _outcome(met, *, counted: bool, present: bool, share: str) -> str:
    if not present:
        return _("no result published: not counted")
    if not counted:
        return _("not counted: the satisfaction of the reviews is used")
    if met is None:
        return _("does not apply: not counted")
    if met:
        return _("met: +%(points)s points") % {"points": share}
    return _("not met: 0 points")


def _indicators(dimension: str, facts: dict, results: dict) -> list[IndicatorBasis]:
    mets = {
        item.get("code"): item.get("met") for item in facts.get("indicators") or () if isinstance(item, dict)
    }
    counted = not (dimension == "feedback" and facts.get("basis") == SATISFACTION)
    applicable = facts.get("applicable") or 0
    share = _number(Decimal(POINTS) / applicable) if applicable else "0"
    rows = []
    for code in DIMENSION_INDICATORS[dimension]:
        target, actual = results.get(code, (None, None))
        met = mets.get(code)
        outcome = _outcome(met, counted=counted, present=code in mets, share=share)
        rows.append(
            IndicatorBasis(
                code=code,
                label=indicator_label(code),
                target=_number(target),
                actual=_number(actual),
                met=met,
                counted=counted and met is not None,
                outcome=outcome,
            )
        )
    return rows


def _published_figures(rating: StarRating) -> dict[str, tuple]:
    """code → (target, actual) of the rating's branch and year, as published now (one query)."""
    codes = [code for codes in DIMENSION_INDICATORS.values() for code in codes]
    rows = (
        published_results(year=rating.year)
        .filter(organization_id=rating.organization_id, code__in=codes)
        .values_list("code", "target", "actual")
    )
    return {code: (target, actual) for code, target, actual in rows}


def proposal_basis(rating: StarRating) -> ProposalBasis | None:
    """The proposal in words; None when the system has not proposed this rating."""
    proposal = rating.proposal if isinstance(rating.proposal, dict) else {}
    dimensions = proposal.get("dimensions")
    if not isinstance(dimensions, dict):
        return None
    results = _published_figures(rating)
    rows = []
    for dimension in DIMENSION_INDICATORS:
        facts = dimensions.get(dimension) or {}
        rows.append(
            DimensionBasis(
                dimension=dimension,
                label=str(StarRating._meta.get_field(dimension).verbose_name),
                score=score_text(facts.get("score")),
                summary=_summary(dimension, facts),
                indicators=_indicators(dimension, facts, results),
            )
        )
    classification = proposal.get("classification")
    return ProposalBasis(
        total=score_text(proposal.get("total")),
        stars=stars_text(int(proposal.get("stars") or 0)),
        classification=str(Classification(classification).label)
        if classification in Classification.values
        else "",
        dimensions=rows,
    )
