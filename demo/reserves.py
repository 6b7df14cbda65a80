"""Demo reserve rosters (后备干部) of the villages, drawn after their posts: mostly young people, some of
them members holding no post in the village or active activists, with the township instructor as mentor; a
few were since promoted into a post, a few removed from the roster.
"""

from datetime import timedelta

from members import pipeline_rules as rules
from members.models import Applicant
from members.models import Gender
from members.models import Member
from members.models import MemberCategory
from members.models import MemberStatus
from members.models import PoliticalStatus
from members.models import ReserveCadre
from members.models import ReserveSource
from members.models import ReserveStatus

from .cadre_posts import COLLEGE
from .cadre_posts import OLD_MIN_AGE
from .cadre_posts import CadreBuilder
from .cadre_posts import Person
from .cadre_posts import Post
from .members import age_on

RESERVE_SIZE = (2, 5)
RESERVE_YOUNG_SHARE = 0.85
PROMOTED_SHARE, REMOVED_SHARE = 0.08, 0.07
RESERVE_SOURCES = {
    ReserveSource.CADRE_RECOMMENDATION: 30,
    ReserveSource.HOUSEHOLD_VISITS: 14,
    ReserveSource.OPEN_CAMPAIGN: 14,
    ReserveSource.RETURNING_YOUTH: 16,
    ReserveSource.DEMOBILIZED_SOLDIER: 8,
    ReserveSource.WEALTH_LEADER: 10,
    ReserveSource.GRADUATE: 8,
}
REMOVAL_REASONS = (
    "外出务工，长期不在村",
    "考录为公务员，离开本村",
    "本人申请退出后备干部队伍",
    "考察不合格，调整出库",
    "迁居县城，不再适合培养",
)
PROMOTION_NOTE = "由村后备干部选任"


class ReserveRoster:
    """The reserve cadres of the villages; promotions add their post through ``posts``, whose random
    stream, instructors and post holders it shares."""

    def __init__(self, posts: CadreBuilder):
        self.posts = posts
        self.rng = posts.rng
        self.today = posts.today
        self.reserves: list[ReserveCadre] = []

    def days(self, low: int, high: int) -> timedelta:
        return self.posts.days(low, high)

    def reserve_roster(self, village, members, activists, *, old_roster: bool, old_team: bool) -> None:
        rng, today = self.rng, self.today
        taken = self.posts.taken.get(village.pk, set())
        members = [
            m for m in members if m.pk not in taken and m.status == MemberStatus.NORMAL and not m.is_mobile
        ]
        activists = list(activists)
        for _ in range(rng.randint(*RESERVE_SIZE)):
            young = not old_roster and rng.random() < RESERVE_YOUNG_SHARE
            low, high = (22, 34) if young else (OLD_MIN_AGE, 50)
            kind = rng.choices(("member", "activist", "other"), weights=(35, 15, 50))[0]
            reserve = None
            if kind == "member":
                reserve = self.reserve_member(village, members, low, high)
            elif kind == "activist":
                reserve = self.reserve_activist(village, activists, low, high)
            if reserve is None:
                person = self.posts.stranger(village, low, high, male_share=0.65)
                league = age_on(person.birth_date, today) <= 28
                reserve = self.reserve(
                    village, person, PoliticalStatus.LEAGUE if league else PoliticalStatus.MASSES
                )
            self.reserve_fate(reserve, promotable=not old_team)

    def reserve(self, village, person: Person, political_status: str) -> ReserveCadre:
        rng, today = self.rng, self.today
        entered = max(today - self.days(20, 1400), rules.adult_from(person.birth_date))
        source = rng.choices(list(RESERVE_SOURCES), weights=list(RESERVE_SOURCES.values()))[0]
        if source == ReserveSource.GRADUATE and person.education not in COLLEGE:
            source = ReserveSource.RETURNING_YOUTH
        if source == ReserveSource.DEMOBILIZED_SOLDIER and person.gender != Gender.MALE:
            source = ReserveSource.OPEN_CAMPAIGN
        reserve = ReserveCadre(
            organization=village,
            **person.fields(),
            political_status=political_status,
            source=source,
            entered_on=entered,
            mentor=self.posts.instructor.get(village.pk, ""),
            trainings_attended=min(8, (today - entered).days // 180 + rng.randint(0, 1)),
        )
        self.reserves.append(reserve)
        return reserve

    def take_aged(self, people: list, low, high):
        """One of ``people`` aged ``low`` to ``high`` today, drawn at random and taken out of the list; None
        when none is that age."""
        fitting = [person for person in people if low <= age_on(person.birth_date, self.today) <= high]
        if not fitting:
            return None
        person = self.rng.choice(fitting)
        people.remove(person)
        return person

    def reserve_member(self, village, members: list[Member], low, high) -> ReserveCadre | None:
        member = self.take_aged(members, low, high)
        if member is None:
            return None
        full = member.category == MemberCategory.FULL
        status = PoliticalStatus.MEMBER if full else PoliticalStatus.PROBATIONARY
        return self.reserve(village, Person.of(member), status)

    def reserve_activist(self, village, activists: list[Applicant], low, high) -> ReserveCadre | None:
        activist = self.take_aged(activists, low, high)
        if activist is None:
            return None
        person = Person(
            activist.name, activist.gender, activist.birth_date, activist.education, activist.phone
        )
        return self.reserve(village, person, PoliticalStatus.ACTIVIST)

    def reserve_fate(self, reserve: ReserveCadre, *, promotable: bool) -> None:
        """A few were promoted into the village committee (with the post row), a few removed."""
        rng = self.rng
        chance, span = rng.random(), (self.today - reserve.entered_on).days
        if promotable and chance < PROMOTED_SHARE and span > 150:
            full = reserve.member is not None and reserve.member.category == MemberCategory.FULL
            post = (
                rng.choice((Post.BRANCH_COMMITTEE, Post.VILLAGE_COMMITTEE))
                if full
                else Post.VILLAGE_COMMITTEE
            )
            reserve.status = ReserveStatus.PROMOTED
            reserve.promoted_post = post
            reserve.promoted_on = reserve.entered_on + self.days(120, span - 7)
            if reserve.member is not None:  # into a post held by a member since then
                reserve.promoted_on = max(reserve.promoted_on, reserve.member.joined_on)
            person = Person(
                reserve.name,
                reserve.gender,
                reserve.birth_date,
                reserve.education,
                reserve.phone,
                reserve.member,
            )
            self.posts.add(reserve.organization, post, person, reserve.promoted_on, note=PROMOTION_NOTE)
        elif chance > 1 - REMOVED_SHARE and span > 60:
            reserve.status = ReserveStatus.REMOVED
            reserve.removed_on = reserve.entered_on + self.days(30, span - 1)
            reserve.removed_reason = rng.choice(REMOVAL_REASONS)
