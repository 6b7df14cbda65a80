import datetime as dt

import pytest

from members import pipeline_rules as rules


@pytest.mark.parametrize(
    ("birth", "adult"),
    [(dt.date(2000, 5, 10), dt.date(2018, 5, 10)), (dt.date(2004, 2, 29), dt.date(2022, 3, 1))],
)
def test_adult_from_is_the_eighteenth_birthday(birth, adult):
    assert rules.adult_from(birth) == adult


@pytest.mark.parametrize(
    ("started", "last_day"),
    [
        (dt.date(2025, 3, 3), dt.date(2025, 3, 7)),  # Monday: Monday–Friday
        (dt.date(2025, 3, 6), dt.date(2025, 3, 12)),  # Thursday: runs over the weekend
        (dt.date(2025, 3, 8), dt.date(2025, 3, 14)),  # Saturday: counting starts on Monday
    ],
)
def test_notice_runs_five_working_days(started, last_day):
    assert rules.notice_last_day(started, 5) == last_day


def test_more_than_half_means_strictly_more():
    assert not rules.assembly_passes(5, 10)
    assert rules.assembly_passes(6, 10)
    assert rules.assembly_passes(5, 9)
    assert not rules.assembly_passes(4, 9)


def test_approval_deadline_is_three_calendar_months():
    assert rules.approval_deadline(dt.date(2025, 1, 31)) == dt.date(2025, 4, 30)
    assert rules.approval_deadline(dt.date(2025, 3, 15)) == dt.date(2025, 6, 15)


def test_probation_ends_a_year_after_the_assembly_plus_any_extension():
    assert rules.probation_ends(dt.date(2024, 6, 1), None) == dt.date(2025, 6, 1)
    assert rules.probation_ends(dt.date(2024, 6, 1), 6) == dt.date(2025, 12, 1)


def test_training_counts_days_or_hours():
    assert not rules.training_is_sufficient(2, 23)
    assert rules.training_is_sufficient(3, None)
    assert rules.training_is_sufficient(None, 24)
