"""Household visit logs (走访日志) of the people serving in the two committees of villages and communities,
and the households of each village they visit."""

import itertools
import math
import random
from datetime import date
from datetime import timedelta

from branches.models import Organization
from branches.models import OrganizationField
from members.models import Gender
from members.models import VisitLog

from ..population import GIVEN_NAME_CHARACTERS
from ..population import SURNAMES
from ..records import day_between
from .rolls import TWO_COMMITTEES
from .rolls import CountyRolls
from .rolls import Post

Field = OrganizationField

VISITS_SHORT_SHARE = 0.17  # of cadre-years: below 50 households (or below that pace)
HOUSEHOLDS = (52, 68)  # households a year of the others
REVISIT_SHARE = 0.07  # of households: visited a second time
VISIT_CONCERN_SHARE = 0.18
HOUSEHOLD_POOL = 240  # households of a village a cadre may visit

CONCERNS = (
    ("反映村内道路破损，雨天出行困难", "已报乡镇列入道路修缮计划"),
    ("咨询城乡居民医疗保险缴费", "当场讲解政策，协助线上缴费"),
    ("反映自来水水压不足", "联系水务站检修管网"),
    ("申请危房改造", "协助准备材料报乡镇审核"),
    ("反映土地确权面积有误", "会同包村干部实地复核"),
    ("咨询养老保险待遇领取", "协助办理待遇领取资格认证"),
    ("反映邻里宅基地纠纷", "村调解委员会组织双方调解"),
    ("希望开展种养殖技术培训", "纳入村级实用技术培训计划"),
    ("反映路灯损坏", "已联系维修"),
    ("家庭因病生活困难，申请临时救助", "协助申请临时救助"),
    ("反映惠农补贴未到账", "与乡镇财政所核对发放情况"),
)
PENDING = "已上报乡镇，正在协调解决"
CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1..99 as written in group names: 三, 十二, 二十一."""
    tens, ones = divmod(number, 10)
    if not tens:
        return CHINESE_DIGITS[ones]
    return f"{'' if tens == 1 else CHINESE_DIGITS[tens]}十{CHINESE_DIGITS[ones] if ones else ''}"


class Visits(CountyRolls):
    def visits(self, actor) -> list[dict]:
        """A year of visits for every person serving in a post of the two committees of a village or
        community (the quota counts persons: a secretary who is also director logs each visit once, under
        one of the two posts), within each post's term: most reach 50 households (this year: at that
        pace), about one in six does not."""
        rng = self.rng("visits")
        households = HouseholdBook(self.rng("households"))
        people = {year: [] for year in self.years}  # year -> [(branch, [(post, span), ...])]
        for branch in self.rural:
            posts: dict[tuple, list[Post]] = {}  # a person: the member, or the post of a non-member
            for post in self.posts.get(branch.pk, ()):
                if post.post in TWO_COMMITTEES:
                    key = ("member", post.member_id) if post.member_id else ("post", post.pk)
                    posts.setdefault(key, []).append(post)
            for year in self.years:
                for held in posts.values():
                    pieces = [(post, span) for post in held if (span := post.span(*self.year_span(year)))]
                    if pieces:
                        people[year].append((branch, pieces))
        rows = []
        for year, found in people.items():
            short = set(rng.sample(range(len(found)), round(VISITS_SHORT_SHARE * len(found))))
            for number, (branch, pieces) in enumerate(found):
                span = min(start for _post, (start, _end) in pieces), max(end for _post, (_s, end) in pieces)
                target = self.household_target(rng, year, span, short=number in short)
                rows += self.person_visits(rng, pieces, households.of(branch), target, actor)
        return rows

    def household_target(self, rng, year, span, *, short: bool) -> int:
        """Distinct households to visit in ``span``: a full year's 52-68 (previous year) or that pace for
        the part of this year gone; the short ones 20-44 a year, for the days they served."""
        start, end = span
        served = (end - start).days + 1
        if short:  # slow, but after a month in post everyone has logged a visit
            return max(int(served >= 30), math.floor(rng.randint(20, 44) * served / 365))
        if year < self.today.year:
            return rng.randint(*HOUSEHOLDS)
        elapsed = (end - date(year, 1, 1)).days + 1 if end == self.today else served
        return math.ceil(rng.randint(HOUSEHOLDS[0] + 2, HOUSEHOLDS[1]) * elapsed / 365)

    def person_visits(self, rng, pieces: list[tuple[Post, tuple]], pool, target: int, actor) -> list[dict]:
        """``target`` households, each visited under one of the person's posts within its term (every post
        gets one first), a few of them a second time."""
        weights = [(end - start).days + 1 for _post, (start, end) in pieces]
        target = max(target, len(pieces)) if target else 0
        visits = []
        for number, household in enumerate(rng.sample(pool, min(target, len(pool)))):
            post, (start, end) = pieces[number] if number < len(pieces) else rng.choices(pieces, weights)[0]
            day = day_between(rng, start, end)
            visits.append((household, post, day))
            if day < end and rng.random() < REVISIT_SHARE:
                visits.append((household, post, day_between(rng, day + timedelta(days=1), end)))
        rows = []
        for (group, name, key), post, day in sorted(visits, key=lambda visit: (visit[2], visit[1].pk)):
            if rng.random() < 0.05:  # typed with a space: the key still finds the same household
                name = f"{name[0]} {name[1:]}"
            concern = rng.choice(CONCERNS) if rng.random() < VISIT_CONCERN_SHARE else None
            row = {
                "cadre_id": post.pk,
                "organization_id": post.organization_id,
                "household_name": name,
                "village_group": group,
                "household_key": key,  # VisitLog.key_for(group, name), the same for the spaced spelling
                "visited_on": day,
                "recorded_by_id": actor.pk,
            }
            if concern:
                resolved = day + timedelta(days=rng.randint(0, 45))
                done = resolved <= self.today and rng.random() < 0.9
                row |= {
                    "concerns": concern[0],
                    "follow_up": concern[1] if done else PENDING,
                    "resolved_on": resolved if done else None,
                }
            rows.append(row)
        return rows


class HouseholdBook:
    """Each village's households (head of household, village group), drawn when first needed. Heads are
    mostly men of the older generation, named from the same tables as the members (``demo.population``)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = list(SURNAMES)
        self.weights = list(itertools.accumulate(SURNAMES.values()))
        self.books: dict[int, list[tuple[str, str, str]]] = {}

    def of(self, branch: Organization) -> list[tuple[str, str, str]]:
        if branch.pk not in self.books:
            self.books[branch.pk] = self.draw(branch)
        return self.books[branch.pk]

    def draw(self, branch) -> list[tuple[str, str, str]]:
        rng = self.rng
        if branch.field == Field.VILLAGE:
            count, label = max(3, min(12, (branch.natural_villages or 4) + rng.randint(1, 4))), "村民小组"
        else:
            count, label = rng.randint(4, 9), "居民小组"
        groups = [f"第{chinese_number(number)}{label}" for number in range(1, count + 1)]
        size = min(branch.households or HOUSEHOLD_POOL, HOUSEHOLD_POOL)
        seen, book = set(), []
        while len(book) < size:
            wanted = size - len(book)
            surnames = rng.choices(self.surnames, cum_weights=self.weights, k=wanted)
            for surname, group in zip(surnames, rng.choices(groups, k=wanted), strict=True):
                gender = Gender.MALE if rng.random() < 0.85 else Gender.FEMALE
                firsts, lasts = GIVEN_NAME_CHARACTERS[(gender, "old" if rng.random() < 0.75 else "new")]
                given = rng.choice(lasts)
                name = surname + (rng.choice(firsts) + given if rng.random() < 0.7 else given)
                key = VisitLog.key_for(group, name)
                if key not in seen:
                    seen.add(key)
                    book.append((group, name, key))
        return book
