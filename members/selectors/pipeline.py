"""Reads over the development pipeline, above all the due list: who may take which step, and from when."""

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import pipeline_rules as rules
from ..models import Applicant
from ..models import ApplicantStage
from ..models import ApplicantStatus

MISSING_LABELS = {
    "mentors": _("one or two mentors"),
    "political_review": _("political review"),
    "training": _("centralized training (3 days or 24 hours)"),
    "notice": _("public notice"),
    "pre_review": _("township pre-review"),
    "assembly": _("branch assembly vote"),
    "sponsors": _("two sponsors"),
}


@dataclass
class DueStep:
    applicant: Applicant
    next_stage: str
    possible_from: dt.date | None
    deadline: dt.date | None = None
    missing: list[str] = field(default_factory=list)

    def is_ready(self, today: dt.date) -> bool:
        return not self.missing and self.possible_from is not None and self.possible_from <= today


def applicant_list(*, user):
    return Applicant.objects.restrict(user, "view").select_related("branch")


def applicant_corrections(*, applicant: Applicant):
    """The record's corrections, newest first: the history rows that carry a reason (only a correction
    writes one, members/services/pipeline_corrections.py: applicant_correct), with who made them."""
    return (
        applicant.history.exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def due_list(*, user, organization=None, today: dt.date) -> list[DueStep]:
    """Every open development record in scope with its next step, sorted by the date it becomes possible."""
    applicants = (
        applicant_list(user=user)
        .filter(status=ApplicantStatus.ACTIVE)
        .exclude(stage=ApplicantStage.FULL)
        .annotate(
            mentor_count=Count("mentors", distinct=True), sponsor_count=Count("sponsors", distinct=True)
        )
    )
    if organization is not None:
        applicants = applicants.filter(branch__path__startswith=organization.path)
    steps = [NEXT_STEP[applicant.stage](applicant) for applicant in applicants]
    return sorted(steps, key=lambda step: (step.possible_from or dt.date.max, step.applicant.pk))


def _to_activist(applicant) -> DueStep:
    missing = [] if applicant.mentor_count else ["mentors"]
    return DueStep(applicant, ApplicantStage.ACTIVIST, applicant.applied_on, missing=missing)


def _to_candidate(applicant) -> DueStep:
    dates = [rules.candidate_from_activist(applicant.activist_on)]
    missing = []
    if applicant.political_review_on:
        dates.append(applicant.political_review_on)
    else:
        missing.append("political_review")
    if applicant.training_completed_on and rules.training_is_sufficient(
        applicant.training_days, applicant.training_hours
    ):
        dates.append(applicant.training_completed_on)
    else:
        missing.append("training")
    if applicant.notice_started_on:
        dates.append(rules.notice_over_from(applicant.notice_started_on))
    else:
        missing.append("notice")
    return DueStep(applicant, ApplicantStage.CANDIDATE, max(dates), missing=missing)


def _to_probationary(applicant) -> DueStep:
    missing = []
    if not applicant.pre_reviewed_on:
        missing.append("pre_review")
    vote_recorded = applicant.votes_yes is not None and applicant.votes_entitled is not None
    if not (
        applicant.assembly_on
        and vote_recorded
        and rules.assembly_passes(applicant.votes_yes, applicant.votes_entitled)
    ):
        missing.append("assembly")
    if applicant.sponsor_count != rules.SPONSORS_REQUIRED:
        missing.append("sponsors")
    deadline = rules.approval_deadline(applicant.assembly_on) if applicant.assembly_on else None
    return DueStep(
        applicant, ApplicantStage.PROBATIONARY, applicant.assembly_on, deadline=deadline, missing=missing
    )


def _to_full(applicant) -> DueStep:
    possible = rules.probation_ends(applicant.assembly_on, applicant.probation_extension_months)
    return DueStep(applicant, ApplicantStage.FULL, possible)


NEXT_STEP = {
    ApplicantStage.APPLICANT: _to_activist,
    ApplicantStage.ACTIVIST: _to_candidate,
    ApplicantStage.CANDIDATE: _to_probationary,
    ApplicantStage.PROBATIONARY: _to_full,
}
