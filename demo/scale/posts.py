"""Cadre posts of a tier: the two committees, supervision chair, group leader and first secretary of every
village and community, a secretary for every other branch, the townships' party-building instructors and
contact leaders, and the village reserve rosters.
"""

from datetime import date

from branches.models import OrganizationField as Field
from members import pipeline_rules as rules
from members.models import CadrePost
from members.models import PoliticalStatus
from members.models import ReserveSource
from members.models import ReserveStatus

from ..reserves import REMOVAL_REASONS
from ..reserves import RESERVE_SOURCES
from . import pools
from .persons import AVAILABLE
from .persons import BIRTH
from .persons import COLLEGE
from .persons import EDU
from .persons import EDUCATIONS
from .persons import FEMALE
from .persons import GENDER
from .persons import ID
from .persons import JOINED
from .persons import MALE
from .persons import NAME
from .persons import PHONE
from .persons import YEAR
from .persons import PeopleState
from .persons import for_age
from .tree import Org

Post = CadrePost

CONTINUING_SHARE = 0.72  # of village teams: elected at the previous election and re-elected
ONE_SHOULDER_SHARE = 0.7  # secretary also elected village director (一肩挑)
OLD_TEAM_SHARE = 0.08  # villages whose two-committee team has nobody aged 35 or less
OLD_ROSTER_SHARE = 0.1  # villages whose reserve roster has nobody aged 35 or less (includes the above)
FIRST_SECRETARY_SHARE = 0.15
RESERVE_SOURCE = pools.Draw(RESERVE_SOURCES)
BRANCH_COMMITTEE_COUNT = pools.Draw({0: 10, 1: 55, 2: 35})


class Posts(PeopleState):
    """The posts and reserve rosters of each township's organizations, planned from its members' rosters
    as ``People.member_chunks`` finishes the township."""

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
        # A contact leader is on the township's roll on every day of the two years the contacts cover.
        leaders = [m for m in pool if m[JOINED] <= self.window]
        if leaders and rural:
            leaders = self.rng.sample(leaders, min(len(leaders), 5))
            self.contacts.append((parent, rural, [(m[ID], m[NAME]) for m in leaders]))
        for org in rural:
            self.reserve_roster(org, teams[org.id], mentors.get(org.id, ""))

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
        start = self.T - self.between(200, 3000)
        team = Team(self, org, roster, old=False, start=start)
        secretary = team.take(28, 58) or team.take(22, 85)
        if secretary is None:
            return
        cadre_id = self.post(org, Post.SECRETARY, secretary, start)
        org.secretaries.append((cadre_id, start, None, secretary[ID]))
        if self.rnd() < 0.3 and (deputy := team.take(28, 58)):
            self.post(org, Post.DEPUTY_SECRETARY, deputy, start + self.between(0, 30))

    def team(self, org: Org, roster: list) -> "Team":
        """The two committees, the supervision chair, a group leader and perhaps a first secretary of one
        village or community; ``org.persons`` keeps the two-committee persons for the visit logs."""
        rnd, between = self.rnd, self.between
        org.old_team = rnd() < OLD_TEAM_SHARE
        previous, current = self.election_day(self.previous_election), self.election_day(self.election)
        continuing = rnd() < CONTINUING_SHARE
        start = previous if continuing else current
        team = Team(self, org, roster, old=org.old_team, start=start)
        secretary = team.take(30, 62) or team.take(25, 80)
        if secretary is None:
            return team
        one_shoulder = rnd() < ONE_SHOULDER_SHARE
        if not continuing and (predecessor := team.take(50, 80, in_team=False, by=previous)):
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
            start = self.T - between(30, 700)
            # The last of the shuffled pool who had joined by then (nearly always the very last).
            found = next((i for i in range(len(pool) - 1, -1, -1) if pool[i][0][JOINED] <= start), None)
            if found is not None:
                member, unit = pool.pop(found)
                self.post(org, Post.FIRST_SECRETARY, member, start, sending=unit)
        return team

    def instructor_posts(self, township: Org, rural: list[Org], pool: list) -> dict[int, str]:
        """Township organ members sent as party-building instructors, each covering a few branches; returns
        branch id -> instructor name (the reserve cadres' mentor)."""
        year = self.previous_election if self.rnd() < 0.75 else self.election
        start = self.election_day(year) + self.between(10, 60)
        pool = [m for m in pool if m[JOINED] <= start]
        if not pool or not rural:
            return {}
        people = self.rng.sample(pool, max(1, min(len(pool), -(-len(rural) // 4))))
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
            member = team.take(low, high, in_team=False, by=T) if rnd() < 0.35 else None
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
    in an "old" team nobody in the two committees is 35 or younger. A member picked is on the roll when the
    term starts (``start``, unless ``take`` is told another day): a branch post is held by one of its own
    members (docs/records.md, "On the roll on a day")."""

    def __init__(self, people: Posts, org: Org, roster: list, *, old: bool, start: int):
        self.people = people
        self.start = start
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

    def take(self, low, high, *, in_team=True, by=None):
        """A member aged ``low`` to ``high`` not yet taken who had joined by ``by`` (the term's start)."""
        low, high = self.bounds(low, high, in_team)
        by = self.start if by is None else by
        for age, member in self.candidates:
            if low <= age <= high and member[JOINED] <= by and member[ID] not in self.taken:
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
