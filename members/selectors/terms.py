"""Reads of committee terms and elections (docs/terms.md): the API, the pages and the exports share them."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.utils import timezone

from branches.scope.querysets import subtree_q

from .. import terms_rules as rules
from ..models import Candidate
from ..models import Election
from ..models import Term


def _later_term(day: dt.date):
    return Term.objects.filter(
        organization=OuterRef("organization"), starts_on__gt=OuterRef("starts_on"), starts_on__lte=day
    )


def term_list(*, user, day: dt.date | None = None):
    """Terms the user may read, each with ``superseded``: a later term has started by ``day`` (today)."""
    day = day or timezone.localdate()
    return (
        Term.objects.restrict(user, "view")
        .select_related("organization", "election")
        .annotate(superseded=Exists(_later_term(day)))
    )


def current_terms(terms, day: dt.date):
    """The term each organization serves on ``day``: started by then, and no later one started."""
    return terms.filter(starts_on__lte=day, superseded=False)


def terms_ending(*, user, within=None, day: dt.date | None = None, months: int = rules.REMIND_MONTHS[0]):
    """Current terms whose last day is at most ``months`` after ``day``, overdue ones included, soonest
    first: the township's list of elections to prepare."""
    day = day or timezone.localdate()
    terms = current_terms(term_list(user=user, day=day), day).filter(
        ends_on__lte=day + relativedelta(months=months)
    )
    if within is not None:
        terms = terms.filter(organization__path__startswith=within.path)
    return terms.order_by("ends_on", "organization__path", "pk")


def terms_ending_within(*, paths, day: dt.date, months: int = rules.REMIND_MONTHS[0]):
    """``terms_ending`` for the subtrees of every path in ``paths`` at once (None: the whole database), for
    readers that serve every user together (the inbox, docs/inbox.md). One query."""
    terms = Term.objects.select_related("organization").annotate(superseded=Exists(_later_term(day)))
    terms = current_terms(terms, day).filter(ends_on__lte=day + relativedelta(months=months))
    if paths is not None:
        terms = terms.filter(subtree_q("organization__path", paths))
    return terms.order_by("ends_on", "organization__path", "pk")


def stage_of(term, day: dt.date | None = None) -> str:
    day = day or timezone.localdate()
    current = term.starts_on <= day and not getattr(term, "superseded", False)
    return rules.term_stage(term.ends_on, day, current=current)


def election_list(*, user):
    candidates = Candidate.objects.select_related("member").order_by("-yes_votes", "pk")
    return (
        Election.objects.restrict(user, "view")
        .select_related("organization", "approved_by")
        .prefetch_related(Prefetch("candidates", queryset=candidates))
    )


def organization_history(*, user, organization):
    """An organization's terms and elections, latest first (the branch's page)."""
    terms = term_list(user=user).filter(organization=organization).order_by("-starts_on", "-pk")
    elections = election_list(user=user).filter(organization=organization).order_by("-held_on", "-pk")
    return terms, elections
