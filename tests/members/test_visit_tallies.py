"""The households each post visited in a year, kept by the database as visit logs are written
(members/models/tallies.py): after any write, by any path, they equal a count over the logs themselves."""

import datetime as dt

import pytest

from members.models import Cadre
from members.models import CadrePost
from members.models import VisitedHousehold
from members.models import VisitLog
from members.models import VisitTally
from tests.utils.api import post_import_file
from tests.utils.api import template_csv
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_visits import VisitLogFactory
from tests.utils.factories_visits import counted_from_logs
from tests.utils.factories_visits import kept

pytestmark = pytest.mark.django_db


def households(cadre, year) -> int:
    """The households the holder of ``cadre`` visited in ``year`` from their posts at its branch."""
    cadre.refresh_from_db()
    person = cadre.member_id or -cadre.pk
    tally = VisitTally.objects.filter(organization=cadre.organization, person=person, year=year)
    return tally.values_list("households", flat=True).first() or 0


def test_a_household_visited_twice_in_a_year_counts_once(world):
    cadre = CadreFactory(organization=world.branch_a1)
    VisitLogFactory(cadre=cadre, household_name="张三", visited_on=dt.date(2025, 3, 1))
    VisitLogFactory(cadre=cadre, household_name="张三", visited_on=dt.date(2025, 12, 31))
    VisitLogFactory(cadre=cadre, household_name="李四", visited_on=dt.date(2025, 5, 1))
    assert households(cadre, 2025) == 2
    assert kept() == counted_from_logs()


def test_the_same_household_on_31_december_and_1_january_counts_in_each_year(world):
    cadre = CadreFactory(organization=world.branch_a1)
    VisitLogFactory(cadre=cadre, household_name="张三", visited_on=dt.date(2025, 12, 31))
    VisitLogFactory(cadre=cadre, household_name="张三", visited_on=dt.date(2026, 1, 1))
    assert (households(cadre, 2025), households(cadre, 2026)) == (1, 1)


def test_deleting_one_of_two_visits_keeps_the_household_and_the_last_removes_it(world):
    cadre = CadreFactory(organization=world.branch_a1)
    first = VisitLogFactory(cadre=cadre, household_name="张三", visited_on=dt.date(2025, 3, 1))
    second = VisitLogFactory(cadre=cadre, household_name="张三", visited_on=dt.date(2025, 4, 1))
    first.delete()
    assert households(cadre, 2025) == 1
    second.delete()
    assert not VisitTally.objects.exists() and not VisitedHousehold.objects.exists()


def test_an_edit_moves_the_visit_to_its_new_household_post_and_year(world):
    cadre, other = CadreFactory(organization=world.branch_a1), CadreFactory(organization=world.branch_a1)
    visit = VisitLogFactory(cadre=cadre, household_name="张三", visited_on=dt.date(2025, 3, 1))
    VisitLogFactory(cadre=cadre, household_name="李四", visited_on=dt.date(2025, 3, 1))
    visit.household_key = VisitLog.key_for("一组", "李四")
    visit.save()
    assert households(cadre, 2025) == 1
    visit.cadre, visit.visited_on = other, dt.date(2024, 12, 31)
    visit.save()
    assert (households(cadre, 2025), households(other, 2024)) == (1, 1)
    assert kept() == counted_from_logs()


def test_an_edit_that_keeps_post_year_and_household_changes_nothing(world):
    visit = VisitLogFactory(cadre=CadreFactory(organization=world.branch_a1), visited_on=dt.date(2025, 3, 1))
    before = kept()
    visit.concerns, visit.visited_on = "修路", dt.date(2025, 9, 9)
    visit.save()
    assert kept() == before


def test_bulk_writes_update_and_delete_keep_the_counts(world):
    posts = [CadreFactory(organization=world.branch_a1) for _ in range(3)]
    VisitLog.objects.bulk_create(
        VisitLog(
            cadre=posts[n % 3],
            organization=world.branch_a1,
            household_name=f"户{n % 7}",
            household_key=VisitLog.key_for("", f"户{n % 7}"),
            visited_on=dt.date(2024 + n % 2, 1 + n % 12, 1 + n % 28),
        )
        for n in range(60)
    )
    assert kept() == counted_from_logs()
    VisitLog.objects.filter(cadre=posts[0]).update(cadre=posts[1])
    VisitLog.objects.filter(visited_on__month=3).update(household_key="一组|新户")
    assert kept() == counted_from_logs()
    VisitLog.objects.filter(household_key__endswith="户2").delete()
    assert kept() == counted_from_logs()
    VisitLog.objects.all().delete()
    assert kept() == ({}, {})


def test_an_import_moves_the_counts_with_its_rows(world):
    CadreFactory(organization=world.branch_a1, name="赵委员")
    client = world.client("staff_a")
    rows = [
        {"所在组织编码": world.branch_a1.code, "干部姓名": "赵委员", "户主姓名": name, "走访日期": day}
        for name, day in (("周八", "2024-03-01"), ("周八", "2024-03-02"), ("吴九", "2024-03-01"))
    ]
    body = template_csv(client, "visitlog", rows).encode()
    response = post_import_file(client, "visitlog", "visits.csv", body, "false", content_type="text/csv")
    assert response.status_code == 201, response.content
    assert list(VisitTally.objects.values_list("year", "households")) == [(2024, 2)]
    assert kept() == counted_from_logs()


def member_posts(branch, count=2):
    member = MemberFactory(branch=branch)
    posts = (CadrePost.SECRETARY, CadrePost.VILLAGE_DIRECTOR, CadrePost.BRANCH_COMMITTEE)[:count]
    return member, [CadreFactory(organization=branch, member=member, post=post) for post in posts]


def test_a_household_visited_from_two_posts_of_one_person_counts_once(world):
    _member, (secretary, director) = member_posts(world.branch_a1)
    VisitLogFactory(cadre=secretary, household_name="张三", visited_on=dt.date(2025, 3, 1))
    VisitLogFactory(cadre=director, household_name="张三", visited_on=dt.date(2025, 4, 1))
    VisitLogFactory(cadre=director, household_name="李四", visited_on=dt.date(2025, 4, 1))
    assert households(secretary, 2025) == households(director, 2025) == 2
    assert kept() == counted_from_logs()


def test_naming_the_member_of_a_post_moves_its_visits_to_that_person(world):
    member, (secretary,) = member_posts(world.branch_a1, count=1)
    unnamed = CadreFactory(organization=world.branch_a1)
    VisitLogFactory(cadre=secretary, household_name="张三", visited_on=dt.date(2025, 3, 1))
    VisitLogFactory(cadre=unnamed, household_name="张三", visited_on=dt.date(2025, 4, 1))
    VisitLogFactory(cadre=unnamed, household_name="李四", visited_on=dt.date(2025, 4, 1))
    assert (households(secretary, 2025), households(unnamed, 2025)) == (1, 2)
    unnamed.member = member
    unnamed.save()
    assert households(secretary, 2025) == 2
    assert kept() == counted_from_logs()
    unnamed.member = None
    unnamed.save()
    assert (households(secretary, 2025), households(unnamed, 2025)) == (1, 2)
    assert kept() == counted_from_logs()


def test_a_post_moved_to_another_branch_takes_its_visits_along(world):
    cadre = CadreFactory(organization=world.branch_a1)
    VisitLogFactory(cadre=cadre, household_name="张三", visited_on=dt.date(2025, 3, 1))
    Cadre.objects.filter(pk=cadre.pk).update(organization=world.branch_a2)
    assert not VisitTally.objects.filter(organization=world.branch_a1).exists()
    assert households(cadre, 2025) == 1
    assert kept() == counted_from_logs()


def test_an_edit_of_a_post_that_keeps_its_branch_and_member_changes_nothing(world):
    _member, (secretary, _director) = member_posts(world.branch_a1)
    VisitLogFactory(cadre=secretary, visited_on=dt.date(2025, 3, 1))
    before = kept()
    Cadre.objects.filter(pk=secretary.pk).update(phone="13800000000", ended_on=dt.date(2025, 12, 31))
    assert kept() == before
