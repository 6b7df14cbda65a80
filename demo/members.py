"""Demo members for the demo county (``manage.py seed_demo``): plausible rosters, deterministic per seed.

The shapes follow what the seeds say of rural party members: many old members with junior-high schooling or
less, young ones better educated, men the large majority in villages, migrant workers kept as mobile members
with a contact person, members without a job given a set post (设岗定责).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from branches.models import Organization, OrganizationField
from members import idnumbers, pipeline_rules
from members.models import Education, Gender, Member, MemberCategory, MemberStatus, Occupation

from .organizations import COUNTY_PLACE, DemoTree

DEFAULT_MEMBERS = 8000
BATCH_SIZE = 500
PROBATIONARY_SHARE = 0.04
MOBILE_SHARE = 0.8  # of migrant workers
LOST_CONTACT_SHARE = 0.03  # of mobile members
SET_POST_SHARE = 0.35  # of rural members without a job

Field = OrganizationField
Edu = Education
Job = Occupation

COUNTY_REGION = "130799"  # not an assigned county code, so no demo ID number can be a real person's
OTHER_REGIONS = ("130702", "130703", "130705", "130722", "130723", "130725", "130728", "150102", "110105")

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
# (first characters of two-character given names, characters that also stand alone as a given name)
GIVEN_NAME_CHARACTERS = {
    (Gender.MALE, "old"): (
        "国建志海明永福德文春玉占继振树长宝金",
        "林忠军华平山贵成发生庆和全瑞祥顺胜旺利喜",
    ),
    (Gender.MALE, "new"): ("子一嘉浩宇俊博家志晨天明", "轩宇杰航辰阳鹏磊强涛凯超辉飞帅鑫亮斌睿泽昊宁"),
    (Gender.FEMALE, "old"): ("秀淑玉桂凤春翠素彩爱金", "英兰珍芳华梅荣琴云霞莲萍花香"),
    (Gender.FEMALE, "new"): ("佳欣雨思梦诗子雅晓", "丽静敏燕艳娜婷颖雪晶慧琳悦怡涵萌璐倩蕾薇瑶"),
}
ETHNICITIES = {"汉族": 955, "满族": 20, "蒙古族": 18, "回族": 7}
PHONE_PREFIXES = (
    *(f"13{digit}" for digit in range(10)),
    "150", "151", "152", "155", "156", "157", "158", "159",
    *(f"18{digit}" for digit in range(10)),
)  # fmt: skip
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

# (weight, youngest, oldest) age bands of full members; rural rolls are old (seed 003's "age problem").
AGE_BANDS = {
    Field.VILLAGE: ((12, 22, 34), (18, 35, 49), (32, 50, 64), (28, 65, 79), (10, 80, 90)),
    Field.COMMUNITY: ((15, 25, 39), (30, 40, 59), (40, 60, 79), (15, 80, 90)),
    Field.COOPERATIVE: ((30, 25, 39), (50, 40, 59), (20, 60, 70)),
    Field.INSTITUTION: ((25, 24, 34), (40, 35, 49), (35, 50, 59)),
    Field.SCHOOL: ((35, 24, 34), (40, 35, 49), (25, 50, 59)),
    None: ((40, 23, 34), (45, 35, 49), (15, 50, 58)),
}
# New members are mostly young: the quota wants 70% of them under 35 (seed 001).
PROBATIONARY_AGE_BANDS = ((55, 19, 28), (30, 29, 35), (15, 36, 45))
# A new member applied at 18 or later and spent over a year as an activist before the branch assembly, so
# they were at least this old (plus a few months) when admitted; ``demo.pipeline`` relies on it.
AGE_AT_ADMISSION = 19
MALE_SHARE = {
    Field.VILLAGE: 0.8,
    Field.COOPERATIVE: 0.8,
    Field.COMMUNITY: 0.55,
    Field.SCHOOL: 0.45,
    None: 0.6,
}

RURAL_EDUCATION = (  # (oldest age of the band, {education: weight}), ...
    (34, {Edu.JUNIOR_HIGH: 25, Edu.SENIOR_HIGH: 35, Edu.JUNIOR_COLLEGE: 25, Edu.BACHELOR: 15}),
    (49, {Edu.PRIMARY: 5, Edu.JUNIOR_HIGH: 50, Edu.SENIOR_HIGH: 30, Edu.JUNIOR_COLLEGE: 12, Edu.BACHELOR: 3}),
    (64, {Edu.PRIMARY: 20, Edu.JUNIOR_HIGH: 58, Edu.SENIOR_HIGH: 18, Edu.JUNIOR_COLLEGE: 4}),
    (200, {Edu.PRIMARY: 50, Edu.JUNIOR_HIGH: 42, Edu.SENIOR_HIGH: 8}),
)
EDUCATION = {
    Field.VILLAGE: RURAL_EDUCATION,
    Field.COOPERATIVE: RURAL_EDUCATION,
    Field.COMMUNITY: (
        (34, {Edu.SENIOR_HIGH: 15, Edu.JUNIOR_COLLEGE: 35, Edu.BACHELOR: 45, Edu.POSTGRADUATE: 5}),
        (49, {Edu.JUNIOR_HIGH: 15, Edu.SENIOR_HIGH: 35, Edu.JUNIOR_COLLEGE: 30, Edu.BACHELOR: 20}),
        (64, {Edu.JUNIOR_HIGH: 35, Edu.SENIOR_HIGH: 40, Edu.JUNIOR_COLLEGE: 15, Edu.BACHELOR: 10}),
        (200, {Edu.PRIMARY: 25, Edu.JUNIOR_HIGH: 45, Edu.SENIOR_HIGH: 25, Edu.JUNIOR_COLLEGE: 5}),
    ),
    Field.INSTITUTION: (
        (49, {Edu.JUNIOR_COLLEGE: 20, Edu.BACHELOR: 68, Edu.POSTGRADUATE: 12}),
        (200, {Edu.SENIOR_HIGH: 10, Edu.JUNIOR_COLLEGE: 40, Edu.BACHELOR: 48, Edu.POSTGRADUATE: 2}),
    ),
    Field.SCHOOL: ((200, {Edu.JUNIOR_COLLEGE: 15, Edu.BACHELOR: 75, Edu.POSTGRADUATE: 10}),),
    None: ((200, {Edu.SENIOR_HIGH: 25, Edu.JUNIOR_COLLEGE: 35, Edu.BACHELOR: 35, Edu.POSTGRADUATE: 5}),),
}
OCCUPATIONS = {
    Field.VILLAGE: (
        (59, {Job.FARMER: 55, Job.MIGRANT_WORKER: 30, Job.ENTERPRISE: 5, Job.OTHER: 5, Job.UNEMPLOYED: 5}),
        (200, {Job.FARMER: 85, Job.RETIRED: 8, Job.OTHER: 7}),
    ),
    Field.COMMUNITY: (
        (
            59,
            {
                Job.ENTERPRISE: 45,
                Job.PUBLIC_SECTOR: 10,
                Job.UNEMPLOYED: 15,
                Job.OTHER: 20,
                Job.MIGRANT_WORKER: 10,
            },
        ),
        (200, {Job.RETIRED: 85, Job.OTHER: 10, Job.UNEMPLOYED: 5}),
    ),
    Field.COOPERATIVE: ((200, {Job.FARMER: 70, Job.ENTERPRISE: 30}),),
    Field.INSTITUTION: ((200, {Job.PUBLIC_SECTOR: 1}),),
    Field.SCHOOL: ((200, {Job.PUBLIC_SECTOR: 1}),),
    Field.SOCIAL_ORG: ((200, {Job.OTHER: 50, Job.ENTERPRISE: 50}),),
    None: ((200, {Job.ENTERPRISE: 1}),),
}
VILLAGE_CADRES = (3, 5)  # members of a village branch who sit on the two committees
WITHOUT_JOB = frozenset({Job.FARMER, Job.RETIRED, Job.UNEMPLOYED, Job.OTHER})
RURAL_FIELDS = frozenset({Field.VILLAGE, Field.COMMUNITY, Field.COOPERATIVE})

# Relative branch sizes before scaling to the requested total; a village's follows its population.
SIZES = {
    Field.COMMUNITY: (30, 90),
    Field.INSTITUTION: (8, 35),
    Field.SCHOOL: (8, 30),
    Field.PUBLIC_ENTERPRISE: (10, 40),
    None: (3, 12),
}


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def by_age(bands, age: int) -> dict:
    return next(weights for oldest, weights in bands if age <= oldest)


def for_field(table: dict, branch: Organization):
    return table.get(branch.field, table[None])


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- how many members each branch gets ---------------------------------------------------------------


def minimum_total(tree: DemoTree) -> int:
    """The seed-003 township keeps the seed's figures and every other branch gets at least one member."""
    return sum(tree.fixed_members.values()) + len(tree.member_branches) - len(tree.fixed_members)


def member_counts(rng: random.Random, tree: DemoTree, total: int) -> dict[int, int]:
    """Branch pk -> members: seed figures first, the rest by relative size (largest remainder)."""
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
        """``new_members``: the genders of the branch's probationary members when the seed fixes them."""
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
    """Branch pk -> genders of its probationary members, for every branch of the seed-003 township."""
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
