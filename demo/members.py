"""Demo members for the demo county (``manage.py seed_demo``): plausible rosters, deterministic per seed,
drawn branch by branch from the shapes in ``demo.population``.
"""

import random
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from simple_history.utils import bulk_create_with_history

from branches.models import Organization
from members import idnumbers
from members import pipeline_rules
from members.models import Gender
from members.models import Member
from members.models import MemberCategory
from members.models import MemberStatus
from members.models import Occupation

from .organizations import COUNTY_PLACE
from .organizations import DemoTree
from .population import AGE_AT_ADMISSION
from .population import AGE_BANDS
from .population import COUNTY_REGION
from .population import DESTINATIONS
from .population import EDUCATION
from .population import ETHNICITIES
from .population import GIVEN_NAME_CHARACTERS
from .population import MALE_SHARE
from .population import OCCUPATIONS
from .population import OTHER_REGIONS
from .population import PHONE_PREFIXES
from .population import POST_DUTIES
from .population import PROBATIONARY_AGE_BANDS
from .population import RURAL_FIELDS
from .population import SURNAMES
from .population import VILLAGE_CADRES
from .population import WITHOUT_JOB
from .population import Field
from .population import Job
from .population import by_age
from .population import for_field
from .population import weighted

DEFAULT_MEMBERS = 8000
BATCH_SIZE = 500
PROBATIONARY_SHARE = 0.04
MOBILE_SHARE = 0.8  # of migrant workers
LOST_CONTACT_SHARE = 0.03  # of mobile members
SET_POST_SHARE = 0.35  # of rural members without a job

# The reference township this year: eight new members, one of them a woman; eighteen members run
# demonstration sheep farms.
SEED_003_NEW_MEMBERS = 8
SEED_003_NEW_WOMEN = 1
SEED_003_DEMONSTRATION_FARMS = 18
DEMONSTRATION_FARM_DUTY = "科技养羊致富示范户"

# Relative branch sizes before scaling to the requested total; a village's follows its population.
SIZES = {
    Field.COMMUNITY: (30, 90),
    Field.INSTITUTION: (8, 35),
    Field.SCHOOL: (8, 30),
    Field.PUBLIC_ENTERPRISE: (10, 40),
    None: (3, 12),
}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- how many members each branch gets ---------------------------------------------------------------


def minimum_total(tree: DemoTree) -> int:
    """The reference township keeps its figures and every other branch gets at least one member."""
    return sum(tree.fixed_members.values()) + len(tree.member_branches) - len(tree.fixed_members)


def member_counts(rng: random.Random, tree: DemoTree, total: int) -> dict[int, int]:
    """Branch pk -> members: the reference township's figures first, the rest by relative size (largest
    remainder)."""
    free = [branch for branch in tree.member_branches if branch.pk not in tree.fixed_members]
    sizes = {branch.pk: _relative_size(rng, branch) for branch in free}
    rest = total - sum(tree.fixed_members.values()) - len(free)
    scale = rest / sum(sizes.values())
    shares = {pk: size * scale for pk, size in sizes.items()}
    counts = {pk: 1 + int(share) for pk, share in shares.items()}
    leftover = rest - sum(int(share) for share in shares.values())
    for pk in sorted(shares, key=lambda pk: int(shares[pk]) - shares[pk])[:leftover]:
        counts[pk] += 1
    return {**counts, **tree.fixed_members}


def _relative_size(rng: random.Random, branch: Organization) -> float:
    if branch.field == Field.VILLAGE:
        return branch.population * rng.uniform(0.025, 0.04)
    return rng.uniform(*for_field(SIZES, branch))


# --- one member --------------------------------------------------------------------------------------


class IdNumberPool:
    """Issues unique ID numbers whose sequence digit carries the gender (odd = male)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.issued: set[str] = set()

    def issue(self, region: str, born: date, gender: str) -> str:
        parity = 1 if gender == Gender.MALE else 0
        while True:
            sequence = self.rng.randrange(1 - parity, 500) * 2 + parity  # 001-999, never 000
            id_number = idnumbers.build(region, born, sequence)
            if id_number not in self.issued:
                self.issued.add(id_number)
                return id_number


@dataclass
class Roster:
    """What every member drawn for the county shares: the random stream, the ID pool and the places."""

    rng: random.Random
    ids: IdNumberPool
    today: date
    communities: list[Organization]
    villages: dict[int, list[Organization]]  # township pk -> its village branches

    def member(self, branch: Organization, category: str, gender: str | None = None) -> Member:
        rng = self.rng
        probationary = category == MemberCategory.PROBATIONARY
        age = self.age(PROBATIONARY_AGE_BANDS if probationary else for_field(AGE_BANDS, branch))
        born = years_before(self.today, age) - timedelta(days=rng.randint(0, 364))
        gender = gender or (Gender.MALE if rng.random() < for_field(MALE_SHARE, branch) else Gender.FEMALE)
        if probationary:
            joined_on = self.today - timedelta(days=rng.randint(10, 360))
            earliest_birth = years_before(joined_on, AGE_AT_ADMISSION) - timedelta(days=rng.randint(100, 400))
            born = min(born, earliest_birth)
            age = age_on(born, self.today)
        else:
            joined_on = self.joined_on(born)
        return Member(
            name=self.name(gender, born.year),
            gender=gender,
            ethnicity=weighted(rng, ETHNICITIES),
            id_number=self.ids.issue(self.region(branch), born, gender),
            birth_date=born,
            education=weighted(rng, by_age(for_field(EDUCATION, branch), age)),
            category=category,
            branch=branch,
            joined_on=joined_on,
            confirmed_on=None if probationary else pipeline_rules.years_after(joined_on, 1),
            occupation=weighted(rng, by_age(for_field(OCCUPATIONS, branch), age)),
            phone=self.phone(age),
            address=self.address(branch),
        )

    def age(self, bands) -> int:
        _weight, youngest, oldest = self.rng.choices(bands, weights=[band[0] for band in bands])[0]
        return self.rng.randint(youngest, oldest)

    def joined_on(self, born: date) -> date:
        """Joined between 18 and about 45, and over a year ago, so the probation is over."""
        rng = self.rng
        joined = years_before(born, -round(rng.triangular(18, 45, 25))) + timedelta(days=rng.randint(0, 364))
        last_possible = years_before(self.today, 1) - timedelta(days=1)
        if joined > last_possible:
            joined = max(years_before(born, -18), last_possible - timedelta(days=rng.randint(0, 700)))
        return joined

    def name(self, gender: str, birth_year: int) -> str:
        generation = "old" if birth_year < 1975 else "new"
        if self.rng.random() < 0.2:  # names cross generations both ways
            generation = "new" if generation == "old" else "old"
        firsts, lasts = GIVEN_NAME_CHARACTERS[(gender, generation)]
        given = self.rng.choice(lasts)
        if self.rng.random() < 0.7:
            given = self.rng.choice(firsts) + given
        return weighted(self.rng, SURNAMES) + given

    def region(self, branch: Organization) -> str:
        local_share = 0.96 if branch.field in RURAL_FIELDS else 0.7
        return COUNTY_REGION if self.rng.random() < local_share else self.rng.choice(OTHER_REGIONS)

    def phone(self, age: int) -> str:
        if age >= 80 and self.rng.random() < 0.4:  # many of the oldest have no phone of their own
            return ""
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def address(self, branch: Organization) -> str:
        rng = self.rng
        if branch.field in (Field.VILLAGE, Field.COOPERATIVE):
            # A cooperative's members come from the villages around it.
            village = branch if branch.field == Field.VILLAGE else rng.choice(self.villages[branch.parent_id])
            group, house = rng.randint(1, (village.natural_villages or 4) + 2), rng.randint(1, 120)
            return f"{COUNTY_PLACE}{village.parent.short_name}{village.short_name}{group}组{house}号"
        community = branch if branch.field == Field.COMMUNITY else rng.choice(self.communities)
        building, unit, room = (
            rng.randint(1, 24),
            rng.randint(1, 4),
            rng.randint(1, 6) * 100 + rng.randint(1, 4),
        )
        place = f"{COUNTY_PLACE}{community.parent.short_name}{community.short_name}"
        return f"{place}{building}号楼{unit}单元{room}室"

    # --- one branch ----------------------------------------------------------------------------------

    def branch_roster(self, branch: Organization, count: int, new_members: list[str] | None) -> list[Member]:
        """``new_members``: the genders of the branch's probationary members where the reference township
        fixes them."""
        if new_members is None:
            new_members = [None] * sum(self.rng.random() < PROBATIONARY_SHARE for _ in range(count))
        new_members = new_members[:count]
        roster = [self.member(branch, MemberCategory.PROBATIONARY, gender) for gender in new_members]
        roster += [self.member(branch, MemberCategory.FULL) for _ in range(count - len(roster))]
        if branch.field == Field.VILLAGE:
            self.appoint_village_cadres(roster)
        self.register_mobile_members(roster)
        if branch.field in RURAL_FIELDS:
            self.set_posts(roster)
        return roster

    def appoint_village_cadres(self, roster: list[Member]) -> None:
        working_age = [
            m
            for m in roster
            if m.category == MemberCategory.FULL and 28 <= age_on(m.birth_date, self.today) <= 62
        ]
        for cadre in self.rng.sample(working_age, min(self.rng.randint(*VILLAGE_CADRES), len(working_age))):
            cadre.occupation = Occupation.VILLAGE_CADRE

    def register_mobile_members(self, roster: list[Member]) -> None:
        """Most migrant workers are registered as mobile members, each with a contact person in the branch."""
        rng, today = self.rng, self.today
        migrants = [m for m in roster if m.occupation == Job.MIGRANT_WORKER and rng.random() < MOBILE_SHARE]
        contacts = [m.name for m in roster if m not in migrants and 40 <= age_on(m.birth_date, today) <= 70]
        for migrant in migrants:
            migrant.is_mobile = True
            migrant.mobile_destination = rng.choice(DESTINATIONS)
            migrant.mobile_contact_person = rng.choice(contacts) if contacts else self.name(Gender.MALE, 1965)
            if rng.random() < LOST_CONTACT_SHARE:
                migrant.status = MemberStatus.LOST_CONTACT
                migrant.mobile_last_contact_on = today - timedelta(days=rng.randint(200, 700))
            else:
                migrant.mobile_last_contact_on = today - timedelta(days=rng.randint(1, 90))

    def set_posts(self, roster: list[Member]) -> None:
        for m in roster:
            without_job = (
                m.occupation in WITHOUT_JOB and m.category == MemberCategory.FULL and not m.is_mobile
            )
            able = age_on(m.birth_date, self.today) <= 75
            if without_job and able and self.rng.random() < SET_POST_SHARE:
                m.post_duty = self.rng.choice(POST_DUTIES)


# --- the county --------------------------------------------------------------------------------------


def county_roster(rng: random.Random, tree: DemoTree, today: date, issued: set[str] | None = None) -> Roster:
    """A roster drawing people for ``tree``; ``issued`` are ID numbers already taken (members, applicants)."""
    ids = IdNumberPool(rng)
    if issued is not None:
        ids.issued = issued
    return Roster(
        rng=rng,
        ids=ids,
        today=today,
        communities=[branch for branch in tree.member_branches if branch.field == Field.COMMUNITY],
        villages=_villages_by_township(tree),
    )


def build_demo_members(*, tree: DemoTree, total: int, seed: int, today: date) -> list[Member]:
    """Unsaved members for the whole demo county, branch by branch."""
    rng = random.Random(f"partybuild-demo-{seed}-members")
    roster = county_roster(rng, tree, today)
    counts = member_counts(rng, tree, total)
    new_members = _seed_003_new_members(tree)
    members = []
    for branch in tree.member_branches:
        members += roster.branch_roster(branch, counts[branch.pk], new_members.get(branch.pk))
    _seed_003_demonstration_farms(rng, tree, members)
    return members


def create_demo_members(*, actor, tree: DemoTree, total: int, seed: int, today: date) -> list[Member]:
    """Bulk insert (8,000 rows in seconds) with one history row per member, as every write path must leave.
    Returns the saved members, with their primary keys, for the development records and cadre posts."""
    members = build_demo_members(tree=tree, total=total, seed=seed, today=today)
    return bulk_create_with_history(members, Member, batch_size=BATCH_SIZE, default_user=actor)


def _villages_by_township(tree: DemoTree) -> dict[int, list[Organization]]:
    villages: dict[int, list[Organization]] = {}
    for branch in tree.member_branches:
        if branch.field == Field.VILLAGE:
            villages.setdefault(branch.parent_id, []).append(branch)
    return villages


def _seed_003_new_members(tree: DemoTree) -> dict[int, list[str]]:
    """Branch pk -> genders of its probationary members, for every branch of the reference township."""
    township_branches = [
        branch for branch in tree.member_branches if branch.parent_id == tree.seed_township.pk
    ]
    villages = [branch for branch in township_branches if branch.field == Field.VILLAGE]
    plan: dict[int, list[str]] = {branch.pk: [] for branch in township_branches}
    men = SEED_003_NEW_MEMBERS - SEED_003_NEW_WOMEN
    for number, gender in enumerate([Gender.FEMALE] * SEED_003_NEW_WOMEN + [Gender.MALE] * men):
        plan[villages[number % len(villages)].pk].append(gender)
    return plan


def _seed_003_demonstration_farms(rng: random.Random, tree: DemoTree, members: list[Member]) -> None:
    farmers = [
        m
        for m in members
        if m.branch.parent_id == tree.seed_township.pk and m.occupation == Job.FARMER and not m.post_duty
    ]
    for farmer in rng.sample(farmers, min(SEED_003_DEMONSTRATION_FARMS, len(farmers))):
        farmer.post_duty = DEMONSTRATION_FARM_DUTY
