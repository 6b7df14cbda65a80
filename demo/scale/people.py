"""Members, their admission records, cadre posts and reserve rosters, township by township.

``member_chunks`` drives everything: it yields the members table township by township and, as each township is
done, plans its admission records, posts, instructors, contact leaders and reserve rosters into buffers that
are loaded after the members (their lines are small; a province holds a few hundred thousand of them).
Member ids are consecutive within a branch, so later stages pick members of a branch as an id range.
"""

import random
from datetime import date

from branches.models import OrganizationField as Field
from members import pipeline_rules as rules
from members.models import (
    CadrePost,
    Education,
    Gender,
    MemberEventKind,
    MemberStatus,
    Occupation,
    PoliticalStatus,
    ReserveSource,
    ReserveStatus,
)

from ..cadre_posts import election_years
from ..population import AGE_BANDS, EDUCATION, MALE_SHARE, OCCUPATIONS, WITHOUT_JOB
from ..reserves import REMOVAL_REASONS, RESERVE_SOURCES
from . import pools
from .tree import Org, Tree

YEAR = 365.2425
Post = CadrePost
MALE, FEMALE = Gender.MALE, Gender.FEMALE
COLLEGE = frozenset({Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.POSTGRADUATE})

# Relative branch sizes before scaling to the tier's member total; a village's follows its population.
SIZE = {
    Field.COMMUNITY: 45,
    Field.INSTITUTION: 16,
    Field.SCHOOL: 12,
    Field.PUBLIC_ENTERPRISE: 25,
    Field.PRIVATE_ENTERPRISE: 7,
    Field.COOPERATIVE: 7,
    Field.SOCIAL_ORG: 6,
}
VILLAGE_SIZE_PER_PERSON = 0.03
MIN_SIZE, MIN_ORGAN_SIZE, MIN_VILLAGE_SIZE = 3, 12, 8
# Admissions a branch makes in a year: rural branches are asked for at least one (seed 000).
RURAL_ADMISSIONS = pools.Draw({0: 12, 1: 38, 2: 30, 3: 14, 4: 6})
OTHER_ADMISSIONS = pools.Draw({0: 55, 1: 35, 2: 10})
NONE_TWO_YEARS_SHARE = 0.06  # of rural branches: no admission in either year (the two-years alert)
NEW_MEMBER_AGE = pools.Draw({(21, 24): 33, (25, 34): 39, (35, 45): 20, (46, 55): 8})
MOBILE_SHARE, LOST_CONTACT_SHARE, SET_POST_SHARE = 0.8, 0.03, 0.35
CONTINUING_SHARE = 0.72  # of village teams: elected at the previous election and re-elected
ONE_SHOULDER_SHARE = 0.7  # secretary also elected village director (一肩挑)
OLD_TEAM_SHARE = 0.08  # villages whose two-committee team has nobody aged 35 or less
OLD_ROSTER_SHARE = 0.1  # villages whose reserve roster has nobody aged 35 or less (includes the above)
FIRST_SECRETARY_SHARE = 0.15
RESERVE_SOURCE = pools.Draw(RESERVE_SOURCES)
BRANCH_COMMITTEE_COUNT = pools.Draw({0: 10, 1: 55, 2: 35})


def age_draws():
    """(field or None) -> Draw of (youngest, oldest) age bands of full members."""
    return {
        key: pools.Draw({(low, high): weight for weight, low, high in bands})
        for key, bands in AGE_BANDS.items()
    }


def by_age_draws(table: dict) -> dict:
    """field -> ((oldest age, Draw), ...) for the demo's by-age tables of education and occupation."""
    return {
        key: tuple((oldest, pools.Draw(weights)) for oldest, weights in bands) for key, bands in table.items()
    }


AGES = age_draws()
EDUCATIONS = by_age_draws(EDUCATION)
OCCUPATION_DRAWS = by_age_draws(OCCUPATIONS)


def for_age(draws, age: int):
    for oldest, draw in draws:
        if age <= oldest:
            return draw
    return draws[-1][1]


def _by_age(draws: dict) -> dict:
    """field -> tuple of outcome tables indexed by age (0 to 120)."""
    return {key: tuple(for_age(bands, age).table for age in range(121)) for key, bands in draws.items()}


EDUCATION_BY_AGE = _by_age(EDUCATIONS)
OCCUPATION_BY_AGE = _by_age(OCCUPATION_DRAWS)


class BranchContext:
    """What every member of one branch shares, looked up once."""

    def __init__(self, people: "People", org: Org, parent: Org):
        self.org = org
        self.parent = parent
        key = org.field if org.field in AGES else None
        self.ages = AGES[key].table
        self.education = EDUCATION_BY_AGE.get(org.field, EDUCATION_BY_AGE[None])
        self.occupation = OCCUPATION_BY_AGE.get(org.field, OCCUPATION_BY_AGE[None])
        self.male_share = MALE_SHARE.get(org.field, MALE_SHARE[None])
        self.rural = org.is_rural
        self.village = org.field == Field.VILLAGE
        self.place = f"{org.county.short}{parent.short if parent is not org.county else ''}"
        self.groups = (org.natural_villages or 4) + 2

    def address(self, rnd) -> str:
        if self.village:
            return f"{self.place}{self.org.short}{int(rnd() * self.groups) + 1}组{int(rnd() * 120) + 1}号"
        building, unit = int(rnd() * 24) + 1, int(rnd() * 4) + 1
        return f"{self.place}{building}号楼{unit}单元{int(rnd() * 6) + 1}0{int(rnd() * 4) + 1}室"


# A member, as later stages need them: (id, name, gender, birth ordinal, education, phone, full, available)
ID, NAME, GENDER, BIRTH, EDU, PHONE, FULL, AVAILABLE = range(8)


class People:
    def __init__(self, *, tree: Tree, tier, rng: random.Random, days: pools.Days, names: pools.Names,
                 today: date, now: str, ids: dict[str, int]):  # fmt: skip
        self.tree = tree
        self.tier = tier
        self.rng = rng
        self.rnd = rng.random
        self.days = days
        self.names = names
        self.today = today
        self.T = today.toordinal()
        self.now = now
        self.year = today.year
        self.window = date(today.year - 1, 1, 1).toordinal()
        self.ids = ids  # table name -> next id
        self.election, self.previous_election = election_years(today)
        self.applicants: list[str] = []
        self.mentors: list[str] = []
        self.sponsors: list[str] = []
        self.events: list[str] = []
        self.cadres: list[str] = []
        self.reserves: list[str] = []
        self.contacts: list[tuple] = []  # (leader member id, village org, leader name)
        self.instructors: list[tuple] = []  # (first post id, organization id, started, ended) per person
        self.first_secretary_pool: dict[int, list[tuple]] = {}  # county id -> members of county institutions
        self.general_pool: dict[int, list[tuple]] = {}  # general branch id -> members of its sections
        self.issued: set[int] = set()
        self.region = None

    def next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def iso(self, ordinal) -> str:
        return "\\N" if ordinal is None else self.days.iso(ordinal)

    def between(self, low: int, high: int) -> int:
        return low + int(self.rnd() * (high - low + 1)) if high > low else low

    # --- sizes ------------------------------------------------------------------------------------

    def size_branches(self) -> None:
        rnd = self.rnd
        holders = [org for org in self.tree.branches if org.holds_members]
        weights = {}
        for org in holders:
            if org.field == Field.VILLAGE:
                weight = org.population * VILLAGE_SIZE_PER_PERSON
            else:
                weight = SIZE.get(org.field, 8) * (0.7 + 0.6 * rnd())
            weights[org.id] = weight
        minimums = {org.id: self.minimum(org) for org in holders}
        rest = self.tier.members * len(self.tree.counties) // self.tier.counties - sum(minimums.values())
        scale = max(rest, 0) / sum(weights.values())
        shares = {key: weight * scale for key, weight in weights.items()}
        sizes = {key: minimums[key] + int(share) for key, share in shares.items()}
        leftover = self.tier.members - sum(sizes.values())
        for key in sorted(shares, key=lambda key: int(shares[key]) - shares[key])[: max(leftover, 0)]:
            sizes[key] += 1
        for org in holders:
            org.size = sizes[org.id]

    @staticmethod
    def minimum(org: Org) -> int:
        if org.township is not None and org.township.organ is org:
            return MIN_ORGAN_SIZE
        return MIN_VILLAGE_SIZE if org.field == Field.VILLAGE else MIN_SIZE

    # --- members ----------------------------------------------------------------------------------

    def member_chunks(self):
        """The members table, township by township (county units first); plans the rest as it goes."""
        self.size_branches()
        table = "members_member"
        groups: list[list[Org]] = []
        for org in self.tree.branches:
            key = org.township or org.county
            if not groups or (groups[-1][0].township or groups[-1][0].county) is not key:
                groups.append([])
            groups[-1].append(org)
        for group in groups:
            parent = group[0].township or group[0].county
            if parent.region != self.region:
                self.region, self.issued = parent.region, set()
            lines, rosters = [], {}
            for org in group:
                if not org.holds_members:
                    continue
                org.first_member = self.ids[table]
                roster = rosters[org.id] = []
                for line in self.branch_members(org, parent, roster):
                    lines.append(line)
                org.members = len(roster)
            yield "".join(lines)
            self.plan_group(group, parent, rosters)

    def branch_members(self, org: Org, parent: Org, roster: list):
        """The branch's members: newly admitted ones in the two years (with their records), the rest older."""
        rnd, T = self.rnd, self.T
        rural = org.is_rural
        new = []
        if rural and rnd() < NONE_TWO_YEARS_SHARE:
            counts = (0, 0)
        else:
            draw = RURAL_ADMISSIONS if rural else OTHER_ADMISSIONS
            counts = (draw(rnd), draw(rnd))
        for year, count in zip((self.year - 1, self.year), counts, strict=True):
            first = date(year, 1, 1).toordinal()
            last = min(date(year, 12, 31).toordinal(), T - 10)
            if last < first:
                continue
            for _ in range(count):
                new.append(self.between(first, last))
        new = new[: max(0, org.size - 3)]
        context = BranchContext(self, org, parent)
        lines = [self.member(context, roster, None) for _ in range(org.size - len(new))]
        full_ids = [m[ID] for m in roster if m[FULL]]
        lines += [self.member(context, roster, joined, full_ids) for joined in sorted(new)]
        org.on_roll = len(roster)  # every generated member is normal or lost contact: on the roll
        return lines

    def member(self, context: "BranchContext", roster: list, joined: int | None, full_ids=None) -> str:
        """One member's line; ``joined`` is None for a member who joined before the two years."""
        rnd, T, isos, base = self.rnd, self.T, self.days._iso, self.days.first
        member_id = self.ids["members_member"]
        self.ids["members_member"] = member_id + 1
        gender = MALE if rnd() < context.male_share else FEMALE
        if joined is None:
            low, high = context.ages[int(rnd() * pools.TABLE_SIZE)]
            age = low + int(rnd() * (high - low + 1))
            birth = T - int(age * YEAR) - int(rnd() * 365)
            join_age = 18 + int(rnd() * max(1, min(27, age - 20)))
            joined = min(birth + int(join_age * YEAR) + int(rnd() * 365), self.window - 1)
            joined = max(joined, birth + int(18 * YEAR) + 2)
            full, confirmed = True, rules.years_after(date.fromordinal(joined), 1).toordinal()
            education = context.education[min(age, 120)][int(rnd() * pools.TABLE_SIZE)]
        else:
            low, high = NEW_MEMBER_AGE(rnd)
            join_age = low + int(rnd() * (high - low + 1))
            birth = joined - int(join_age * YEAR) - int(rnd() * 365)
            age = int((T - birth) / YEAR)
            confirmed = rules.years_after(date.fromordinal(joined), 1).toordinal()
            full = confirmed <= T
            if not full:
                confirmed = None
            education = (pools.NEW_EDUCATION_YOUNG if join_age < 35 else pools.NEW_EDUCATION_OLDER)(rnd)
        occupation = context.occupation[min(age, 120)][int(rnd() * pools.TABLE_SIZE)]
        if context.village and full and 28 <= age <= 62 and rnd() < 0.12:
            occupation = Occupation.VILLAGE_CADRE
        name = self.names.draw(rnd, gender, self.year - age)
        id_number = self.id_number(context.parent, birth, gender)
        phone = "" if age >= 80 and rnd() < 0.4 else pools.phone(rnd)
        status, mobile, destination, contact, last_contact, duty = MemberStatus.NORMAL, "f", "", "", "\\N", ""
        if occupation == Occupation.MIGRANT_WORKER and rnd() < MOBILE_SHARE:
            mobile = "t"
            destination = pools.DESTINATION(rnd)
            contact = self.names.draw(rnd, MALE, 1965)
            if rnd() < LOST_CONTACT_SHARE:
                status = MemberStatus.LOST_CONTACT
                last_contact = isos[T - 200 - int(rnd() * 501) - base]
            else:
                last_contact = isos[T - 1 - int(rnd() * 90) - base]
        elif context.rural and full and occupation in WITHOUT_JOB and age <= 75 and rnd() < SET_POST_SHARE:
            duty = pools.POST_DUTY(rnd)
        record = (
            member_id,
            name,
            gender,
            birth,
            education,
            phone,
            full,
            full and mobile == "f" and status == "normal",
        )
        roster.append(record)
        ethnicity, address = pools.ETHNICITY(rnd), context.address(rnd)
        if full_ids is not None:
            person = (id_number, ethnicity, occupation, address)
            self.admission(context.org, record, person, joined, confirmed, full_ids)
        return (
            f"{member_id}\t1\t{self.now}\t{self.now}\t{name}\t{gender}\t{ethnicity}\t{id_number}\t"
            f"{isos[birth - base]}\t{education}\t{'full' if full else 'probationary'}\t{context.org.id}\t"
            f"{isos[joined - base]}\t{self.iso(confirmed)}\t{occupation}\t{phone}\t{address}\t"
            f"{status}\t{mobile}\t{destination}\t{contact}\t{last_contact}\t{duty}\n"
        )

    def id_number(self, parent: Org, birth: int, gender: str) -> str:
        rnd = self.rnd
        parity = 1 if gender == MALE else 0
        while True:
            sequence = int(rnd() * 499) * 2 + parity + (2 if parity == 0 else 0)  # 001-999, never 000
            key = birth * 1000 + sequence
            if key not in self.issued:
                self.issued.add(key)
                return self.days.id_number(parent.region, parent.region_sum, birth, sequence)

    # --- admission records ------------------------------------------------------------------------

    def admission(self, org: Org, member: tuple, person: tuple, joined: int, confirmed, full_ids: list[int]):
        """The development record that admitted a new member (assembly on the day they joined), its mentors
        and sponsors, and the admission (and confirmation) events."""
        between, iso, now = self.between, self.days.iso, self.now
        pre_reviewed = joined - between(2, 20)
        candidate = pre_reviewed - between(5, 40)
        notice = candidate - between(10, 21)
        political = notice - between(1, 30)
        trained = notice - between(1, 60)
        activist = rules.years_after(date.fromordinal(candidate), -1).toordinal() - between(1, 150)
        activist = min(activist, trained - 1, political - 1)
        applied = activist - between(20, 300)
        approved = joined + between(5, min(80, self.T - joined))
        training_days = (3, 3, 3, 4, 5)[int(self.rnd() * 5)]
        entitled = max(len(full_ids), 1)
        yes = max(entitled // 2 + 1, entitled - between(0, 3))
        applicant_id = self.next_id("members_applicant")
        stage = "full" if confirmed else "probationary"
        id_number, ethnicity, occupation, address = person
        self.applicants.append(
            f"{applicant_id}\t1\t{now}\t{now}\t{org.id}\t{member[NAME]}\t{member[GENDER]}\t{ethnicity}\t"
            f"{id_number}\t{iso(member[BIRTH])}\t{member[EDU]}\t{occupation}\t{member[PHONE]}\t{address}\t{stage}\tactive\t{iso(applied)}\t{iso(activist)}\t{iso(political)}\t"
            f"{iso(trained)}\t{training_days}\t{training_days * 8}\t{iso(notice)}\t{iso(candidate)}\t"
            f"{iso(pre_reviewed)}\t{iso(joined)}\t{entitled}\t{yes}\t{iso(approved)}\t\\N\t\\N\t"
            f"{self.iso(confirmed)}\t{member[ID]}\t\n"
        )
        sample = self.rng.sample
        for mentor in sample(full_ids, min(len(full_ids), 1 + (self.rnd() < 0.4))):
            self.mentors.append(f"{self.next_id('members_applicant_mentors')}\t{applicant_id}\t{mentor}\n")
        for sponsor in sample(full_ids, min(len(full_ids), rules.SPONSORS_REQUIRED)):
            self.sponsors.append(f"{self.next_id('members_applicant_sponsors')}\t{applicant_id}\t{sponsor}\n")
        event = self.next_id("members_memberevent")
        self.events.append(
            f"{event}\t{member[ID]}\t{MemberEventKind.ADMISSION}\t{iso(approved)}\t\\N\t{org.id}\t\t\t\t\\N\t{now}\n"
        )
        if confirmed:
            event = self.next_id("members_memberevent")
            self.events.append(
                f"{event}\t{member[ID]}\t{MemberEventKind.CONFIRMATION}\t{iso(confirmed)}\t\\N\t\\N\t\t\t\t\\N\t"
                f"{now}\n"
            )

    # --- posts ------------------------------------------------------------------------------------

    def plan_group(self, group: list[Org], parent: Org, rosters: dict[int, list]) -> None:
        if parent.kind == "county_committee":
            pool = []
            for org in group:
                if org.holds_members and org.parent is parent and org.field == Field.INSTITUTION:
                    unit = org.short.removesuffix("机关")
                    pool += [(m, unit) for m in rosters[org.id] if m[AVAILABLE] and 26 <= self.age(m) <= 50]
            self.rng.shuffle(pool)
            self.first_secretary_pool[parent.id] = pool
            for org in group:
                if org.holds_members:
                    self.unit_posts(org, rosters[org.id])
            for org in group:
                if org.kind == "general_branch":
                    members = [m for child in group if child.parent is org for m in rosters.get(child.id, [])]
                    self.unit_posts(org, members)
            return
        teams = {}
        for org in group:
            if org.is_rural:
                teams[org.id] = self.team(org, rosters[org.id])
            elif org.holds_members:
                self.unit_posts(org, rosters[org.id])
        rural = [org for org in group if org.is_rural]
        organ = rosters.get(parent.organ.id, []) if parent.organ else []
        pool = [m for m in organ if m[AVAILABLE] and 26 <= self.age(m) <= 58]
        mentors = self.instructor_posts(parent, rural, pool)
        if pool and rural:
            leaders = self.rng.sample(pool, min(len(pool), 5))
            self.contacts.append((parent, rural, [(m[ID], m[NAME]) for m in leaders]))
        for org in rural:
            self.reserve_roster(org, teams[org.id], mentors.get(org.id, ""))

    def age(self, member: tuple) -> int:
        return int((self.T - member[BIRTH]) / YEAR)

    def election_day(self, year: int) -> int:
        return date(year, self.between(1, 3), self.between(1, 28)).toordinal()

    def post(self, org: Org, post: str, person: tuple, start: int, end=None, sending="", note="") -> int:
        cadre_id = self.next_id("members_cadre")
        member = "\\N" if person[ID] is None else person[ID]
        birth = self.iso(person[BIRTH])
        self.cadres.append(
            f"{cadre_id}\t1\t{self.now}\t{self.now}\t{org.id}\t{post}\t{member}\t{person[NAME]}\t{person[GENDER]}\t"
            f"{birth}\t{person[EDU]}\t{person[PHONE]}\t{self.days.iso(start)}\t{self.iso(end)}\t{sending}\t{note}\n"
        )
        return cadre_id

    def stranger(self, org: Org, low: int, high: int, male_share: float = 0.65) -> tuple:
        """A villager who is not a party member, aged ``low`` to ``high``."""
        rnd = self.rnd
        age = self.between(low, high)
        birth = self.T - int(age * YEAR) - int(rnd() * 365)
        gender = MALE if rnd() < male_share else FEMALE
        education = for_age(EDUCATIONS.get(org.field, EDUCATIONS[None]), age)(rnd)
        return (
            None,
            self.names.draw(rnd, gender, self.year - age),
            gender,
            birth,
            education,
            pools.phone(rnd),
        )

    def unit_posts(self, org: Org, roster: list) -> None:
        """A secretary (and sometimes a deputy) for a branch that is not a village or community."""
        team = Team(self, org, roster, old=False)
        secretary = team.take(28, 58) or team.take(22, 85)
        if secretary is None:
            return
        start = self.T - self.between(200, 3000)
        cadre_id = self.post(org, Post.SECRETARY, secretary, start)
        org.secretaries.append((cadre_id, start, None, secretary[ID]))
        if self.rnd() < 0.3 and (deputy := team.take(28, 58)):
            self.post(org, Post.DEPUTY_SECRETARY, deputy, start + self.between(0, 30))

    def team(self, org: Org, roster: list) -> "Team":
        """The two committees, the supervision chair, a group leader and perhaps a first secretary of one
        village or community; ``org.persons`` keeps the two-committee persons for the visit logs."""
        rnd, between = self.rnd, self.between
        org.old_team = rnd() < OLD_TEAM_SHARE
        team = Team(self, org, roster, old=org.old_team)
        previous, current = self.election_day(self.previous_election), self.election_day(self.election)
        continuing = rnd() < CONTINUING_SHARE
        start = previous if continuing else current
        secretary = team.take(30, 62) or team.take(25, 80)
        if secretary is None:
            return team
        one_shoulder = rnd() < ONE_SHOULDER_SHARE
        if not continuing and (predecessor := team.take(50, 80, in_team=False)):
            ended = current - 1
            cadre_id = self.post(org, Post.SECRETARY, predecessor, previous, ended, note="任期届满换届")
            if one_shoulder:
                self.post(org, Post.VILLAGE_DIRECTOR, predecessor, previous, ended, note="任期届满换届")
            org.secretaries.append((cadre_id, previous, ended, predecessor[ID]))
            org.persons.append((cadre_id, previous, ended, predecessor[BIRTH]))
        cadre_id = self.post(org, Post.SECRETARY, secretary, start)
        org.secretaries.append((cadre_id, start, None, secretary[ID]))
        team.serve(cadre_id, start, secretary)
        if one_shoulder:
            self.post(org, Post.VILLAGE_DIRECTOR, secretary, start)
        else:
            director = team.person(30, 62, member_share=0.5)
            team.serve(self.post(org, Post.VILLAGE_DIRECTOR, director, start), start, director)
        crossed = []
        if rnd() < 0.3 and (deputy := team.take(28, 60)):
            team.serve(self.post(org, Post.DEPUTY_SECRETARY, deputy, start + between(0, 10)), start, deputy)
            crossed.append(deputy)
        for _ in range(BRANCH_COMMITTEE_COUNT(rnd)):
            if member := team.take(25, 65):
                team.serve(
                    self.post(org, Post.BRANCH_COMMITTEE, member, start + between(0, 10)), start, member
                )
                crossed.append(member)
        for person in crossed:  # 交叉任职: branch committee members also elected to the village committee
            if rnd() < 0.25:
                self.post(org, Post.VILLAGE_COMMITTEE, person, start + between(0, 10))
        if rnd() < 0.3:
            person = team.person(25, 62, member_share=0.3)
            team.serve(self.post(org, Post.VILLAGE_COMMITTEE, person, start + between(0, 10)), start, person)
        if rnd() < 0.2:
            if crossed and rnd() < 0.6:
                self.post(org, Post.VILLAGE_DEPUTY_DIRECTOR, crossed[0], start + between(0, 10))
            else:
                person = team.person(28, 60, member_share=0.4)
                cadre_id = self.post(org, Post.VILLAGE_DEPUTY_DIRECTOR, person, start + between(0, 10))
                team.serve(cadre_id, start, person)
        if not org.old_team and not team.has_young:
            person = team.take(22, 34) or self.stranger(org, 26, 34)
            team.serve(self.post(org, Post.VILLAGE_COMMITTEE, person, start + between(0, 10)), start, person)
        org.persons = org.persons + team.persons
        chair = team.person(40, 70, member_share=0.6, in_team=False)
        self.post(org, Post.SUPERVISION_CHAIR, chair, start + between(0, 20))
        if rnd() < 0.15 and (leader := team.take(35, 72, in_team=False)):
            self.post(org, Post.GROUP_LEADER, leader, start + between(0, 60))
        pool = self.first_secretary_pool.get(org.county.id)
        if org.field == Field.VILLAGE and pool and rnd() < FIRST_SECRETARY_SHARE:
            member, unit = pool.pop()
            self.post(org, Post.FIRST_SECRETARY, member, self.T - between(30, 700), sending=unit)
        return team

    def instructor_posts(self, township: Org, rural: list[Org], pool: list) -> dict[int, str]:
        """Township organ members sent as party-building instructors, each covering a few branches; returns
        branch id -> instructor name (the reserve cadres' mentor)."""
        if not pool or not rural:
            return {}
        people = self.rng.sample(pool, max(1, min(len(pool), -(-len(rural) // 4))))
        year = self.previous_election if self.rnd() < 0.75 else self.election
        start = self.election_day(year) + self.between(10, 60)
        first_posts, mentors = {}, {}
        for number, branch in enumerate(rural):
            person = people[number % len(people)]
            cadre_id = self.post(branch, Post.INSTRUCTOR, person, start)
            if person[ID] not in first_posts:
                first_posts[person[ID]] = cadre_id
                self.instructors.append((cadre_id, branch.id, start))
            mentors[branch.id] = person[NAME]
        return mentors

    # --- reserve rosters --------------------------------------------------------------------------

    def reserve_roster(self, org: Org, team: "Team", mentor: str) -> None:
        """Two to five people, mostly young, some of them members not holding a post here."""
        rnd, between, T = self.rnd, self.between, self.T
        old_roster = org.old_team or rnd() < (OLD_ROSTER_SHARE - OLD_TEAM_SHARE) / (1 - OLD_TEAM_SHARE)
        for _ in range(between(2, 5)):
            low, high = (22, 34) if not old_roster and rnd() < 0.85 else (37, 50)
            member = team.take(low, high, in_team=False) if rnd() < 0.35 else None
            if member is not None:
                person, political = member, PoliticalStatus.MEMBER
            else:
                person = self.stranger(org, low, high)
                age = int((T - person[BIRTH]) / YEAR)
                political = PoliticalStatus.LEAGUE if age <= 28 else PoliticalStatus.MASSES
                if rnd() < 0.12:
                    political = PoliticalStatus.ACTIVIST
            source = RESERVE_SOURCE(rnd)
            if source == ReserveSource.GRADUATE and person[EDU] not in COLLEGE:
                source = ReserveSource.RETURNING_YOUTH
            if source == ReserveSource.DEMOBILIZED_SOLDIER and person[GENDER] != MALE:
                source = ReserveSource.OPEN_CAMPAIGN
            adult = rules.adult_from(date.fromordinal(person[BIRTH])).toordinal()
            entered = max(T - between(20, 1400), adult)
            status, removed, reason = ReserveStatus.IN_ROSTER, None, ""
            if rnd() < 0.06 and T - entered > 60:
                status, removed = ReserveStatus.REMOVED, entered + between(30, T - entered - 1)
                reason = REMOVAL_REASONS[int(rnd() * len(REMOVAL_REASONS))]
            trainings = min(8, (T - entered) // 180 + (rnd() < 0.5))
            member_id = "\\N" if person[ID] is None else person[ID]
            reserve_id = self.next_id("members_reservecadre")
            self.reserves.append(
                f"{reserve_id}\t1\t{self.now}\t{self.now}\t{org.id}\t{member_id}\t{person[NAME]}\t{person[GENDER]}\t"
                f"{self.days.iso(person[BIRTH])}\t{person[EDU]}\t{person[PHONE]}\t{political}\t{source}\t"
                f"{self.days.iso(entered)}\t{mentor}\t{trainings}\t{status}\t\t\\N\t{self.iso(removed)}\t{reason}\n"
            )


class Team:
    """Who is picked for one organization's posts: a member holds one post here (save cross-appointment);
    in an "old" team nobody in the two committees is 35 or younger."""

    def __init__(self, people: People, org: Org, roster: list, *, old: bool):
        self.people = people
        self.org = org
        candidates = [(people.age(m), m) for m in roster if m[AVAILABLE]]
        people.rng.shuffle(candidates)
        self.candidates = candidates
        self.taken: set[int] = set()
        self.old = old
        self.has_young = False
        self.persons: list[tuple] = []  # (first post id, started, ended, birth ordinal)

    def bounds(self, low, high, in_team):
        if in_team and self.old:
            low = max(low, 37)
        return low, max(low, high)

    def take(self, low, high, *, in_team=True):
        low, high = self.bounds(low, high, in_team)
        for age, member in self.candidates:
            if low <= age <= high and member[ID] not in self.taken:
                self.taken.add(member[ID])
                return member
        return None

    def person(self, low, high, *, member_share, in_team=True):
        if self.people.rnd() < member_share and (member := self.take(low, high, in_team=in_team)):
            return member
        low, high = self.bounds(low, high, in_team)
        return self.people.stranger(self.org, low, high)

    def serve(self, cadre_id: int, start: int, person: tuple) -> None:
        """``person`` sits in the two committees from ``start``, first through post ``cadre_id``."""
        self.persons.append((cadre_id, start, None, person[BIRTH]))
        if int((self.people.T - person[BIRTH]) / YEAR) <= 34:
            self.has_young = True
