"""Demo members for the demo county (``manage.py seed_demo``): plausible rosters, deterministic per seed.

Shapes follow what the seeds say about rural party members: many old members with junior-high schooling or
less, young ones better educated, men the large majority in villages, migrant workers kept as mobile members
with a contact person, members without jobs given a set post (设岗定责).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from branches.demo import COUNTY_PLACE, DemoTree
from branches.models import Organization, OrganizationField

from . import idnumbers
from .models import Education, Gender, Member, MemberCategory, MemberStatus, Occupation

DEFAULT_MEMBERS = 8000
BATCH_SIZE = 500
PROBATIONARY_SHARE = 0.04

Field = OrganizationField

COUNTY_REGION = "130799"  # not an assigned county code, so demo ID numbers cannot be anyone's real one
OTHER_REGIONS = ("130702", "130703", "130705", "130722", "130723", "130725", "130728", "130732", "150102", "110105")

# Seed 003: eight new members this year, one of them a woman; eighteen members run demonstration sheep farms.
SEED_003_NEW_MEMBERS = 8
SEED_003_NEW_WOMEN = 1
SEED_003_DEMONSTRATION_FARMS = 18
DEMONSTRATION_FARM_DUTY = "科技养羊致富示范户"

SURNAMES = {
    "王": 75, "李": 72, "张": 70, "刘": 58, "赵": 32, "杨": 30, "陈": 28, "郭": 20, "马": 18, "高": 18,
    "孙": 16, "田": 14, "武": 12, "白": 12, "贾": 11, "郝": 11, "吴": 10, "周": 10, "徐": 10, "胡": 9,
    "朱": 9, "何": 8, "韩": 8, "冯": 8, "于": 8, "董": 8, "曹": 7, "宋": 7, "许": 7, "乔": 7, "史": 7,
    "侯": 7, "常": 6, "阎": 6, "吕": 6, "苏": 6, "梁": 6, "孟": 6, "康": 5, "魏": 5, "薛": 5, "范": 5,
    "任": 5, "姜": 5, "石": 5, "姚": 5, "谢": 4, "崔": 4, "唐": 4, "邢": 4, "霍": 4, "杜": 4, "安": 4,
    "程": 4, "袁": 4, "卢": 3, "牛": 3, "段": 3, "齐": 3, "尹": 3, "秦": 3, "温": 3, "岳": 3, "申": 2,
}  # fmt: skip
GIVEN = {
    (Gender.MALE, "old"): "国建志海明永福德文春林忠军华平金山宝贵成有发长玉占继振树喜胜旺利生庆和全瑞祥顺",
    (Gender.MALE, "new"): "伟强磊鹏涛浩宇杰博凯超辉飞俊帅鑫晨阳亮斌然睿轩泽子一嘉航昊宁",
    (Gender.FEMALE, "old"): "秀英兰桂珍淑玉凤芳华梅荣琴云霞莲爱萍翠花素彩春香",
    (Gender.FEMALE, "new"): "丽静敏燕艳娜婷颖雪晶慧琳佳欣悦怡雨思梦涵萌璐倩蕾薇瑶",
}
ETHNICITIES = {"汉族": 955, "满族": 20, "蒙古族": 18, "回族": 7}
PHONE_PREFIXES = tuple(f"13{digit}" for digit in range(10)) + (
    "150", "151", "152", "155", "156", "157", "158", "159",
) + tuple(f"18{digit}" for digit in range(10))  # fmt: skip
DESTINATIONS = (
    "北京市朝阳区", "北京市大兴区", "北京市昌平区", "天津市滨海新区", "河北省张家口市桥东区",
    "河北省石家庄市长安区", "河北省唐山市路北区", "内蒙古自治区呼和浩特市赛罕区", "山西省大同市平城区",
    "上海市浦东新区", "广东省深圳市宝安区", "内蒙古自治区锡林郭勒盟锡林浩特市",
)  # fmt: skip
# Seed 003's set posts for members without a job, plus the usual village ones.
POST_DUTIES = (
    "红白理事会成员", "矛盾纠纷调解员", "护林防火巡查员", "禁赌协会成员", "移风易俗工作组成员",
    "政策宣传员", "环境卫生监督员", "治安巡逻员", "文明劝导员", "结对帮扶联系人", "村务监督联络员",
)  # fmt: skip

# (weight, youngest, oldest) age bands of full members per field; rural rolls are old (seed 003's "age problem").
AGE_BANDS = {
    Field.VILLAGE: ((12, 22, 34), (18, 35, 49), (30, 50, 64), (40, 65, 88)),
    Field.COMMUNITY: ((15, 25, 39), (30, 40, 59), (55, 60, 90)),
    Field.COOPERATIVE: ((30, 25, 39), (50, 40, 59), (20, 60, 70)),
    Field.INSTITUTION: ((25, 24, 34), (40, 35, 49), (35, 50, 59)),
    Field.SCHOOL: ((35, 24, 34), (40, 35, 49), (25, 50, 59)),
    "default": ((40, 23, 34), (45, 35, 49), (15, 50, 58)),
}
PROBATIONARY_AGE_BANDS = ((55, 19, 28), (30, 29, 35), (15, 36, 45))
MALE_SHARE = {Field.VILLAGE: 0.8, Field.COOPERATIVE: 0.8, Field.COMMUNITY: 0.55, Field.SCHOOL: 0.45}

E = Education
RURAL_EDUCATION = (  # (oldest age in band, {education: weight})
    (34, {E.JUNIOR_HIGH: 15, E.SENIOR_HIGH: 30, E.JUNIOR_COLLEGE: 30, E.BACHELOR: 25}),
    (49, {E.PRIMARY: 5, E.JUNIOR_HIGH: 50, E.SENIOR_HIGH: 30, E.JUNIOR_COLLEGE: 12, E.BACHELOR: 3}),
    (64, {E.PRIMARY: 20, E.JUNIOR_HIGH: 58, E.SENIOR_HIGH: 18, E.JUNIOR_COLLEGE: 4}),
    (200, {E.PRIMARY: 50, E.JUNIOR_HIGH: 42, E.SENIOR_HIGH: 8}),
)
TOWN_EDUCATION = (
    (34, {E.SENIOR_HIGH: 15, E.JUNIOR_COLLEGE: 35, E.BACHELOR: 45, E.POSTGRADUATE: 5}),
    (49, {E.JUNIOR_HIGH: 15, E.SENIOR_HIGH: 35, E.JUNIOR_COLLEGE: 30, E.BACHELOR: 20}),
    (64, {E.JUNIOR_HIGH: 35, E.SENIOR_HIGH: 40, E.JUNIOR_COLLEGE: 15, E.BACHELOR: 10}),
    (200, {E.PRIMARY: 25, E.JUNIOR_HIGH: 45, E.SENIOR_HIGH: 25, E.JUNIOR_COLLEGE: 5}),
)
OFFICE_EDUCATION = (
    (49, {E.JUNIOR_COLLEGE: 20, E.BACHELOR: 68, E.POSTGRADUATE: 12}),
    (200, {E.SENIOR_HIGH: 10, E.JUNIOR_COLLEGE: 40, E.BACHELOR: 48, E.POSTGRADUATE: 2}),
)
EDUCATION_BY_FIELD = {
    Field.VILLAGE: RURAL_EDUCATION,
    Field.COOPERATIVE: RURAL_EDUCATION,
    Field.COMMUNITY: TOWN_EDUCATION,
    Field.INSTITUTION: OFFICE_EDUCATION,
    Field.SCHOOL: ((200, {E.JUNIOR_COLLEGE: 15, E.BACHELOR: 75, E.POSTGRADUATE: 10}),),
    "default": ((200, {E.SENIOR_HIGH: 25, E.JUNIOR_COLLEGE: 35, E.BACHELOR: 35, E.POSTGRADUATE: 5}),),
}

O = Occupation
OCCUPATIONS = {  # field -> ((oldest age in band, {occupation: weight}), ...)
    Field.VILLAGE: (
        (59, {O.FARMER: 55, O.MIGRANT_WORKER: 30, O.ENTERPRISE: 5, O.OTHER: 5, O.UNEMPLOYED: 5}),
        (200, {O.FARMER: 85, O.RETIRED: 8, O.OTHER: 7}),
    ),
    Field.COMMUNITY: (
        (59, {O.ENTERPRISE: 45, O.PUBLIC_SECTOR: 10, O.UNEMPLOYED: 15, O.OTHER: 20, O.MIGRANT_WORKER: 10}),
        (200, {O.RETIRED: 85, O.OTHER: 10, O.UNEMPLOYED: 5}),
    ),
    Field.COOPERATIVE: ((200, {O.FARMER: 70, O.ENTERPRISE: 30}),),
    Field.INSTITUTION: ((200, {O.PUBLIC_SECTOR: 1}),),
    Field.SCHOOL: ((200, {O.PUBLIC_SECTOR: 1}),),
    Field.SOCIAL_ORG: ((200, {O.OTHER: 50, O.ENTERPRISE: 50}),),
    "default": ((200, {O.ENTERPRISE: 1}),),
}
VILLAGE_CADRES = (3, 5)  # members per village branch who sit on the two committees
WITHOUT_JOB = frozenset({O.FARMER, O.RETIRED, O.UNEMPLOYED, O.OTHER})
RURAL_FIELDS = frozenset({Field.VILLAGE, Field.COMMUNITY})

# Branch size relative to others, before scaling to the requested total.
SIZE_RANGES = {
    Field.COMMUNITY: (30, 90),
    Field.INSTITUTION: (8, 35),
    Field.SCHOOL: (8, 30),
    Field.PUBLIC_ENTERPRISE: (10, 40),
    Field.PRIVATE_ENTERPRISE: (3, 15),
}
SMALL_BRANCH = (3, 10)


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def by_age(bands, age: int):
    return next(weights for oldest, weights in bands if age <= oldest)


def for_field(table: dict, branch: Organization):
    return table.get(branch.field, table["default"])


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def anniversary(day: date) -> date:
    return years_before(day, -1)


def minimum_total(tree: DemoTree) -> int:
    """Every branch gets at least one member; the seed-003 township keeps the seed's figures."""
    return sum(tree.fixed_members.values()) + len(tree.member_branches) - len(tree.fixed_members)


def member_counts(rng: random.Random, tree: DemoTree, total: int) -> dict[int, int]:
    """Split ``total`` across branches: seed figures first, the rest by branch size, largest remainder."""
    free = [branch for branch in tree.member_branches if branch.pk not in tree.fixed_members]
    sizes = {branch.pk: _relative_size(rng, branch) for branch in free}
    rest = total - sum(tree.fixed_members.values()) - len(free)
    scale = rest / sum(sizes.values())
    shares = {pk: size * scale for pk, size in sizes.items()}
    counts = {pk: 1 + int(share) for pk, share in shares.items()}
    leftover = rest - sum(int(share) for share in shares.values())
    for pk in sorted(shares, key=lambda pk: shares[pk] - int(shares[pk]), reverse=True)[:leftover]:
        counts[pk] += 1
    return {**counts, **tree.fixed_members}


def _relative_size(rng: random.Random, branch: Organization) -> float:
    if branch.field == Field.VILLAGE:
        return branch.population * rng.uniform(0.025, 0.04)
    return rng.uniform(*SIZE_RANGES.get(branch.field, SMALL_BRANCH))


class IdNumberPool:
    """Issues unique ID numbers whose sequence digit carries the gender (odd = male)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.issued: set[str] = set()

    def issue(self, region: str, born: date, gender: str) -> str:
        parity = 1 if gender == Gender.MALE else 0
        while True:
            sequence = self.rng.randrange(1, 500) * 2 + parity - 1 if parity else self.rng.randrange(1, 500) * 2
            id_number = idnumbers.build(region, born, sequence)
            if id_number not in self.issued:
                self.issued.add(id_number)
                return id_number


@dataclass
class RosterContext:
    rng: random.Random
    ids: IdNumberPool
    today: date
    communities: list[Organization]


def build_demo_members(*, tree: DemoTree, total: int, seed: int, today: date) -> list[Member]:
    """Unsaved members for the whole demo county, in branch order."""
    rng = random.Random(f"partybuild-demo-{seed}-members")
    context = RosterContext(
        rng=rng,
        ids=IdNumberPool(rng),
        today=today,
        communities=[branch for branch in tree.member_branches if branch.field == Field.COMMUNITY],
    )
    counts = member_counts(rng, tree, total)
    new_members = _seed_003_new_members(rng, tree)
    members = []
    for branch in tree.member_branches:
        members += branch_roster(context, branch, counts[branch.pk], new_members.get(branch.pk))
    _seed_003_demonstration_farms(rng, tree, members)
    return members


def create_demo_members(*, actor, tree: DemoTree, total: int, seed: int, today: date) -> int:
    members = build_demo_members(tree=tree, total=total, seed=seed, today=today)
    bulk_create_with_history(members, Member, batch_size=BATCH_SIZE, default_user=actor)
    return len(members)


def _seed_003_new_members(rng: random.Random, tree: DemoTree) -> dict[int, list[str]]:
    """branch pk -> genders of its probationary members, for the seed-003 township's villages."""
    villages = [
        branch
        for branch in tree.member_branches
        if branch.parent_id == tree.seed_township.pk and branch.field == Field.VILLAGE
    ]
    genders = [Gender.FEMALE] * SEED_003_NEW_WOMEN + [Gender.MALE] * (SEED_003_NEW_MEMBERS - SEED_003_NEW_WOMEN)
    plan = {branch.pk: [] for branch in tree.member_branches if branch.parent_id == tree.seed_township.pk}
    for number, gender in enumerate(genders):
        plan[villages[number % len(villages)].pk].append(gender)
    return plan


def _seed_003_demonstration_farms(rng: random.Random, tree: DemoTree, members: list[Member]) -> None:
    farmers = [
        member
        for member in members
        if member.branch.parent_id == tree.seed_township.pk
        and member.occupation == Occupation.FARMER
        and member.category == MemberCategory.FULL
        and not member.post_duty
    ]
    for member in rng.sample(farmers, min(SEED_003_DEMONSTRATION_FARMS, len(farmers))):
        member.post_duty = DEMONSTRATION_FARM_DUTY


def branch_roster(
    context: RosterContext, branch: Organization, count: int, new_members: list[str] | None
) -> list[Member]:
    """``new_members``: the genders of the branch's probationary members when fixed (seed figures)."""
    rng = context.rng
    if new_members is None:
        new_members = [None] * sum(rng.random() < PROBATIONARY_SHARE for _ in range(count))
    new_members = new_members[:count]
    roster = [member(context, branch, MemberCategory.PROBATIONARY, gender) for gender in new_members]
    roster += [member(context, branch, MemberCategory.FULL) for _ in range(count - len(roster))]
    if branch.field == Field.VILLAGE:
        _appoint_village_cadres(rng, roster)
    _register_mobile_members(context, roster)
    _set_posts(rng, branch, roster)
    return roster


def member(context: RosterContext, branch: Organization, category: str, gender: str | None = None) -> Member:
    rng, today = context.rng, context.today
    probationary = category == MemberCategory.PROBATIONARY
    age = _age(rng, PROBATIONARY_AGE_BANDS if probationary else for_field(AGE_BANDS, branch))
    born = _birth_date(rng, today, age)
    gender = gender or (Gender.MALE if rng.random() < MALE_SHARE.get(branch.field, 0.6) else Gender.FEMALE)
    joined_on = _probationary_joined_on(rng, today) if probationary else _joined_on(rng, born, today)
    return Member(
        name=person_name(rng, gender, born.year),
        gender=gender,
        ethnicity=weighted(rng, ETHNICITIES),
        id_number=context.ids.issue(_region(rng, branch), born, gender),
        birth_date=born,
        education=weighted(rng, by_age(for_field(EDUCATION_BY_FIELD, branch), age)),
        category=category,
        branch=branch,
        joined_on=joined_on,
        confirmed_on=None if probationary else anniversary(joined_on),
        occupation=weighted(rng, by_age(for_field(OCCUPATIONS, branch), age)),
        phone=_phone(rng, age),
        address=_address(context, branch),
    )


def _age(rng: random.Random, bands) -> int:
    _weight, youngest, oldest = rng.choices(bands, weights=[band[0] for band in bands])[0]
    return rng.randint(youngest, oldest)


def _birth_date(rng: random.Random, today: date, age: int) -> date:
    """A birth date that makes the person exactly ``age`` today."""
    latest = years_before(today, age)
    return latest - timedelta(days=rng.randint(0, 364))


def _joined_on(rng: random.Random, born: date, today: date) -> date:
    """Joined between 18 and about 45, and at least a year ago so the probation is over."""
    joining_age = round(rng.triangular(18, 45, 25))
    joined = years_before(born, -joining_age) + timedelta(days=rng.randint(0, 364))
    last_possible = years_before(today, 1) - timedelta(days=1)
    if joined > last_possible:
        earliest = years_before(born, -18)
        joined = max(earliest, last_possible - timedelta(days=rng.randint(0, 700)))
    return joined


def _probationary_joined_on(rng: random.Random, today: date) -> date:
    return today - timedelta(days=rng.randint(10, 360))


def person_name(rng: random.Random, gender: str, birth_year: int) -> str:
    generation = "old" if birth_year < 1975 else "new"
    if rng.random() < 0.2:  # names cross generations both ways
        generation = "new" if generation == "old" else "old"
    characters = GIVEN[(gender, generation)]
    given_length = 2 if rng.random() < 0.7 else 1
    return weighted(rng, SURNAMES) + "".join(rng.choice(characters) for _ in range(given_length))


def _region(rng: random.Random, branch: Organization) -> str:
    local_share = 0.96 if branch.field in RURAL_FIELDS or branch.field == Field.COOPERATIVE else 0.7
    return COUNTY_REGION if rng.random() < local_share else rng.choice(OTHER_REGIONS)


def _phone(rng: random.Random, age: int) -> str:
    if age >= 80 and rng.random() < 0.4:  # many of the oldest have no phone of their own
        return ""
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _address(context: RosterContext, branch: Organization) -> str:
    rng = context.rng
    if branch.field in (Field.VILLAGE, Field.COOPERATIVE):
        township, village = branch.parent.short_name, branch.short_name
        if branch.field == Field.COOPERATIVE:
            village = f"{branch.short_name[:2]}村"
        group = rng.randint(1, (branch.natural_villages or 4) + 2)
        return f"{COUNTY_PLACE}{township}{village}{group}组{rng.randint(1, 120)}号"
    community = branch if branch.field == Field.COMMUNITY else rng.choice(context.communities)
    building, unit, room = rng.randint(1, 24), rng.randint(1, 4), rng.randint(1, 6) * 100 + rng.randint(1, 4)
    return f"{COUNTY_PLACE}{community.parent.short_name}{community.short_name}{building}号楼{unit}单元{room}室"


def _appoint_village_cadres(rng: random.Random, roster: list[Member]) -> None:
    working_age = [m for m in roster if m.category == MemberCategory.FULL and 28 <= _age_of(m) <= 62]
    for cadre in rng.sample(working_age, min(rng.randint(*VILLAGE_CADRES), len(working_age))):
        cadre.occupation = Occupation.VILLAGE_CADRE


def _age_of(member: Member) -> int:
    return member.joined_on.year - member.birth_date.year if False else _years_between(member.birth_date)


def _years_between(born: date) -> int:
    return date.today().year - born.year
