"""Demo cadre posts and village reserve rosters for ``manage.py seed_demo``: ``demo.cadre_posts`` fills the
posts, ``demo.reserves`` the rosters.

Every village and community branch gets its two committees, a supervision chair, group leaders and the
township's party-building instructor; a quarter of villages host a first secretary dispatched by a county
unit (选派第一书记). A few villages have nobody aged 35 or less in the team or in the roster, which is what
the youth alerts are for.
"""

import random
from datetime import date

from simple_history.utils import bulk_create_with_history

from branches.models import COMMITTEE_KINDS
from branches.models import Organization
from branches.models import OrganizationField
from members.models import Applicant
from members.models import ApplicantStage
from members.models import ApplicantStatus
from members.models import Cadre
from members.models import Member
from members.models import MemberCategory
from members.models import MemberStatus
from members.models import ReserveCadre

from .cadre_posts import CadreBuilder
from .members import BATCH_SIZE
from .members import county_roster
from .organizations import DemoTree
from .reserves import ReserveRoster

Field = OrganizationField
RURAL = (Field.VILLAGE, Field.COMMUNITY)

FIRST_SECRETARY_SHARE = 0.25  # of villages
OLD_TEAM_SHARE, OLD_TEAM_MIN = 0.04, 1  # villages whose team has nobody aged 35 or less
OLD_ROSTER_SHARE, OLD_ROSTER_MIN = 0.08, 3  # villages whose reserve roster has nobody aged 35 or less


def build_demo_cadres(
    *, tree: DemoTree, members: list[Member], applicants: list[Applicant], seed: int, today: date
):
    """Unsaved cadre posts and reserve cadres for the demo county."""
    rng = random.Random(f"partybuild-demo-{seed}-cadres")
    builder = CadreBuilder(rng=rng, roster=county_roster(rng, tree, today), today=today)
    reserves = ReserveRoster(builder)
    by_branch: dict[int, list[Member]] = {branch.pk: [] for branch in tree.member_branches}
    for member in members:
        by_branch[member.branch_id].append(member)
    rural = [branch for branch in tree.member_branches if branch.field in RURAL]
    villages = [branch for branch in rural if branch.field == Field.VILLAGE]
    # Aging villages: the few without a young team are among those without a young reserve.
    ordered = [village.pk for village in rng.sample(villages, len(villages))]
    old_team = set(ordered[: max(OLD_TEAM_MIN, round(OLD_TEAM_SHARE * len(villages)))])
    old_roster = set(ordered[: max(OLD_ROSTER_MIN, round(OLD_ROSTER_SHARE * len(villages)))])

    for branch in rural:
        builder.rural_team(branch, by_branch[branch.pk], old=branch.pk in old_team)

    county_units = [
        branch
        for branch in tree.member_branches
        if branch.parent_id == tree.county.pk and branch.field == Field.INSTITUTION
    ]
    senders = [m for unit in county_units for m in by_branch[unit.pk] if _serving_full(m)]
    builder.first_secretaries([v for v in villages if rng.random() < FIRST_SECRETARY_SHARE], senders)

    committees = Organization.objects.filter(kind__in=COMMITTEE_KINDS, path__startswith=tree.county.path)
    committee_organs = {}
    for committee in committees.order_by("code"):
        under = [branch for branch in tree.member_branches if branch.path.startswith(committee.path)]
        organ = [branch for branch in under if _is_organ(branch, committee)]
        organ_members = [m for branch in organ for m in by_branch[branch.pk] if _serving_full(m)]
        committee_organs[committee] = organ_members
        builder.instructors([branch for branch in under if branch not in organ], organ_members)

    activists: dict[int, list[Applicant]] = {}
    for applicant in applicants:
        if applicant.stage == ApplicantStage.ACTIVIST and applicant.status == ApplicantStatus.ACTIVE:
            activists.setdefault(applicant.branch_id, []).append(applicant)
    for village in villages:
        reserves.reserve_roster(
            village,
            by_branch[village.pk],
            activists.get(village.pk, []),
            old_roster=village.pk in old_roster,
            old_team=village.pk in old_team,
        )
    # Drawn last so the rest of the demo stays as it was: the joint evaluation names these secretaries.
    committee_organs[tree.county] = senders
    builder.committee_secretaries(committee_organs)
    return builder.cadres, reserves.reserves


def _serving_full(member: Member) -> bool:
    return (
        member.category == MemberCategory.FULL
        and member.status == MemberStatus.NORMAL
        and not member.is_mobile
    )


def _is_organ(branch: Organization, committee: Organization) -> bool:
    """The committee's own organ branch (乡镇机关), or a section of its organ general branch."""
    return branch.field == Field.INSTITUTION and branch.short_name.startswith(f"{committee.short_name}机关")


def create_demo_cadres(
    *, actor, tree: DemoTree, members, applicants, seed: int, today: date
) -> tuple[int, int]:
    """Bulk insert the posts and the reserve rosters, one history row each; returns their numbers."""
    cadres, reserves = build_demo_cadres(
        tree=tree, members=members, applicants=applicants, seed=seed, today=today
    )
    bulk_create_with_history(cadres, Cadre, batch_size=BATCH_SIZE, default_user=actor)
    bulk_create_with_history(reserves, ReserveCadre, batch_size=BATCH_SIZE, default_user=actor)
    return len(cadres), len(reserves)
