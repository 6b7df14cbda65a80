"""Demo committee terms and elections (``manage.py seed_demo``; docs/terms.md).

- Every village and community branch serves the five-year term that began with its latest two-committee
  election (the day its first posts of that year began): fresh. The term before it is there too, closed.
  Some of these elections are recorded with their vote and the township's approval, naming the members
  elected to the posts they hold.
- The other branches (institutions, schools, enterprises: three-year terms) each get a term at a stage of its
  own, in turn: running, six months left, three months left, overdue and extended by up to a year; each has
  its secretary's post (and, with 7 or more full members, two committee members') from the term's first
  day, held by full members on its roll then.

Bulk-created, one history row each; read from the posts already seeded, so the terms agree with them."""

import random
from datetime import date
from datetime import timedelta

from simple_history.utils import bulk_create_with_history

from branches.models import RURAL_FIELDS
from members.models import Cadre
from members.models import CadrePost
from members.models import Candidate
from members.models import Election
from members.models import ElectionStatus
from members.models import Member
from members.models import MemberCategory
from members.models import MemberStatus
from members.models import Term
from members.models import TermKind
from members.models.cadres import BRANCH_POSTS
from members.pipeline_rules import years_after
from members.selectors.roster import roll_on
from members.terms_rules import COMMITTEE_FROM_MEMBERS
from members.terms_rules import COMMITTEE_MIN
from members.terms_rules import DEFAULT_TERM_YEARS
from members.terms_rules import LONG_TERM_YEARS
from members.terms_rules import regular_end

from .cadre_posts import election_years
from .members import BATCH_SIZE
from .organizations import DemoTree

RECORDED_ELECTION_SHARE = 0.3
# Days from today to the last day of the term, by stage (the extended one: its regular end, then the new one).
STAGES = (("running", 500), ("six_months", 150), ("three_months", 45), ("overdue", -40), ("extended", -20))
EXTENSION_DAYS = 200
EXTENSION_REASON = "上级党组织批准，换届推迟"


def _term(branch, kind, starts_on, years, extended_to=None, election=None, extended_on=None):
    return Term(
        organization=branch,
        kind=kind,
        starts_on=starts_on,
        length_years=years,
        ends_on=extended_to or regular_end(starts_on, years),
        extended_to=extended_to,
        extension_reason=EXTENSION_REASON if extended_to else "",
        extended_on=extended_on,
        election=election,
    )


class TermBuilder:
    def __init__(self, *, rng: random.Random, today: date, actor):
        self.rng, self.today, self.actor = rng, today, actor
        self.election_year = election_years(today)[0]
        self.terms: list[Term] = []
        self.elections: list[Election] = []
        self.candidates: list[tuple[Election, Candidate]] = []
        self.secretaries: list[Cadre] = []

    def rural(self, branch, posts: list[Cadre], roll: int) -> None:
        """The term of the branch's serving team, and the one before (closed)."""
        # The election day: the first post of the latest election year (later ones came midterm).
        days = [p.started_on for p in posts if p.started_on.year == self.election_year]
        if not days or not any(p.post == CadrePost.SECRETARY for p in posts):
            return
        starts = min(days)
        team = [p for p in posts if p.started_on == starts and p.member_id is not None]
        kind = TermKind.COMMITTEE if len(posts) >= COMMITTEE_MIN else TermKind.SECRETARY
        election = None
        if self.rng.random() < RECORDED_ELECTION_SHARE and roll >= len(team) and team:
            election = self.election(branch, starts, team, roll)
        self.terms.append(
            _term(branch, TermKind.COMMITTEE, years_after(starts, -LONG_TERM_YEARS), LONG_TERM_YEARS)
        )
        self.terms.append(_term(branch, kind, starts, LONG_TERM_YEARS, election=election))

    def election(self, branch, approved_on: date, team: list[Cadre], roll: int) -> Election:
        held_on = approved_on - timedelta(days=self.rng.randint(3, 12))
        present = max(len(team), roll - self.rng.randint(0, roll // 5))
        election = Election(
            organization=branch,
            held_on=held_on,
            entitled_voters=roll,
            present_voters=present,
            status=ElectionStatus.APPROVED,
            approved_on=approved_on,
            approved_by=self.actor,
        )
        self.elections.append(election)
        for post in team:
            votes = self.rng.randint(present // 2 + 1, present)
            self.candidates.append(
                (election, Candidate(member_id=post.member_id, yes_votes=votes, elected_post=post.post))
            )
        return election

    def staged(self, branch, index: int, members: list[Member]) -> None:
        """A three-year term at the stage ``index`` picks, with its secretary from the first day."""
        stage, days = STAGES[index % len(STAGES)]
        last = self.today + timedelta(days=days)
        starts = years_after(last + timedelta(days=1), -DEFAULT_TERM_YEARS)
        on_roll = roll_on(branch, starts).filter(category=MemberCategory.FULL, confirmed_on__lte=starts)
        eligible = list(on_roll.order_by("confirmed_on", "pk")[:COMMITTEE_MIN])
        if not eligible:
            return
        # A branch of 7 or more full members elects a committee of three; a smaller one a secretary.
        committee = len(members) >= COMMITTEE_FROM_MEMBERS and len(eligible) >= COMMITTEE_MIN
        kind = TermKind.COMMITTEE if committee else TermKind.SECRETARY
        extended = (last + timedelta(days=EXTENSION_DAYS)) if stage == "extended" else None
        decided = last - timedelta(days=30) if extended else None
        self.terms.append(_term(branch, kind, starts, DEFAULT_TERM_YEARS, extended, None, decided))
        posts = [CadrePost.SECRETARY] + ([CadrePost.BRANCH_COMMITTEE] * 2 if committee else [])
        for holder, post in zip(eligible, posts, strict=False):
            self.secretaries.append(
                Cadre(
                    organization=branch,
                    post=post,
                    member=holder,
                    name=holder.name,
                    gender=holder.gender,
                    birth_date=holder.birth_date,
                    education=holder.education,
                    phone=holder.phone,
                    started_on=starts,
                )
            )


def create_demo_terms(*, actor, tree: DemoTree, seed: int, today: date) -> tuple[int, int]:
    """Bulk insert the terms, the recorded elections and the secretaries of the non-rural branches;
    returns the numbers of terms and elections."""
    rng = random.Random(f"partybuild-demo-{seed}-terms")
    builder = TermBuilder(rng=rng, today=today, actor=actor)
    branches = sorted(tree.member_branches, key=lambda b: b.code)
    posts: dict[int, list[Cadre]] = {}
    serving = Cadre.objects.serving_on(today).filter(organization__in=branches, post__in=BRANCH_POSTS)
    for post in serving.order_by("started_on", "pk"):
        posts.setdefault(post.organization_id, []).append(post)
    full = Member.objects.filter(
        branch__in=branches, category=MemberCategory.FULL, status=MemberStatus.NORMAL
    ).order_by("confirmed_on", "pk")
    members: dict[int, list[Member]] = {}
    for member in full:
        members.setdefault(member.branch_id, []).append(member)
    others = 0
    for branch in branches:
        if branch.field in RURAL_FIELDS:
            builder.rural(branch, posts.get(branch.pk, []), len(members.get(branch.pk, [])))
        elif branch.pk not in posts:
            builder.staged(branch, others, members.get(branch.pk, []))
            others += 1
    bulk_create_with_history(builder.elections, Election, batch_size=BATCH_SIZE, default_user=actor)
    candidates = []
    for election, candidate in builder.candidates:
        candidate.election = election
        candidates.append(candidate)
    Candidate.objects.bulk_create(candidates, batch_size=BATCH_SIZE)
    bulk_create_with_history(builder.terms, Term, batch_size=BATCH_SIZE, default_user=actor)
    bulk_create_with_history(builder.secretaries, Cadre, batch_size=BATCH_SIZE, default_user=actor)
    return len(builder.terms), len(builder.elections)
