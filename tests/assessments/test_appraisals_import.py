"""The appraisal import judges a whole file together: the branch of each row on its day and the roll are
asked for all rows at once (queries do not grow with rows), by the same rule and message as the API."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import MemberAppraisal
from assessments.resources.appraisals import MemberAppraisalResource
from members.models import MemberStatus
from members.services.roster import member_change_status
from members.services.roster import member_transfer
from tests.utils.factories import MemberFactory
from tests.utils.factories_assessments import YEAR
from tests.utils.import_files import assert_refused_alike
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import import_file

pytestmark = pytest.mark.django_db

HEADER = ["身份证号", "评议年度", "评定等次", "评议日期", "备注"]
DAY = dt.date(YEAR, 12, 20)


def run(world, rows, who="staff_a"):
    return import_file(
        MemberAppraisalResource, world.users[who], csv_bytes([HEADER, *rows]), "appraisals.csv"
    )


def row(member, day=DAY, grade="合格"):
    return [member.id_number, str(YEAR), grade, day.isoformat(), ""]


def test_the_import_queries_do_not_grow_with_rows(world):
    staff = world.users["staff_a"]
    members = MemberFactory.create_batch(60, branch=world.branch_a1)
    for member in members[::3]:  # a third of them appraised in the branch they have since left
        member_transfer(actor=staff, member=member, to_branch=world.branch_a2, on=DAY + dt.timedelta(1))

    def queries(chosen):
        with CaptureQueriesContext(connection) as captured:
            report = run(world, [row(m) for m in chosen])
        assert report.committed, report.as_dict()
        assert set(MemberAppraisal.objects.values_list("branch_id", flat=True)) == {world.branch_a1.pk}
        MemberAppraisal.objects.all().delete()
        return len(captured)

    queries(members[:2])  # warms the importer's cached scope
    assert queries(members[:5]) == queries(members[5:55])


def test_each_row_belongs_to_the_branch_of_its_day(world):
    member = MemberFactory(branch=world.branch_a1)
    member_transfer(actor=world.users["staff_a"], member=member, to_branch=world.branch_a2, on=DAY)
    report = run(world, [row(member, DAY - dt.timedelta(1))])
    assert report.committed, report.as_dict()
    assert MemberAppraisal.objects.get().branch == world.branch_a1


@pytest.mark.parametrize(("day", "ok"), [(DAY - dt.timedelta(1), True), (DAY, False)])
def test_a_row_off_the_roll_on_its_day_is_refused_as_the_api_refuses_it(world, day, ok):
    member = MemberFactory(branch=world.branch_a1, name="故去党员")
    member_change_status(
        actor=world.users["staff_a"], member=member, status=MemberStatus.DECEASED, on=DAY, reason="病故"
    )
    payload = {"member": member.pk, "year": YEAR, "grade": "qualified", "appraised_on": day.isoformat()}
    answer = world.client("staff_a").post(reverse("memberappraisal-list"), payload, format="json")
    MemberAppraisal.objects.all().delete()
    report = run(world, [row(member, day)])
    mentions = ("故去党员", day.isoformat())
    assert_refused_alike(report, answer, ok, field="member", column="身份证号", mentions=mentions)
    if not ok:
        assert not MemberAppraisal.objects.exists()
