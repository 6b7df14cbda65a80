"""Date rules of the development pipeline (docs/members-and-pipeline.md), as pure functions.

Shared by the advance service, which refuses a step naming the rule and the first date it is possible, and
by the due list, which shows when each person's next step becomes possible.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings

ADULT_AGE = 18
MENTORS_MIN, MENTORS_MAX = 1, 2
SPONSORS_REQUIRED = 2
TRAINING_MIN_DAYS, TRAINING_MIN_HOURS = 3, 24
APPROVAL_WITHIN_MONTHS = 3
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = 6, 12


def years_after(day: dt.date, years: int) -> dt.date:
    """The day on which ``years`` full years have passed. From 29 February that is 1 March, never earlier."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def adult_from(birth_date: dt.date) -> dt.date:
    return years_after(birth_date, ADULT_AGE)


def candidate_from_activist(activist_on: dt.date) -> dt.date:
    return years_after(activist_on, 1)


def notice_days() -> int:
    return settings.PIPELINE_NOTICE_WORKING_DAYS


def notice_last_day(started_on: dt.date, working_days: int | None = None) -> dt.date:
    """The last day of a public notice running ``working_days`` working days (Monday–Friday) from its start.

    Statutory holidays are not modelled: a branch whose notice spans one extends the start date instead.
    """
    remaining = working_days if working_days is not None else notice_days()
    day = started_on
    while True:
        if day.weekday() < 5:
            remaining -= 1
            if remaining <= 0:
                return day
        day += dt.timedelta(days=1)


def notice_over_from(started_on: dt.date) -> dt.date:
    return notice_last_day(started_on) + dt.timedelta(days=1)


def training_is_sufficient(days: int | None, hours: int | None) -> bool:
    return (days or 0) >= TRAINING_MIN_DAYS or (hours or 0) >= TRAINING_MIN_HOURS


def assembly_passes(votes_yes: int, votes_entitled: int) -> bool:
    """Strictly more than half of the full members entitled to vote."""
    return votes_yes * 2 > votes_entitled


def approval_deadline(assembly_on: dt.date) -> dt.date:
    return assembly_on + relativedelta(months=APPROVAL_WITHIN_MONTHS)


def probation_ends(assembly_on: dt.date, extension_months: int | None) -> dt.date:
    """Probation counts from the branch assembly; full membership is possible from the returned day."""
    end = years_after(assembly_on, 1)
    if extension_months:
        end += relativedelta(months=extension_months)
    return end
