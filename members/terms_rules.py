"""The numbers of committee terms and elections (docs/terms.md), in one place for the models, the services
and the quota engine's alerts."""

import datetime as dt

from dateutil.relativedelta import relativedelta

from branches.models import COMMITTEE_KINDS
from branches.models import Organization

from .pipeline_rules import years_after

DEFAULT_TERM_YEARS = 3
LONG_TERM_YEARS = 5  # village and community branches, base committees (township and street)
EXTENSION_MAX_MONTHS = 12
REMIND_MONTHS = (6, 3)
# A vote counts when at least 4/5 of the entitled voters are present; a candidate is elected with yes votes
# from more than half of those present.
QUORUM = (4, 5)
# The organization rules: full members of a branch, and the committee a branch of 7 or more elects.
MIN_FULL_MEMBERS, MAX_FULL_MEMBERS = 3, 50
COMMITTEE_FROM_MEMBERS = 7
COMMITTEE_MIN, COMMITTEE_MAX = 3, 5


def term_years_for(organization: Organization) -> int:
    """5 years for a village or community branch and a township or street committee, otherwise 3."""
    if organization.is_rural or organization.kind in COMMITTEE_KINDS:
        return LONG_TERM_YEARS
    return DEFAULT_TERM_YEARS


def regular_end(starts_on: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` starting on ``starts_on``: the day before its anniversary."""
    return years_after(starts_on, years) - dt.timedelta(days=1)


def latest_extension(regular_ends_on: dt.date) -> dt.date:
    return regular_ends_on + relativedelta(months=EXTENSION_MAX_MONTHS)


def quorum_met(entitled: int, present: int) -> bool:
    return present * QUORUM[1] >= entitled * QUORUM[0]


def elected_by(present: int, yes_votes: int) -> bool:
    return yes_votes * 2 > present


class Stage:
    """Where a term stands on a day (docs/terms.md); the quota run's term alerts use the same bounds."""

    CLOSED = "closed"  # a later term has started
    RUNNING = "running"
    ENDS_6M = "ends_6m"
    ENDS_3M = "ends_3m"
    OVERDUE = "overdue"


def term_stage(ends_on: dt.date, day: dt.date, *, current: bool = True) -> str:
    if not current:
        return Stage.CLOSED
    if ends_on < day:
        return Stage.OVERDUE
    if ends_on <= day + relativedelta(months=REMIND_MONTHS[1]):
        return Stage.ENDS_3M
    if ends_on <= day + relativedelta(months=REMIND_MONTHS[0]):
        return Stage.ENDS_6M
    return Stage.RUNNING
