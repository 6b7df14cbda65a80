"""The contact-point import judges a whole chunk together: the committee above each village and the roll of
each leader on each day are asked for all rows at once (queries do not grow with rows), by the same rule
and message as the API."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import ContactPoint
from members.resources.cadre_records import ContactPointResource
from tests.utils.factories_activities import township_leader
from tests.utils.import_files import assert_refused_alike
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import import_file

pytestmark = pytest.mark.django_db

HEADER = ["联系村党组织编码", "联系领导身份证号", "年度", "讲党课日期", "督导检查日期", "开展活动日期"]
HEADER.append("驻村天数")
JOINED = dt.date(2024, 5, 1)


def run(world, rows, who="county_admin"):
    return import_file(ContactPointResource, world.users[who], csv_bytes([HEADER, *rows]), "points.csv")


def row(village, leader, year=2024, lecture="", check="", activity=""):
    return [village.code, leader.id_number, str(year), lecture, check, activity, "90"]


def test_the_import_queries_do_not_grow_with_rows(world):
    villages = [world.branch_a1, world.branch_a2, world.branch_b1]
    leaders = [(village, township_leader(village)) for village in villages for _ in range(20)]

    def queries(chosen, year):
        rows = [
            row(village, leader, year, f"{year}-03-{n % 28 + 1:02d}", f"{year}-06-{n % 30 + 1:02d}")
            for n, (village, leader) in enumerate(chosen)
        ]
        with CaptureQueriesContext(connection) as captured:
            report = run(world, rows)
        assert report.committed, report.as_dict()
        return len(captured)

    queries(leaders[:3], 2021)  # warms the importer's cached scope
    assert queries(leaders[::12], 2022) == queries(leaders[:50], 2023)
    assert ContactPoint.objects.filter(year=2023).count() == 50


@pytest.mark.parametrize(("lecture", "ok"), [(JOINED - dt.timedelta(1), False), (JOINED, True)])
def test_a_leader_off_the_roll_on_a_day_is_refused_as_the_api_refuses_it(world, lecture, ok):
    leader = township_leader(world.branch_a1, name="新任领导", joined_on=JOINED, confirmed_on=None)
    payload = {
        "leader": leader.pk,
        "organization": world.branch_a1.pk,
        "year": 2024,
        "lecture_on": lecture.isoformat(),
    }
    answer = world.client("county_admin").post(reverse("contactpoint-list"), payload, format="json")
    ContactPoint.objects.all().delete()
    report = run(world, [row(world.branch_a1, leader, lecture=lecture.isoformat())])
    mentions = ("新任领导", lecture.isoformat())
    assert_refused_alike(report, answer, ok, field="leader", column="联系领导身份证号", mentions=mentions)
    if not ok:
        assert not ContactPoint.objects.exists()
