"""Every write to committee terms and elections (换届选举): docs/terms.md.

A term's last day is derived here from its start, its length and its one extension. An election is recorded
with its vote, checked against the quorum and the majority rule, and approved by the township: then the
elected take their posts through the cadre services, the previous holders' posts end the day before, and
a new term starts."""

import datetime as dt
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from branches.models import Organization
from branches.models.bases import keyed_error
from branches.models.bases import refuse_record_date
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import ensure_in_scope
from branches.scope.roles import Capability
from branches.services.writing import require_capability
from branches.services.writing import save_new
from partybuild.versioning import apply_changes
from partybuild.versioning import lock_for_edit

from .. import terms_rules as rules
from ..models import Cadre
from ..models import CadrePost
from ..models import Candidate
from ..models import Election
from ..models import ElectionStatus
from ..models import Member
from ..models import Term
from ..models import TermKind
from ..models.cadres import BRANCH_POSTS
from ..selectors.roster import roll_on
from .cadres import cadre_appoint
from .cadres import cadre_end_term
from .cadres import cadre_update

MESSAGES = {
    "term_place": _("Terms are kept for party branches and township or street committees."),
    "length": _("A term lasts 1 to 5 years."),
    "already_extended": _("This term was already extended, to %(day)s; it can be extended only once."),
    "extension_after_end": _("An extension moves the end past %(day)s, the term's regular last day."),
    "extension_too_long": _(
        "A term can be extended by at most one year: to %(latest)s at the latest "
        "(the regular end is %(end)s)."
    ),
    "reason_required": _("Give the reason."),
    "before_start": _("The date cannot come before the term started (%(day)s)."),
    "election_place": _("Elections are held by party branches."),
    "entitled": _("There must be at least one entitled voter."),
    "present_over_entitled": _("More voters present (%(present)s) than entitled (%(entitled)s)."),
    "quorum": _(
        "Only %(present)s of the %(entitled)s entitled voters were present: a vote needs at least "
        "four fifths present (%(needed)s)."
    ),
    "no_candidates": _("List the candidates with their yes votes."),
    "votes_over_present": _("%(name)s has %(votes)s yes votes, more than the %(present)s voters present."),
    "twice": _("%(name)s is listed twice."),
    "not_visible": _("There is no such party member among the records you can see."),
    "not_on_roll": _("%(name)s was not on the roll of %(organization)s on %(day)s, the day of the election."),
    "majority": _(
        "%(name)s cannot be elected with %(votes)s yes votes: more than half of the %(present)s voters "
        "present is needed (at least %(needed)s)."
    ),
    "one_secretary": _("Elect exactly one secretary."),
    "one_deputy": _("Elect at most one deputy secretary."),
    "too_many": _("A committee has at most %(max)s members; %(count)s were elected."),
    "not_recorded": _("This election is already approved (on %(day)s)."),
    "approval_before_vote": _("The approval cannot come before the election (%(day)s)."),
    "holder_from_today": _(
        "%(name)s took the post of %(post)s on %(day)s: the approval must come after that day."
    ),
    "ended_by_election": _("Term ended by the election of %(day)s."),
}


_error = partial(keyed_error, MESSAGES)


# --- terms ------------------------------------------------------------------------------------------


def _check_term_place(organization: Organization) -> None:
    if organization.kind not in BRANCH_KINDS | COMMITTEE_KINDS:
        raise _error("organization", "term_place")


@transaction.atomic
def term_start(
    *,
    actor,
    organization: Organization,
    kind: str,
    starts_on: dt.date,
    length_years: int | None = None,
    election: Election | None = None,
) -> Term:
    """A new term from ``starts_on``; its length defaults to the organization's (docs/terms.md)."""
    require_capability(actor, organization)
    _check_term_place(organization)
    refuse_record_date("starts_on", starts_on)
    years = length_years or rules.term_years_for(organization)
    if not 1 <= years <= rules.LONG_TERM_YEARS:
        raise _error("length_years", "length")
    term = Term(
        organization=organization,
        kind=kind,
        starts_on=starts_on,
        length_years=years,
        ends_on=rules.regular_end(starts_on, years),
        election=election,
    )
    term.full_clean()
    return save_new(actor, term)


@transaction.atomic
def term_extend(
    *, actor, term: Term, extended_to: dt.date, reason: str, on: dt.date, expected_version=None
) -> Term:
    """Extend a term once, by at most a year past its regular end, with the reason."""
    reason = (reason or "").strip()

    def prepare(term, changes):
        regular = rules.regular_end(term.starts_on, term.length_years)
        if term.extended_to is not None:
            raise _error("extended_to", "already_extended", day=term.extended_to)
        if not reason:
            raise _error("reason", "reason_required")
        refuse_record_date("on", on)
        if on < term.starts_on:
            raise _error("on", "before_start", day=term.starts_on)
        if extended_to <= regular:
            raise _error("extended_to", "extension_after_end", day=regular)
        latest = rules.latest_extension(regular)
        if extended_to > latest:
            raise _error("extended_to", "extension_too_long", latest=latest, end=regular)
        return changes

    changes = {
        "extended_to": extended_to,
        "extension_reason": reason,
        "extended_on": on,
        "ends_on": extended_to,
    }
    return scoped_update(actor, term, expected_version, False, changes, prepare=prepare)


# --- elections --------------------------------------------------------------------------------------


def _check_turnout(entitled: int, present: int) -> None:
    if entitled < 1:
        raise _error("entitled_voters", "entitled")
    if present > entitled:
        raise _error("present_voters", "present_over_entitled", present=present, entitled=entitled)
    if not rules.quorum_met(entitled, present):
        needed = -(-entitled * rules.QUORUM[0] // rules.QUORUM[1])
        raise _error("present_voters", "quorum", present=present, entitled=entitled, needed=needed)


def _check_people(actor, organization, held_on, candidates: list[dict]) -> None:
    members = [row["member"] for row in candidates]
    seen = set()
    for member in members:
        if member.pk in seen:
            raise _error("candidates", "twice", name=member.name)
        seen.add(member.pk)
    visible = set(Member.objects.restrict(actor, "view").filter(pk__in=seen).values_list("pk", flat=True))
    if seen - visible:
        raise _error("candidates", "not_visible")
    on_roll = set(roll_on(organization, held_on).filter(pk__in=seen).values_list("pk", flat=True))
    for member in members:
        if member.pk not in on_roll:
            raise _error(
                "candidates", "not_on_roll", name=member.name, organization=organization, day=held_on
            )


def _check_votes(present: int, candidates: list[dict]) -> None:
    needed = present // 2 + 1
    for row in candidates:
        name, votes = row["member"].name, row["yes_votes"]
        if votes > present:
            raise _error("candidates", "votes_over_present", name=name, votes=votes, present=present)
        if row.get("elected_post") and not rules.elected_by(present, votes):
            raise _error("candidates", "majority", name=name, votes=votes, present=present, needed=needed)
    posts = [row.get("elected_post") for row in candidates if row.get("elected_post")]
    if posts.count(CadrePost.SECRETARY) != 1:
        raise _error("candidates", "one_secretary")
    if posts.count(CadrePost.DEPUTY_SECRETARY) > 1:
        raise _error("candidates", "one_deputy")
    if len(posts) > rules.COMMITTEE_MAX:
        raise _error("candidates", "too_many", max=rules.COMMITTEE_MAX, count=len(posts))


def election_check(*, actor, organization, held_on, entitled_voters, present_voters, candidates) -> None:
    """Every rule of an election record (docs/terms.md, "Elections"); forms call it too."""
    if organization.kind not in BRANCH_KINDS:
        raise _error("organization", "election_place")
    refuse_record_date("held_on", held_on)
    _check_turnout(entitled_voters, present_voters)
    if not candidates:
        raise _error("candidates", "no_candidates")
    _check_votes(present_voters, candidates)
    _check_people(actor, organization, held_on, candidates)


@transaction.atomic
def election_record(
    *,
    actor,
    organization: Organization,
    held_on: dt.date,
    entitled_voters: int,
    present_voters: int,
    candidates: list[dict],
    note: str = "",
) -> Election:
    """Record a vote: ``candidates`` is a list of ``{member, yes_votes, elected_post}`` (blank post: not
    elected). Refused, with the rule, when the quorum or a majority is missing; nothing is written then."""
    require_capability(actor, organization)
    election_check(
        actor=actor,
        organization=organization,
        held_on=held_on,
        entitled_voters=entitled_voters,
        present_voters=present_voters,
        candidates=candidates,
    )
    election = Election(
        organization=organization,
        held_on=held_on,
        entitled_voters=entitled_voters,
        present_voters=present_voters,
        note=note,
    )
    election.full_clean()
    save_new(actor, election)
    Candidate.objects.bulk_create(
        Candidate(
            election=election,
            member=row["member"],
            yes_votes=row["yes_votes"],
            elected_post=row.get("elected_post") or "",
        )
        for row in candidates
    )
    return election


def _end_previous_posts(actor, election: Election, on: dt.date) -> None:
    last_day = on - dt.timedelta(days=1)
    reason = str(MESSAGES["ended_by_election"] % {"day": election.held_on})
    serving = Cadre.objects.serving_on(on).filter(
        organization_id=election.organization_id, post__in=BRANCH_POSTS
    )
    for cadre in serving.order_by("pk"):
        if cadre.started_on > last_day:
            post = cadre.get_post_display()
            raise _error("on", "holder_from_today", name=cadre.name, post=post, day=cadre.started_on)
        if cadre.ended_on is None:
            cadre_end_term(actor=actor, cadre=cadre, on=last_day, reason=reason)
        else:
            cadre_update(actor=actor, cadre=cadre, ended_on=last_day)


def _appoint_elected(actor, election: Election, on: dt.date) -> list[Cadre]:
    elected = election.candidates.exclude(elected_post="").select_related("member").order_by("pk")
    posts = []
    for candidate in elected:
        try:
            posts.append(
                cadre_appoint(
                    actor=actor,
                    organization=election.organization,
                    post=candidate.elected_post,
                    member=candidate.member,
                    started_on=on,
                )
            )
        except ValidationError as error:
            texts = [text for messages in error.message_dict.values() for text in messages]
            raise ValidationError({"on": [f"{candidate.member.name}: {text}" for text in texts]}) from error
    return posts


@transaction.atomic
def election_approve(*, actor, election: Election, on: dt.date, expected_version=None) -> Election:
    """The township's approval: from ``on`` the elected hold their posts, the previous holders' posts end
    the day before, and a new term starts (a committee when three or more were elected)."""
    ensure_in_scope(actor, election, "view", NOT_ALLOWED)
    require_capability(actor, election.organization, Capability.REVIEW)
    election = lock_for_edit(election, expected_version)
    if election.status != ElectionStatus.RECORDED:
        raise _error("on", "not_recorded", day=election.approved_on)
    refuse_record_date("on", on)
    if on < election.held_on:
        raise _error("on", "approval_before_vote", day=election.held_on)
    _end_previous_posts(actor, election, on)
    posts = _appoint_elected(actor, election, on)
    kind = TermKind.COMMITTEE if len(posts) >= rules.COMMITTEE_MIN else TermKind.SECRETARY
    term_start(actor=actor, organization=election.organization, kind=kind, starts_on=on, election=election)
    changes = {"status": ElectionStatus.APPROVED, "approved_on": on, "approved_by": actor}
    apply_changes(election, changes, actor=actor)
    return election
