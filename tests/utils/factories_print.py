"""The scope world made worth printing and scanning: township A's dashboard carries a column for every branch
quota indicator over a dozen villages, the county has a published joint evaluation, branch A1 has a
pipeline and visits. For the print and accessibility browser tests."""

import datetime as dt

from assessments.indicators import INDICATORS
from assessments.models import AlertKind
from members.models import ApplicantStage
from members.models import MeetingKind

from .factories_activities import MeetingFactory
from .factories_dashboard import YEAR
from .factories_dashboard import populate_township
from .factories_dashboard import publish
from .factories_dashboard import village
from .factories_pipeline import ApplicantFactory
from .factories_reports import world_report
from .fixtures import World
from .fixtures import build_world

REPORT_YEAR = 2025
# Every indicator a branch is measured on: the dashboard's widest quota table.
BRANCH_CODES = [indicator.code for indicator in INDICATORS if indicator.dimension is not None]


def _row(branch, code, index):
    target = 4 + index % 9
    actual = (target * ((index * 7) % 5)) // 4
    return branch, code, target, actual, actual >= target


def printable_world() -> World:
    world = build_world()
    extra = [village(world.township_a, f"东{n}村党支部") for n in range(3, 13)]
    branches = [world.branch_a1, world.branch_a2, *extra]
    populate_township(world.township_a, branches)
    rows = [
        _row(branch, code, i + j) for i, branch in enumerate(branches) for j, code in enumerate(BRANCH_CODES)
    ]
    alerts = [(branch, AlertKind.MEETINGS_OVERDUE) for branch in branches[:4]]
    publish(world.township_a, rows, year=YEAR, alerts=alerts)
    MeetingFactory(
        organization=world.branch_a1, kind=MeetingKind.GROUP, held_on=dt.date(YEAR, 3, 5), topic="党小组会"
    )
    ApplicantFactory(branch=world.branch_a1, name="李入党", stage=ApplicantStage.APPLICANT)
    world_report(world, year=REPORT_YEAR)
    return world
