"""Demo development records (发展党员) for ``manage.py seed_demo``: every stage in every village and community
branch, dated so that each record passes the rules of ``members.pipeline_rules`` and the checks of
``members.services.pipeline``, with some steps falling due around today so the due list has work to show.

Every probationary member the roster drew gets the record that admitted them (assembly on the day they
joined); some recently confirmed full members of village and community branches get theirs too. Nobody new
joins the roll here, so the member total stays what was asked.
"""

import random
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.apps import apps
from simple_history.utils import bulk_create_with_history

from branches.models import Organization
from branches.models import OrganizationField
from members import pipeline_rules as rules
from members.models import Applicant
from members.models import ApplicantStage
from members.models import ApplicantStatus
from members.models import Member
from members.models import MemberCategory
from members.models import MemberEvent
from members.models import MemberEventKind
from members.models import MemberStatus

from .members import BATCH_SIZE
from .members import Roster
from .members import county_roster
from .members import years_before
from .organizations import DemoTree
from .pipeline_facts import BranchRoll
from .pipeline_facts import DevelopmentFacts
from .pipeline_facts import weekday_on_or_before

Field = OrganizationField
Stage = ApplicantStage
RURAL = (Field.VILLAGE, Field.COMMUNITY)

# Records per village or community branch, (fewest, most) at each open stage.
APPLICANTS = (1, 3)
ACTIVISTS = (1, 3)
CANDIDATES = (0, 2)
RECENT_FULL = (0, 2)  # recently confirmed members whose record is kept
AWAITING_APPROVAL_SHARE = 0.35  # of branches: a candidate voted in by the assembly, not yet approved
NEAR_DEADLINE_SHARE = 0.4  # of those: the three-month approval deadline is within two weeks
WITHDRAWN_SHARE = 0.3  # of branches
EXTENSION_SHARE = 0.05  # of probationary members: probation extended
RECENT_YEARS = 4  # a full member who joined this recently may still have a development record
WITHDRAWAL_REASONS = (
    "本人外出务工，长期不在村，主动撤回入党申请",
    "考入外地院校，转往学校党组织继续培养",
    "本人书面申请暂缓，撤回入党申请",
    "随家人迁居外县，转出本支部",
    "因家庭原因主动退出培养",
)
AWAITING_NOTE = "支部大会已讨论通过，报乡镇党委审批"
EXTENSION_NOTE = "支部大会决定延长预备期"


def _normal_full(member: Member) -> bool:
    return member.category == MemberCategory.FULL and member.status == MemberStatus.NORMAL


@dataclass
class Development:
    """One record and the people and events that go with it, until they can be saved together."""

    applicant: Applicant
    mentors: list[Member] = field(default_factory=list)
    sponsors: list[Member] = field(default_factory=list)
    events: list[MemberEvent] = field(default_factory=list)


class PipelineBuilder(DevelopmentFacts):
    def __init__(self, *, rng: random.Random, roster: Roster, today: date, actor):
        super().__init__(rng=rng, roster=roster, today=today)
        self.actor = actor
        self.records: list[Development] = []

    # --- records ----------------------------------------------------------------------------------

    def add(self, branch, person, stage, facts, mentors=(), sponsors=(), **extra) -> Development:
        applicant = Applicant(branch=branch, stage=stage, **person, **facts, **extra)
        record = Development(applicant, list(mentors), list(sponsors))
        self.records.append(record)
        return record

    def applicant(self, branch, roll: BranchRoll) -> None:
        """Applied within the last ten months; some already have mentors and could be designated now."""
        applied_on = self.today - self.days(5, 300)
        mentors = self.pick(roll.confirmed_by(applied_on), 1, 2) if self.rng.random() < 0.4 else []
        self.add(
            branch, self.new_person(branch, applied_on), Stage.APPLICANT, {"applied_on": applied_on}, mentors
        )

    def activist(self, branch, roll: BranchRoll) -> None:
        """A third past their year (some ready now), a third whose year ends within a month, a third newer."""
        rng, today = self.rng, self.today
        year_ago = years_before(today, 1)
        kind = rng.random()
        if kind < 0.35:
            activist_on = year_ago - self.days(1, 120)
        elif kind < 0.7:
            activist_on = year_ago + self.days(1, 30)
        else:
            activist_on = today - self.days(20, 300)
        mentors = self.pick(roll.confirmed_by(activist_on), 1, 2)
        if not mentors:
            return
        facts = {"applied_on": activist_on - self.days(20, 300), "activist_on": activist_on}
        if kind < 0.7:
            facts["political_review_on"] = max(activist_on, today - self.days(1, 40))
        if kind < 0.35 or (kind < 0.7 and rng.random() < 0.5) or rng.random() < 0.3:
            facts["training_completed_on"] = max(activist_on, today - self.days(1, 90))
            facts.update(self.training())
        if kind < 0.35 and rng.random() < 0.6:
            facts["notice_started_on"] = weekday_on_or_before(today - self.days(0, 12))
        self.add(branch, self.new_person(branch, facts["applied_on"]), Stage.ACTIVIST, facts, mentors)

    def candidate(self, branch, roll: BranchRoll) -> None:
        """Designated within the last seven months; some already pre-reviewed by the township."""
        candidate_on = self.today - self.days(5, 200)
        found = self.candidate_facts(candidate_on, roll, None)
        if found is None:
            return
        facts, mentors = found
        if self.rng.random() < 0.4:
            facts["pre_reviewed_on"] = min(self.today, candidate_on + self.days(3, 30))
        self.add(branch, self.new_person(branch, facts["applied_on"]), Stage.CANDIDATE, facts, mentors)

    def awaiting_approval(self, branch, roll: BranchRoll) -> None:
        """Voted in by the branch assembly, waiting for the township; some close to the three-month limit."""
        today, three_months = self.today, relativedelta(months=rules.APPROVAL_WITHIN_MONTHS)
        if self.rng.random() < NEAR_DEADLINE_SHARE:
            assembly_on = today + self.days(1, 14) - three_months
        else:
            assembly_on = today - self.days(3, 60)
        assembly_on = min(assembly_on, today)
        while rules.approval_deadline(assembly_on) < today:
            assembly_on += timedelta(days=1)
        found = self.admission_facts(assembly_on, roll, None)
        if found is None:
            return
        facts, mentors, sponsors = found
        person = self.new_person(branch, facts["applied_on"])
        self.add(branch, person, Stage.CANDIDATE, facts, mentors, sponsors, note=AWAITING_NOTE)

    def admitted(self, member: Member, roll: BranchRoll) -> Development | None:
        """The record that made ``member`` a probationary member: assembly on the day they joined."""
        found = self.admission_facts(member.joined_on, roll, rules.adult_from(member.birth_date), member)
        if found is None:
            return None
        facts, mentors, sponsors = found
        facts["approved_on"] = approved_on = self.approval_on(member.joined_on)
        record = self.add(
            member.branch, self.person_of(member), Stage.PROBATIONARY, facts, mentors, sponsors, member=member
        )
        record.events.append(
            MemberEvent(
                member=member,
                kind=MemberEventKind.ADMISSION,
                occurred_on=approved_on,
                to_branch=member.branch,
                recorded_by=self.actor,
            )
        )
        return record

    def extend_probation(self, record: Development) -> None:
        applicant = record.applicant
        last = min(self.today, rules.probation_ends(applicant.assembly_on, None) - timedelta(days=1))
        if (last - applicant.approved_on).days < 30:
            return
        applicant.probation_extended_on = applicant.approved_on + self.days(
            30, (last - applicant.approved_on).days
        )
        applicant.probation_extension_months = self.rng.choice((6, 6, 9, 12))
        applicant.note = EXTENSION_NOTE

    def confirmed(self, member: Member, roll: BranchRoll) -> None:
        """A member confirmed a year after the assembly that admitted them, with both events."""
        if member.confirmed_on != rules.probation_ends(member.joined_on, None):
            return
        record = self.admitted(member, roll)
        if record is None:
            return
        record.applicant.stage = Stage.FULL
        record.applicant.confirmed_on = member.confirmed_on
        record.events.append(
            MemberEvent(
                member=member,
                kind=MemberEventKind.CONFIRMATION,
                occurred_on=member.confirmed_on,
                recorded_by=self.actor,
            )
        )

    def withdrawn(self, branch, roll: BranchRoll) -> None:
        applied_on = self.today - self.days(200, 900)
        facts, mentors = {"applied_on": applied_on}, []
        if self.rng.random() < 0.5:
            facts["activist_on"] = activist_on = applied_on + self.days(30, 150)
            mentors = self.pick(roll.confirmed_by(activist_on), 1, 2)
            if not mentors:
                return
        stage = Stage.ACTIVIST if mentors else Stage.APPLICANT
        self.add(
            branch,
            self.new_person(branch, applied_on),
            stage,
            facts,
            mentors,
            status=ApplicantStatus.WITHDRAWN,
            note=self.rng.choice(WITHDRAWAL_REASONS),
        )

    # --- a branch ---------------------------------------------------------------------------------

    def branch_records(self, branch: Organization, members: list[Member]) -> None:
        rng, today = self.rng, self.today
        roll = BranchRoll(full=[m for m in members if _normal_full(m)])
        for member in members:
            if member.category == MemberCategory.PROBATIONARY:
                record = self.admitted(member, roll)
                if record is not None and rng.random() < EXTENSION_SHARE:
                    self.extend_probation(record)
        if branch.field not in RURAL:
            return
        recent = years_before(today, RECENT_YEARS)
        recent_full = [m for m in roll.full if m.joined_on >= recent]
        for member in self.pick(recent_full, *RECENT_FULL):
            self.confirmed(member, roll)
        for _ in range(rng.randint(*APPLICANTS)):
            self.applicant(branch, roll)
        for _ in range(rng.randint(*ACTIVISTS)):
            self.activist(branch, roll)
        for _ in range(rng.randint(*CANDIDATES)):
            self.candidate(branch, roll)
        if rng.random() < AWAITING_APPROVAL_SHARE:
            self.awaiting_approval(branch, roll)
        if rng.random() < WITHDRAWN_SHARE:
            self.withdrawn(branch, roll)


def build_demo_pipeline(*, actor, tree: DemoTree, members: list[Member], seed: int, today: date):
    """Unsaved development records for every member branch of the demo county, in branch order."""
    rng = random.Random(f"partybuild-demo-{seed}-pipeline")
    roster = county_roster(rng, tree, today, issued={m.id_number for m in members})
    builder = PipelineBuilder(rng=rng, roster=roster, today=today, actor=actor)
    by_branch: dict[int, list[Member]] = {branch.pk: [] for branch in tree.member_branches}
    for member in members:
        by_branch[member.branch_id].append(member)
    for branch in tree.member_branches:
        builder.branch_records(branch, by_branch[branch.pk])
    return builder.records


def create_demo_pipeline(
    *, actor, tree: DemoTree, members: list[Member], seed: int, today: date
) -> list[Applicant]:
    """Bulk insert the records with one history row each, their mentors and sponsors (in the history too)
    and the members' admission and confirmation events."""
    records = build_demo_pipeline(actor=actor, tree=tree, members=members, seed=seed, today=today)
    applicants = bulk_create_with_history(
        [record.applicant for record in records], Applicant, batch_size=BATCH_SIZE, default_user=actor
    )
    if not applicants:
        return applicants
    history_ids = dict(
        Applicant.history.filter(
            history_type="+", id__gte=applicants[0].pk, id__lte=applicants[-1].pk
        ).values_list("id", "history_id")
    )
    for name in ("mentors", "sponsors"):
        through = getattr(Applicant, name).through
        rows = through.objects.bulk_create(
            [
                through(applicant_id=record.applicant.pk, member_id=member.pk)
                for record in records
                for member in getattr(record, name)
            ],
            batch_size=BATCH_SIZE,
        )
        historical = apps.get_model("members", f"HistoricalApplicant_{name}")
        historical.objects.bulk_create(
            [
                historical(
                    id=row.pk,
                    applicant_id=row.applicant_id,
                    member_id=row.member_id,
                    history_id=history_ids[row.applicant_id],
                )
                for row in rows
            ],
            batch_size=BATCH_SIZE,
        )
    MemberEvent.objects.bulk_create(
        [event for record in records for event in record.events], batch_size=BATCH_SIZE
    )
    return applicants
