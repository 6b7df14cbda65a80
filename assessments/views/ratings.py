"""The five-good star rating in the browser (docs/ratings-and-evaluation.md): a rating's page with its scores
at every step, the proposal's basis in words, the steps taken and the form of the next step for whoever may
take it (/star-ratings/<id>/), and the overview of a year per township or per branch
(/star-ratings/overview/). The services decide every rule; out of scope is 404 like a missing rating.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from branches.models import COMMITTEE_OR_COUNTY_KINDS
from branches.scope.navigation import Requirement
from branches.scope.navigation import requires
from branches.scope.roles import Capability
from branches.selectors import organization_get
from branches.views.entry import EntryView

from ..forms.ratings import RatingStepForm
from ..models import DIMENSIONS
from ..models import RatingStage
from ..models import StarRating
from ..selectors.rating_basis import proposal_basis
from ..selectors.rating_basis import score_text
from ..selectors.rating_basis import stars_text
from ..selectors.rating_overview import STAR_LEVELS
from ..selectors.rating_overview import overview_roots
from ..selectors.rating_overview import rating_overview
from ..selectors.ratings import rating_steps
from ..selectors.ratings import star_rating_list
from ..selectors.rectification_detail import user_name
from ..services.ratings import MESSAGES
from ..services.ratings import rating_confirm
from ..services.ratings import rating_next_step
from ..services.ratings import rating_review
from ..services.ratings import rating_self_assess
from ..services.ratings import rating_step_allowed
from .organization_year import asked_year
from .organization_year import year_choices

STEP_SERVICES = {
    RatingStage.SELF_ASSESSED: rating_self_assess,
    RatingStage.REVIEWED: rating_review,
    RatingStage.CONFIRMED: rating_confirm,
}
STEP_RECORDED = _("Recorded: the rating now stands at “%(stage)s”.")
# Who takes each step, as the page tells those who cannot (docs/scope-and-roles.md).
STEP_TAKERS = {
    RatingStage.SELF_ASSESSED: _("the branch"),
    RatingStage.REVIEWED: _("the township party committee"),
    RatingStage.CONFIRMED: _("the county organization department"),
}
OVERVIEW_REQUIREMENT = Requirement(Capability.VIEW, kinds=COMMITTEE_OR_COUNTY_KINDS)


def _proposed_scores(rating: StarRating) -> dict | None:
    dimensions = (rating.proposal or {}).get("dimensions") if isinstance(rating.proposal, dict) else None
    if not isinstance(dimensions, dict):
        return None
    scores = {d: score_text((dimensions.get(d) or {}).get("score")) for d in DIMENSIONS}
    return {**scores, "total": score_text(rating.proposal.get("total"))}


def score_table(rating: StarRating, steps) -> dict:
    """The five dimensions and the total with the score of every stage side by side; a score that differs
    from the stage before it is marked."""
    by_stage = {RatingStage.PROPOSED: _proposed_scores(rating)}
    for step in steps:
        by_stage[step.stage] = {key: score_text(getattr(step, key)) for key in (*DIMENSIONS, "total")}
    stages = list(RatingStage)
    rows = []
    for key in (*DIMENSIONS, "total"):
        label = StarRating._meta.get_field(key).verbose_name
        cells, before = [], None
        for stage in stages:
            value = (by_stage.get(stage) or {}).get(key)
            cells.append({"value": value, "changed": None not in (value, before) and value != before})
            before = value if value is not None else before
        rows.append({"key": key, "label": label, "cells": cells, "is_total": key == "total"})
    return {"stages": stages, "rows": rows}


def step_rows(steps) -> list[dict]:
    return [
        {
            "step": step,
            "stage": step.get_stage_display(),
            "who": user_name(step.actor) or "—",
            "scores": [
                (StarRating._meta.get_field(d).verbose_name, score_text(getattr(step, d))) for d in DIMENSIONS
            ],
            "total": score_text(step.total),
        }
        for step in steps
    ]


class RatingPage(EntryView):
    """A rating with everything about it, and the form of its next step for a user who may take it."""

    model = StarRating
    form_class = RatingStepForm
    template_name = "assessments/ratings/page.html"
    list_url_name = "assessments:starrating-list"

    def get_object(self):
        queryset = star_rating_list(user=self.request.user)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def form_kwargs(self) -> dict:
        return {"rating": self.object, "step": rating_next_step(self.object)}

    def may_take(self, step: str | None) -> bool:
        return step is not None and rating_step_allowed(
            actor=self.request.user, rating=self.object, stage=step
        )

    def check_access(self, form) -> None:
        """Only a user who may take the step sends it; nobody else is shown the form."""
        if form.is_bound and not self.may_take(form.posted_step()):
            raise PermissionDenied

    def save(self, form):
        step = form.cleaned_data["step"]
        rating = STEP_SERVICES[step](actor=self.request.user, rating=self.object, **form.step_data())
        self.success_message = STEP_RECORDED % {"stage": RatingStage(step).label}
        return rating

    def success_url(self, record) -> str:
        return reverse("assessments:starrating-detail", args=[record.pk])

    def context(self, form) -> dict:
        rating = self.object
        steps = list(rating_steps(rating=rating))
        following = rating_next_step(rating)
        return {
            "title": _("Star rating"),
            "rating": rating,
            "stars": stars_text(rating.stars),
            "scores": score_table(rating, steps),
            "basis": proposal_basis(rating),
            "steps": step_rows(steps),
            "next_step": RatingStage(following).label if following else None,
            "next_taker": STEP_TAKERS.get(following),
            "show_form": self.may_take(following),
            "final_message": MESSAGES["confirmed"] if following is None else None,
        }


# --- the overview -------------------------------------------------------------------------------------------


def _roots(request) -> list:
    """The organization asked for (a county or committee in scope, else 404), or the user's own."""
    raw = request.GET.get("organization")
    if raw in (None, ""):
        return overview_roots(user=request.user)
    organization = organization_get(user=request.user, pk=raw)
    if organization.kind not in COMMITTEE_OR_COUNTY_KINDS:
        raise Http404
    return [organization]


@login_required
@require_GET
@requires(OVERVIEW_REQUIREMENT)
def rating_overview_page(request):
    year, year_error = asked_year(request)
    context = {
        "year": year,
        "year_error": year_error,
        "years": year_choices(year),
        "sections": rating_overview(roots=_roots(request), year=year),
        "stages": list(RatingStage),
        "star_levels": [(level, stars_text(level)) for level in STAR_LEVELS],
    }
    return render(request, "assessments/ratings/overview.html", context)


urlpatterns = [
    path("star-ratings/overview/", rating_overview_page, name="starrating-overview"),
    path("star-ratings/<int:pk>/", RatingPage.as_view(), name="starrating-detail"),
]
