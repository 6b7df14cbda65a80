"""The demo county: a deterministic organization tree (``manage.py seed_demo``); its logins are in
``demo.logins``.

Organization and people names are demo *data* and stay Chinese; only the command's own output is UI text.
One township (坝头乡, the ``SEED_003_*`` names) keeps, figure by figure, the numbers of the documented
township case the demo was modelled on, so that one place in the county is known to be realistic; the rest
of the county is drawn from a seeded ``random.Random`` so two runs with the same seed build the same tree.
"""

import random
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from branches.models import Organization
from branches.models import OrganizationField
from branches.models import OrganizationKind
from branches.services import organization_create

DEFAULT_SEED = 2026
COUNTY_CODE = "C01"
COUNTY_PLACE = "坝北县"

Kind = OrganizationKind
Field = OrganizationField


@dataclass(frozen=True)
class Village:
    name: str
    members: int
    population: int
    households: int
    area_km2: str
    cultivated_mu: int
    natural_villages: int
    collective_income: int

    def figures(self) -> dict:
        return {
            "households": self.households,
            "population": self.population,
            "area_km2": Decimal(self.area_km2),
            "cultivated_mu": Decimal(self.cultivated_mu),
            "natural_villages": self.natural_villages,
            "collective_income": Decimal(self.collective_income),
        }


# The reference township: 4 administrative villages, 4,653 people, 260 km², 14,700 mu; 173 members in 7
# branches — 4 rural (144), the township organ (12), the middle school (3) and one new enterprise, whose own
# figure is not known (it gets the rest: 173 - 144 - 12 - 3 = 14). The split across villages is ours; the
# totals are the reference's.
SEED_003_TOWNSHIP = "坝头乡"
SEED_003_VILLAGES = (
    Village("新房村", 41, 1312, 505, "72.50", 4200, 7, 86000),
    Village("干沟窑村", 35, 1105, 425, "61.30", 3500, 6, 52000),
    Village("大营盘村", 38, 1268, 488, "70.80", 3900, 8, 31000),
    Village("榆树湾村", 30, 968, 372, "55.40", 3100, 5, 18500),
)
SEED_003_INSTITUTION_MEMBERS = 12
SEED_003_SCHOOL_MEMBERS = 3
SEED_003_ENTERPRISE = "汇鑫萤石选矿有限公司"
SEED_003_ENTERPRISE_MEMBERS = 14

STREETS = ("东城街道", "西城街道", "南关街道")
TOWNS = ("东坝镇", "榆树沟镇", "大滩镇", "白塔镇", "双井镇")
XIANGS = ("石门乡", "马营乡", "二道沟乡")
TOWNS_WITH_GENERAL_BRANCH = frozenset({"东坝镇", "大滩镇"})
TOWN_ORGAN_SECTIONS = ("第一", "第二", "卫生院")
VILLAGES = {True: (14, 18), False: (10, 13)}  # villages per town (镇) / per township (乡)
COMMUNITIES = (9, 11)  # per street

VILLAGE_PREFIXES = (
    "东", "西", "南", "北", "大", "小", "前", "后", "上", "下", "头道", "二道", "三道",
    "王家", "李家", "张家", "刘家", "马家", "赵家", "郭家", "白家", "高家", "石", "红", "黄",
)  # fmt: skip
VILLAGE_ROOTS = (
    "营", "沟", "庄", "堡", "滩", "梁", "湾", "窑", "井", "台", "洼", "坝", "屯", "房", "店",
    "铺", "河", "坡", "岭", "泉", "淖", "地", "圪梁", "营子",
)  # fmt: skip
COMMUNITY_NAMES = (
    "阳光", "和平", "幸福", "建设", "文化", "新华", "胜利", "团结", "育才", "龙泉", "东关", "西关",
    "南苑", "北苑", "锦绣", "康乐", "民主", "振兴", "长青", "金山", "滨河", "花园", "光明", "迎宾",
    "人民", "丰泽", "安居", "裕民", "翠园", "惠民", "朝阳", "紫金", "怡和", "祥和", "泰和",
)  # fmt: skip
COUNTY_OFFICES = (
    "县委办公室", "县委组织部", "县委宣传部", "县政府办公室", "县发展和改革局", "县财政局", "县教育局",
    "县民政局", "县人力资源和社会保障局", "县自然资源和规划局", "县住房和城乡建设局", "县农业农村局",
    "县水务局", "县林业和草原局", "县卫生健康局", "县市场监督管理局", "县交通运输局", "县统计局",
)  # fmt: skip
COUNTY_GENERAL_BRANCHES = {
    "县人民医院": ("内科", "外科", "医技", "行政后勤"),
    "县公安局": ("机关", "治安大队", "刑侦大队", "交警大队"),
}
COUNTY_SCHOOLS = ("县第一中学", "县第二中学", "县职业技术教育中心", "县实验小学")
COUNTY_PUBLIC_ENTERPRISES = ("国网坝北县供电公司", "县自来水公司", "县农村信用合作联社")
ENTERPRISE_BRANDS = ("绿源", "塞北", "坝上", "金穗", "鑫源", "宏达", "瑞丰", "草原", "天诚", "永盛", "北辰")
ENTERPRISE_TRADES = (
    "马铃薯制品", "乳业", "农牧发展", "风力发电", "建材", "食品", "牧业", "物流", "光伏科技", "燕麦食品",
)  # fmt: skip
COOPERATIVE_TRADES = ("养羊", "马铃薯种植", "错季蔬菜", "燕麦种植", "奶牛养殖")


@dataclass
class DemoTree:
    county: Organization
    seed_township: Organization | None
    member_branches: list[Organization] = field(default_factory=list)
    fixed_members: dict[int, int] = field(default_factory=dict)  # branch pk -> members (reference figures)

    @property
    def organizations(self) -> int:
        return Organization.objects.within(self.county).count()


def demo_county() -> Organization | None:
    return Organization.objects.filter(code=COUNTY_CODE).first()


class _TreeBuilder:
    """Creates the tree through ``organization_create`` so paths, validation and history are the service's."""

    def __init__(self, *, actor, rng: random.Random):
        self.actor = actor
        self.rng = rng
        self.used_names: set[str] = {village.name for village in SEED_003_VILLAGES}
        self.numbers: dict[tuple[str, str], int] = {}
        self.tree: DemoTree | None = None

    def create(self, parent, name, short_name, kind, field="", founded=None, *, code=None, **figures):
        return organization_create(
            actor=self.actor,
            parent=parent,
            code=code or self.next_code(parent, "G" if kind == Kind.GENERAL_BRANCH else "B"),
            name=name,
            short_name=short_name[:30],
            kind=kind,
            field=field,
            founded_on=founded,
            **figures,
        )

    def next_code(self, parent, letter: str) -> str:
        """C01-T01-B001 for a township's branches, C01-G01 for a county general branch, and so on."""
        key = (parent.code, letter)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        return f"{parent.code}-{letter}{self.numbers[key]:03d}"

    def founded(self, first_year: int, last_year: int) -> date:
        return date(self.rng.randint(first_year, last_year), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def branch(self, parent, unit, field, years, kind=Kind.BRANCH, **figures) -> Organization:
        """A branch that holds members; ``unit`` ("新房村") is also its short name."""
        branch = self.create(parent, f"{unit}党支部", unit, kind, field, self.founded(*years), **figures)
        self.tree.member_branches.append(branch)
        return branch

    def general_branch(self, parent, unit, field, years, sections) -> None:
        general = self.create(parent, f"{unit}党总支", unit, Kind.GENERAL_BRANCH, field, self.founded(*years))
        for section in sections:
            self.branch(general, f"{unit}{section}", field, (years[1], years[1] + 10))

    def build(self) -> DemoTree:
        county = self.create(
            None,
            f"{COUNTY_PLACE}委",
            COUNTY_PLACE,
            Kind.COUNTY_COMMITTEE,
            "",
            date(1949, 5, 1),
            code=COUNTY_CODE,
        )
        self.tree = DemoTree(county=county, seed_township=None)
        places = [(name, Kind.STREET_COMMITTEE) for name in STREETS]
        places += [(name, Kind.TOWNSHIP_COMMITTEE) for name in (*TOWNS, SEED_003_TOWNSHIP, *XIANGS)]
        for number, (place, kind) in enumerate(places, start=1):
            self.township(county, f"{COUNTY_CODE}-T{number:02d}", place, kind)
        self.county_units(county)
        return self.tree

    def township(self, county, code, place, kind) -> None:
        if kind == Kind.STREET_COMMITTEE:
            street = self.create(
                county, f"{place}党工委", place, kind, "", self.founded(2001, 2012), code=code
            )
            self.street_branches(street, place)
            return
        # Townships were re-established when the people's communes were dissolved, in 1984.
        township = self.create(county, f"{place}党委", place, kind, "", self.founded(1984, 1984), code=code)
        if place == SEED_003_TOWNSHIP:
            self.tree.seed_township = township
            self.seed_003_branches(township, place)
        else:
            self.rural_branches(township, place)

    def seed_003_branches(self, township, place) -> None:
        fixed = self.tree.fixed_members
        for village in SEED_003_VILLAGES:
            branch = self.branch(township, village.name, Field.VILLAGE, (1952, 1978), **village.figures())
            fixed[branch.pk] = village.members
        organ = self.branch(township, f"{place}机关", Field.INSTITUTION, (1984, 1990))
        fixed[organ.pk] = SEED_003_INSTITUTION_MEMBERS
        school = self.branch(township, f"{place}中学", Field.SCHOOL, (1985, 1998))
        fixed[school.pk] = SEED_003_SCHOOL_MEMBERS
        enterprise = self.branch(township, SEED_003_ENTERPRISE, Field.PRIVATE_ENTERPRISE, (2012, 2017))
        fixed[enterprise.pk] = SEED_003_ENTERPRISE_MEMBERS

    def rural_branches(self, township, place) -> None:
        is_town = place in TOWNS
        villages = [self.unique(self.village_name) for _ in range(self.rng.randint(*VILLAGES[is_town]))]
        for village in villages:
            self.branch(township, village, Field.VILLAGE, (1950, 1985), **self.village_figures())
        if place in TOWNS_WITH_GENERAL_BRANCH:
            self.general_branch(
                township, f"{place}机关", Field.INSTITUTION, (1990, 2000), TOWN_ORGAN_SECTIONS
            )
        else:
            self.branch(township, f"{place}机关", Field.INSTITUTION, (1984, 1992))
        self.branch(township, f"{place}{'中学' if is_town else '中心小学'}", Field.SCHOOL, (1975, 2000))
        for _ in range(self.rng.randint(0, 2)):
            self.branch(township, self.unique(self.enterprise_name), Field.PRIVATE_ENTERPRISE, (2008, 2021))
        if self.rng.random() < 0.6:
            cooperative = f"{self.rng.choice(villages)[:-1]}{self.rng.choice(COOPERATIVE_TRADES)}专业合作社"
            self.branch(township, cooperative, Field.COOPERATIVE, (2010, 2021))

    def street_branches(self, street, place) -> None:
        for _ in range(self.rng.randint(*COMMUNITIES)):
            self.branch(street, self.unique(self.community_name), Field.COMMUNITY, (2001, 2018))
        self.branch(street, f"{place}机关", Field.INSTITUTION, (2001, 2012))
        joint = Kind.JOINT_BRANCH
        self.branch(street, f"{place}非公企业联合", Field.PRIVATE_ENTERPRISE, (2012, 2020), kind=joint)
        if self.rng.random() < 0.5:
            self.branch(street, f"{place}社会组织联合", Field.SOCIAL_ORG, (2015, 2021), kind=joint)

    def county_units(self, county) -> None:
        for office in COUNTY_OFFICES:
            self.branch(county, f"{office}机关", Field.INSTITUTION, (1978, 2010))
        for school in COUNTY_SCHOOLS:
            self.branch(county, school, Field.SCHOOL, (1956, 1995))
        for enterprise in COUNTY_PUBLIC_ENTERPRISES:
            self.branch(county, enterprise, Field.PUBLIC_ENTERPRISE, (1985, 2005))
        for _ in range(3):
            self.branch(county, self.unique(self.enterprise_name), Field.PRIVATE_ENTERPRISE, (2005, 2020))
        for unit, sections in COUNTY_GENERAL_BRANCHES.items():
            self.general_branch(county, unit, Field.INSTITUTION, (1980, 1995), sections)

    def unique(self, make_name) -> str:
        while (name := make_name()) in self.used_names:
            pass
        self.used_names.add(name)
        return name

    def village_name(self) -> str:
        return f"{self.rng.choice(VILLAGE_PREFIXES)}{self.rng.choice(VILLAGE_ROOTS)}村"

    def community_name(self) -> str:
        return f"{self.rng.choice(COMMUNITY_NAMES)}社区"

    def enterprise_name(self) -> str:
        return (
            f"{COUNTY_PLACE}{self.rng.choice(ENTERPRISE_BRANDS)}{self.rng.choice(ENTERPRISE_TRADES)}有限公司"
        )

    def village_figures(self) -> dict:
        rng = self.rng
        population = rng.randint(450, 2600)
        # A quarter of villages are "hollow", with next to no collective income (the weak-village problem).
        income = rng.randint(0, 300) * 100 if rng.random() < 0.25 else rng.randint(300, 4000) * 100
        return {
            "population": population,
            "households": round(population / rng.uniform(2.4, 3.1)),
            "area_km2": Decimal(f"{rng.uniform(6, 48):.2f}"),
            "cultivated_mu": Decimal(round(population * rng.uniform(2.2, 4.5))),
            "natural_villages": rng.randint(1, 9),
            "collective_income": Decimal(income),
        }


def build_demo_tree(*, actor, seed: int) -> DemoTree:
    return _TreeBuilder(actor=actor, rng=random.Random(f"partybuild-demo-{seed}-tree")).build()
