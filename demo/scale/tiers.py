"""The scale tiers (tiny for the tests, one county, a province of a hundred counties) and the knobs that give
each its volumes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    name: str
    counties: int
    townships: int  # per county
    streets: int  # of those, street committees (communities instead of villages)
    branches: int  # per county: party branches of every kind, general branches included
    county_units: tuple[
        int, int, int, int
    ]  # county institutions, schools, public enterprises, hospital sections
    village_share: float  # of a township's branches, villages (communities in a street); the rest are units
    members: int  # in all
    visits: int | None  # in all; None: every two-committee person at the base pace
    trainings: int  # in all, over the two years
    meetings: int  # in all, over the two years


TIERS = {
    "tiny": Tier(
        name="tiny",
        counties=1,
        townships=3,
        streets=1,
        branches=15,
        county_units=(1, 0, 0, 1),
        village_share=0.75,
        members=500,
        visits=None,
        trainings=300,
        meetings=600,
    ),
    "county": Tier(
        name="county",
        counties=1,
        townships=15,
        streets=2,
        branches=300,
        county_units=(11, 3, 2, 3),
        village_share=0.62,
        members=15_000,
        visits=150_000,
        trainings=6_000,
        meetings=12_000,
    ),
    "province": Tier(
        name="province",
        counties=100,
        townships=20,
        streets=2,
        branches=500,
        county_units=(11, 3, 2, 3),
        village_share=0.625,
        members=1_000_000,
        visits=10_000_000,
        trainings=1_000_000,
        meetings=2_000_000,
    ),
}
