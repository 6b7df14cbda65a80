"""Demo cadre posts (``manage.py seed_demo``): the people who hold each post of a village or community
(its two committees: 支部委员会, 村/居民委员会), the supervision committee chair independent of both, party
group leaders, the township's party-building instructors, first secretaries sent by county units and the
secretaries of the county and township committees.

About 60% of villages have their secretary also elected director (一肩挑, two rows for one member). Some
posts show an ended term before the current one; single-holder posts never overlap.
"""

import random
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from branches.models import Organization
from branches.models import OrganizationField
from members.models import Cadre
from members.models import CadrePost
from members.models import Education
from members.models import Gender
from members.models import Member
from members.models import MemberCategory
from members.models import MemberStatus
from members.models import Occupation

from .members import Roster
from .members import age_on
from .members import years_before
from .population import EDUCATION
from .population import by_age
from .population import for_field
from .population import weighted

Field = OrganizationField
Post = CadrePost

FIRST_ELECTION = 2021  # the first five-year term of village two committees (3-year terms before: 2018)
ONE_SHOULDER_SHARE = 0.6
STUDENT_OFFICIAL_SHARE = 0.1  # of villages
YOUNG_MAX_AGE = 35
OLD_MIN_AGE = 37  # "not young" with a margin, whatever the day of the year
COLLEGE = frozenset({Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.POSTGRADUATE})
PREDECESSOR_NOTE = "任期届满换届"


@dataclass(frozen=True)
class Person:
    """Who holds a post: a member (identity copied from the member row) or a non-member villager."""

    name: str
    gender: str
    birth_date: date
    education: str
    phone: str = ""
    member: Member | None = None

    @classmethod
    def of(cls, member: Member) -> "Person":
        return cls(member.name, member.gender, member.birth_date, member.education, member.phone, member)

    def fields(self) -> dict:
        """The holder's fields on a cadre post or a reserve cadre row."""
        return dict(vars(self))


def election_years(today: date) -> tuple[int, int]:
    """(the latest village two-committee election, the one before). Elections are held from January to March;
    one counts from July, when every demo term and appointment that follows it has started."""
    year = today.year
    while (year - FIRST_ELECTION) % 5 or date(year, 6, 30) >= today:
        year -= 1
    return year, (FIRST_ELECTION - 3 if year == FIRST_ELECTION else year - 5)


class CadreBuilder:
    def __init__(self, *, rng: random.Random, roster: Roster, today: date):
        self.rng = rng
        self.roster = roster
        self.today = today
        self.election_year, self.previous_year = election_years(today)
        self.cadres: list[Cadre] = []
        self.instructor: dict[int, str] = {}  # branch pk -> current instructor's name
        self.taken: dict[int, set[int]] = {}  # organization pk -> pks of members holding a post there

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, max(low, high)))

    def election_day(self, year: int) -> date:
        return date(year, self.rng.randint(1, 3), self.rng.randint(1, 28))

    def add(self, organization, post, person: Person, started_on, ended_on=None, **extra) -> Cadre:
        cadre = Cadre(
            organization=organization,
            post=post,
            **person.fields(),
            started_on=started_on,
            ended_on=ended_on,
            **extra,
        )
        self.cadres.append(cadre)
        return cadre

    def stranger(self, organization: Organization, low: int, high: int, male_share: float = 0.55) -> Person:
        """A non-member aged ``low`` to ``high``."""
        rng, roster = self.rng, self.roster
        age = rng.randint(low, max(low, high))
        born = years_before(self.today, age) - self.days(0, 364)
        gender = Gender.MALE if rng.random() < male_share else Gender.FEMALE
        education = weighted(rng, by_age(for_field(EDUCATION, organization), age))
        return Person(roster.name(gender, born.year), gender, born, education, roster.phone(age))

    def committee_secretaries(self, organ_members: dict[Organization, list[Member]]) -> None:
        """The county's and each township's party secretary, a full member of its own organ."""
        for committee, candidates in organ_members.items():
            started = self.today - self.days(400, 1500)
            # On the roll when the term starts (docs/records.md, "On the roll on a day").
            candidates = [m for m in candidates if m.joined_on <= started]
            if candidates:
                secretary = self.rng.choice(candidates)
                self.add(committee, Post.SECRETARY, Person.of(secretary), started)

    # --- one village or community -----------------------------------------------------------------

    def rural_team(self, organization: Organization, members: list[Member], *, old: bool) -> None:
        """The two committees, the supervision chair and group leaders of one village or community."""
        rng = self.rng
        election = self.election_day(self.election_year)
        previous = self.election_day(self.previous_year)
        # Everyone picked was on the roll when their term started: from the election on, unless told the
        # earliest day a term may start (the secretary's and the predecessors' from the previous election).
        team = Team(self, organization, members, old=old, by=election)
        secretary = team.take(30, 62, prefer_cadres=True, by=previous) or team.take(25, 80, by=previous)
        if secretary is None:
            return
        room = (self.today - election).days - 60
        midterm = election + self.days(90, room) if room > 90 else None
        choice = rng.random()
        if choice < 0.45:
            started = midterm if midterm and rng.random() < 0.35 else election
            predecessor = team.take(55, 85, in_team=False, by=previous)
            if predecessor:
                self.add(
                    organization, Post.SECRETARY, Person.of(predecessor), previous, started - timedelta(1)
                )
        else:
            started = previous if choice < 0.75 else election
        self.add(organization, Post.SECRETARY, Person.of(secretary), started)

        if rng.random() < ONE_SHOULDER_SHARE:
            director, director_started = Person.of(secretary), max(started, election)
        else:
            director, director_started = team.person(30, 62, member_share=0.5), election
        if rng.random() < 0.35:
            predecessor = team.person(50, 75, member_share=0.5, in_team=False, by=previous)
            ended = director_started - timedelta(1)
            self.add(organization, Post.VILLAGE_DIRECTOR, predecessor, previous, ended, note=PREDECESSOR_NOTE)
        self.add(organization, Post.VILLAGE_DIRECTOR, director, director_started)

        if rng.random() < 0.4 and (deputy := team.take(28, 60)):
            self.add(organization, Post.DEPUTY_SECRETARY, Person.of(deputy), self.start(election, midterm))
        for _ in range(rng.randint(1, 3)):
            if committee := team.take(25, 65):
                self.add(
                    organization, Post.BRANCH_COMMITTEE, Person.of(committee), self.start(election, midterm)
                )
        if rng.random() < 0.5:
            deputy = team.person(28, 60, member_share=0.4)
            self.add(organization, Post.VILLAGE_DEPUTY_DIRECTOR, deputy, self.start(election, midterm))
        for _ in range(rng.randint(2, 3)):
            committee = team.person(25, 62, member_share=0.5)
            self.add(organization, Post.VILLAGE_COMMITTEE, committee, self.start(election, midterm))
        if not old and not team.has_young:
            young = team.take(22, 34, full=False)
            person = Person.of(young) if young else team.stranger(26, 34)
            self.add(organization, Post.VILLAGE_COMMITTEE, person, self.start(election, midterm))

        chair_started = election + self.days(0, 20)
        if rng.random() < 0.25:
            predecessor = team.person(50, 72, member_share=0.6, in_team=False, by=previous)
            ended = chair_started - timedelta(1)
            self.add(
                organization, Post.SUPERVISION_CHAIR, predecessor, previous, ended, note=PREDECESSOR_NOTE
            )
        chair = team.person(40, 70, member_share=0.6, in_team=False)
        self.add(organization, Post.SUPERVISION_CHAIR, chair, chair_started)
        for _ in range(rng.randint(1, 2)):
            if leader := team.take(35, 72, in_team=False):
                self.add(organization, Post.GROUP_LEADER, Person.of(leader), election + self.days(0, 60))

        if organization.field == Field.VILLAGE and rng.random() < STUDENT_OFFICIAL_SHARE:
            earliest = self.today - timedelta(1000)
            graduate = team.take(22, 30, full=False, in_team=False, college=True, by=earliest)
            if graduate:
                person = Person.of(graduate)
            else:
                stranger = team.stranger(23, 29, in_team=False)
                education = rng.choice((Education.BACHELOR, Education.BACHELOR, Education.JUNIOR_COLLEGE))
                person = Person(
                    stranger.name, stranger.gender, stranger.birth_date, education, stranger.phone
                )
            self.add(organization, Post.STUDENT_OFFICIAL, person, self.today - self.days(60, 1000))
        self.taken[organization.pk] = team.taken

    def start(self, election: date, midterm: date | None) -> date:
        if midterm and self.rng.random() < 0.12:
            return midterm
        return election + self.days(0, 10)

    # --- sent from outside the village ------------------------------------------------------------

    def first_secretaries(self, villages: list[Organization], senders: list[Member]) -> None:
        """Dispatched by county units, one person per village, some after a predecessor's two-year stint."""
        rng = self.rng
        # Members since the earliest day a stint below may start.
        senders = [m for m in senders if m.joined_on <= self.today - timedelta(1460)]
        senders = [m for m in senders if 26 <= age_on(m.birth_date, self.today) <= 50] or senders
        rng.shuffle(senders)
        for village in villages:
            if not senders:
                return
            member = senders.pop()
            started = self.today - self.days(30, 700)
            if senders and rng.random() < 0.4:
                predecessor = senders.pop()
                self.add(
                    village,
                    Post.FIRST_SECRETARY,
                    Person.of(predecessor),
                    started - self.days(700, 760),
                    started - timedelta(1),
                    sending_unit=sending_unit(predecessor.branch),
                )
            self.add(
                village,
                Post.FIRST_SECRETARY,
                Person.of(member),
                started,
                sending_unit=sending_unit(member.branch),
            )

    def instructors(self, branches: list[Organization], organ_members: list[Member]) -> None:
        """One member of the township organ for each branch of the township, each covering a few."""
        if not organ_members:
            return
        rng = self.rng
        # Members since the year the current terms start (a predecessor since the previous election).
        organ_members = [m for m in organ_members if m.joined_on < date(self.election_year, 1, 1)]
        if not organ_members:
            return
        preferred = [m for m in organ_members if 26 <= age_on(m.birth_date, self.today) <= 58]
        people = preferred or organ_members
        rng.shuffle(people)
        for number, branch in enumerate(branches):
            member = people[number % len(people)]
            started = self.election_day(self.election_year) + self.days(10, 60)
            if len(people) > 1 and rng.random() < 0.15:
                predecessor = people[(number + 1) % len(people)]
                begun = self.election_day(self.previous_year) + self.days(10, 60)
                if predecessor.joined_on <= begun:
                    self.add(branch, Post.INSTRUCTOR, Person.of(predecessor), begun, started - timedelta(1))
            self.add(branch, Post.INSTRUCTOR, Person.of(member), started)
            self.instructor[branch.pk] = member.name


class Team:
    """The people picked for one village's posts; a member holds at most one post here (save 一肩挑)."""

    def __init__(self, builder: CadreBuilder, organization, members: list[Member], *, old: bool, by: date):
        self.builder = builder
        self.by = by  # members picked joined by then, unless ``take`` is told another day
        self.organization = organization
        self.pool = [m for m in members if m.status == MemberStatus.NORMAL and not m.is_mobile]
        self.old = old
        self.taken: set[int] = set()
        self.has_young = False

    def bounds(self, low: int, high: int, in_team: bool) -> tuple[int, int]:
        if in_team and self.old:
            low = max(low, OLD_MIN_AGE)
        return low, max(low, high)

    def note(self, birth_date: date, in_team: bool) -> None:
        if in_team and age_on(birth_date, self.builder.today) <= YOUNG_MAX_AGE:
            self.has_young = True

    def take(
        self, low, high, *, full=True, in_team=True, prefer_cadres=False, college=False, by=None
    ) -> Member | None:
        low, high = self.bounds(low, high, in_team)
        today, by = self.builder.today, by or self.by
        pool = [
            m
            for m in self.pool
            if m.pk not in self.taken
            and m.joined_on <= by
            and (not full or m.category == MemberCategory.FULL)
            and (not college or m.education in COLLEGE)
            and low <= age_on(m.birth_date, today) <= high
        ]
        if prefer_cadres:
            pool = [m for m in pool if m.occupation == Occupation.VILLAGE_CADRE] or pool
        if not pool:
            return None
        member = self.builder.rng.choice(pool)
        self.taken.add(member.pk)
        self.note(member.birth_date, in_team)
        return member

    def stranger(self, low, high, *, in_team=True) -> Person:
        low, high = self.bounds(low, high, in_team)
        person = self.builder.stranger(self.organization, low, high)
        self.note(person.birth_date, in_team)
        return person

    def person(self, low, high, *, member_share: float, in_team=True, by=None) -> Person:
        if self.builder.rng.random() < member_share:
            member = self.take(low, high, full=False, in_team=in_team, by=by)
            if member is not None:
                return Person.of(member)
        return self.stranger(low, high, in_team=in_team)


def sending_unit(branch: Organization) -> str:
    """县财政局 for 县财政局机关党支部."""
    return branch.short_name.removesuffix("机关")
