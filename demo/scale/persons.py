"""What the people stages of a tier share: the member tuple later stages read, ages in years, the per-field
draws of age, education and occupation (from the demo county's tables), and ``PeopleState``, the generation
state the members (``demo.scale.people``) and the posts (``demo.scale.posts``) work on.
"""

import random
from datetime import date

from members.models import Education
from members.models import Gender

from ..cadre_posts import election_years
from ..population import AGE_BANDS
from ..population import EDUCATION
from ..population import OCCUPATIONS
from . import pools
from .tree import Tree

YEAR = 365.2425
MALE, FEMALE = Gender.MALE, Gender.FEMALE
COLLEGE = frozenset({Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.POSTGRADUATE})

# A member, as later stages need them: (id, name, gender, birth ordinal, education, phone, full, available,
# joined ordinal). Rosters are kept per branch and nobody is transferred, so a member is on the roll of a
# branch (or one above it) on every day from ``JOINED`` on (docs/records.md, "On the roll on a day").
ID, NAME, GENDER, BIRTH, EDU, PHONE, FULL, AVAILABLE, JOINED = range(9)


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


class PeopleState:
    """The tree, the random stream, the ids and days, and the lines buffered for the loader after the members
    (admission records, posts, reserve rosters) with what later stages need (instructors, contact leaders)."""

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

    def age(self, member: tuple) -> int:
        return int((self.T - member[BIRTH]) / YEAR)
