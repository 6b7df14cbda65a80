"""The organization tree of a tier: counties, their townships and streets, and every branch, with the ids
assigned here and the materialized paths built from them (``parent.path + f"{id}/"``, as
``branches.services.tree.organization_create`` does)."""

import bisect
import random
from decimal import Decimal

from branches.models import OrganizationField as Field
from branches.models import OrganizationKind as Kind
from branches.models.tree import VILLAGE_STATISTICS_FIELDS

from ..organizations import COOPERATIVE_TRADES
from ..organizations import COUNTY_GENERAL_BRANCHES
from ..organizations import COUNTY_OFFICES
from ..organizations import COUNTY_PUBLIC_ENTERPRISES
from ..organizations import COUNTY_SCHOOLS as DEMO_COUNTY_SCHOOLS
from . import pools
from .tiers import Tier

GENERATED_PREFIX = "GEN-"
HOSPITAL, HOSPITAL_SECTIONS = next(iter(COUNTY_GENERAL_BRANCHES.items()))
RURAL = (Field.VILLAGE, Field.COMMUNITY)
# What a township keeps besides its villages, in the order they are added as the township grows.
TOWNSHIP_UNITS = (
    ("机关", Field.INSTITUTION, Kind.BRANCH),
    ("中心小学", Field.SCHOOL, Kind.BRANCH),
    ("卫生院", Field.INSTITUTION, Kind.BRANCH),
    (None, Field.PRIVATE_ENTERPRISE, Kind.BRANCH),
    ("cooperative", Field.COOPERATIVE, Kind.BRANCH),
    ("中学", Field.SCHOOL, Kind.BRANCH),
    (None, Field.PRIVATE_ENTERPRISE, Kind.BRANCH),
    ("农业综合服务中心", Field.INSTITUTION, Kind.BRANCH),
    ("社会组织联合", Field.SOCIAL_ORG, Kind.JOINT_BRANCH),
    (None, Field.PRIVATE_ENTERPRISE, Kind.BRANCH),
)
STREET_UNITS = (
    ("机关", Field.INSTITUTION, Kind.BRANCH),
    ("非公企业联合", Field.PRIVATE_ENTERPRISE, Kind.JOINT_BRANCH),
    ("社会组织联合", Field.SOCIAL_ORG, Kind.JOINT_BRANCH),
    ("社区卫生服务中心", Field.INSTITUTION, Kind.BRANCH),
    ("小学", Field.SCHOOL, Kind.BRANCH),
    (None, Field.PRIVATE_ENTERPRISE, Kind.BRANCH),
    ("市场监管所", Field.INSTITUTION, Kind.BRANCH),
    (None, Field.PRIVATE_ENTERPRISE, Kind.BRANCH),
    ("中学", Field.SCHOOL, Kind.BRANCH),
    (None, Field.PRIVATE_ENTERPRISE, Kind.BRANCH),
)


class Org:
    """One organization being generated, plus what later stages need to know about it."""

    __slots__ = (
        "id", "parent", "kind", "field", "code", "name", "short", "path", "county", "township", "region",
        "region_sum", "founded", "households", "population", "area", "cultivated", "natural_villages",
        "income", "size", "first_member", "members", "on_roll", "admitted", "secretaries", "persons",
        "organ", "diligence", "old_team",
    )  # fmt: skip

    def __init__(self, id, parent, kind, field, code, name, short):  # noqa: A002 - the column's name
        self.id = id
        self.parent = parent
        self.kind = kind
        self.field = field
        self.code = code
        self.name = name
        self.short = short[:30]
        self.path = f"{parent.path if parent else '/'}{id}/"
        self.county = parent.county if parent else self
        self.township = None
        self.households = self.population = self.area = self.cultivated = None
        self.natural_villages = self.income = None
        self.size = 0
        self.first_member = 0
        self.members = 0
        self.on_roll = 0
        self.admitted = []  # join ordinals of the members admitted in the two years, ascending
        self.secretaries = []  # (cadre id, started ordinal, ended ordinal or None, member id)
        self.persons = []  # two-committee persons: (first post id, started, ended, birth ordinal)
        self.organ = None
        self.diligence = 1.0
        self.old_team = False

    def roll_size(self, day: int) -> int:
        """How many members are on the roll on ``day``, one of the two years: the first ones by id, as those
        admitted in the two years come last in the order they joined and the others joined before."""
        return self.members - len(self.admitted) + bisect.bisect_right(self.admitted, day)

    @property
    def is_branch(self) -> bool:
        return self.kind in (Kind.BRANCH, Kind.JOINT_BRANCH, Kind.GENERAL_BRANCH)

    @property
    def is_rural(self) -> bool:
        return self.is_branch and self.field in RURAL

    @property
    def holds_members(self) -> bool:
        return self.kind in (Kind.BRANCH, Kind.JOINT_BRANCH)


class Tree:
    def __init__(self, tier: Tier, first_id: int, rng: random.Random, today_ordinal: int):
        self.tier = tier
        self.rng = rng
        self.rnd = rng.random
        self.next_id = first_id
        self.today = today_ordinal
        self.orgs: list[Org] = []
        self.counties: list[Org] = []
        self.committees: list[Org] = []
        self.branches: list[Org] = []  # every branch kind, in id order

    def add(self, parent, kind, field, code, name, short, founded=(1950, 2000)) -> Org:
        org = Org(self.next_id, parent, kind, field, code, name, short)
        self.next_id += 1
        year = self.rng.randint(*founded)
        org.founded = f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
        self.orgs.append(org)
        if org.is_branch:
            self.branches.append(org)
        return org

    def build(self) -> "Tree":
        tier, rng = self.tier, self.rng
        names = unique_pairs(rng, pools.COUNTY_SYLLABLES, tier.counties)
        for number, place in enumerate(names):
            self.county(number, f"{place}县")
        return self

    def county(self, number: int, place: str) -> None:
        tier, rng = self.tier, self.rng
        code = f"{GENERATED_PREFIX}C{number:03d}"
        county = self.add(None, Kind.COUNTY_COMMITTEE, "", code, f"{place}委", place, (1949, 1949))
        county.county = county
        county.region = f"9{number:02d}000"
        county.region_sum = pools.region_sum(county.region)
        self.counties.append(county)
        self.county_units(county, place)
        units = sum(tier.county_units) + (1 if tier.county_units[3] else 0)
        sizes = spread(rng, tier.branches - units, tier.townships)
        places = unique_pairs(rng, pools.TOWNSHIP_SYLLABLES, tier.townships)
        for number_t, (syllables, size) in enumerate(zip(places, sizes, strict=True), start=1):
            street = number_t > tier.townships - tier.streets
            self.township(county, number_t, syllables, size, street=street)

    def county_units(self, county: Org, place: str) -> None:
        institutions, schools, enterprises, sections = self.tier.county_units
        code = county.code
        number = 0

        def unit(name, short, field, parent=county, kind=Kind.BRANCH):
            nonlocal number
            number += 1
            org = self.add(parent, kind, field, f"{code}-U{number:02d}", name, short, (1956, 2005))
            org.township = None
            return org

        for office in COUNTY_OFFICES[:institutions]:
            short = f"{place}{office[1:]}机关"
            unit(f"{short}党支部", short, Field.INSTITUTION)
        for school in DEMO_COUNTY_SCHOOLS[:schools]:
            unit(f"{place}{school[1:]}党支部", f"{place}{school[1:]}", Field.SCHOOL)
        for enterprise in COUNTY_PUBLIC_ENTERPRISES[:enterprises]:
            name = (
                f"{place}{enterprise[1:]}"
                if enterprise.startswith("县")
                else enterprise.replace("坝北县", place)
            )
            unit(f"{name}党支部", name, Field.PUBLIC_ENTERPRISE)
        if sections:
            hospital = f"{place}{HOSPITAL[1:]}"
            general = unit(f"{hospital}党总支", hospital, Field.INSTITUTION, kind=Kind.GENERAL_BRANCH)
            for section in HOSPITAL_SECTIONS[:sections]:
                unit(f"{hospital}{section}党支部", f"{hospital}{section}", Field.INSTITUTION, parent=general)

    def township(self, county: Org, number: int, syllables: str, size: int, *, street: bool) -> None:
        rng, rnd = self.rng, self.rnd
        if street:
            place, kind, suffix = f"{syllables}街道", Kind.STREET_COMMITTEE, "党工委"
        else:
            place = f"{syllables}{'镇' if rnd() < 0.6 else '乡'}"
            kind, suffix = Kind.TOWNSHIP_COMMITTEE, "党委"
        code = f"{county.code}-T{number:02d}"
        founded = (2001, 2012) if street else (1984, 1984)
        township = self.add(county, kind, "", code, f"{place}{suffix}", place, founded)
        township.township = township
        township.region = f"9{int(county.code[-3:]):02d}{number:02d}0"
        township.region_sum = pools.region_sum(township.region)
        self.committees.append(township)
        villages = min(size - 1, max(1, round(size * self.tier.village_share)))
        catalogue = STREET_UNITS if street else TOWNSHIP_UNITS
        units = [catalogue[n] if n < len(catalogue) else catalogue[-1] for n in range(size - villages)]
        count = 0

        def branch(name, short, field, kind=Kind.BRANCH, founded=(1950, 1985)):
            nonlocal count
            count += 1
            org = self.add(township, kind, field, f"{code}-B{count:03d}", name, short, founded)
            org.township = township
            return org

        used = set()
        village_names = []
        for _ in range(villages):
            if street:
                word = pools.COMMUNITY_WORDS[len(used) % len(pools.COMMUNITY_WORDS)]
                short = f"{word}社区" if word not in used else f"{word}{len(used)}社区"
                used.add(word)
                org = branch(f"{short}党支部", short, Field.COMMUNITY, founded=(2001, 2018))
                org.households = rng.randint(1200, 3800)
                org.population = round(org.households * rng.uniform(2.4, 2.9))
                org.natural_villages = None
                village_names.append(short)
                continue
            short = pools.village_name(rnd) + "村"
            while short in used:
                short = pools.village_name(rnd) + "村"
            used.add(short)
            village_names.append(short)
            org = branch(f"{short}党支部", short, Field.VILLAGE)
            village_figures(rng, org)
        for label, field, kind in units:
            if label is None:
                short = pools.enterprise_name(rnd, county.short)
                org = branch(f"{short}党支部", short, field, kind, (2008, 2021))
            elif label == "cooperative":
                trade = COOPERATIVE_TRADES[int(rnd() * len(COOPERATIVE_TRADES))]
                short = f"{rng.choice(village_names)[:-1]}{trade}专业合作社"
                org = branch(f"{short}党支部", short, field, kind, (2010, 2021))
            else:
                short = f"{place}{label}"
                org = branch(f"{short}党支部", short, field, kind, (1975, 2005))
                if label == "机关":
                    township.organ = org


def village_figures(rng: random.Random, org: Org) -> None:
    population = rng.randint(450, 2600)
    income = rng.randint(0, 300) * 100 if rng.random() < 0.25 else rng.randint(300, 4000) * 100
    org.population = population
    org.households = round(population / rng.uniform(2.4, 3.1))
    org.area = f"{rng.uniform(6, 48):.2f}"
    org.cultivated = str(Decimal(round(population * rng.uniform(2.2, 4.5))))
    org.natural_villages = rng.randint(1, 9)
    org.income = f"{income}.00"


def unique_pairs(rng: random.Random, syllables: str, count: int) -> list[str]:
    """``count`` distinct two-character place names."""
    seen, names = set(), []
    while len(names) < count:
        name = rng.choice(syllables) + rng.choice(syllables)
        if name[0] != name[1] and name not in seen:
            seen.add(name)
            names.append(name)
    return names


def spread(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` of somewhat different sizes (largest remainder)."""
    weights = [rng.uniform(0.8, 1.2) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    sizes = [int(share) for share in shares]
    for n in sorted(range(parts), key=lambda n: sizes[n] - shares[n])[: total - sum(sizes)]:
        sizes[n] += 1
    return sizes


ORGANIZATION_FIELDS = (
    "id", "version", "created_at", "updated_at", "name", "short_name", "code", "kind", "field", "parent",
    "path", "founded_on", "dissolved_on", *VILLAGE_STATISTICS_FIELDS,
)  # fmt: skip


def organization_lines(tree: Tree, now: str):
    def value(v):
        return "\\N" if v is None else str(v)

    for org in tree.orgs:
        parent = org.parent.id if org.parent else "\\N"
        yield (
            f"{org.id}\t1\t{now}\t{now}\t{org.name}\t{org.short}\t{org.code}\t{org.kind}\t{org.field}\t{parent}\t"
            f"{org.path}\t{org.founded}\t\\N\t{value(org.households)}\t{value(org.population)}\t"
            f"{value(org.area)}\t{value(org.cultivated)}\t{value(org.natural_villages)}\t{value(org.income)}\n"
        )
