"""The dues payments import (docs/dues.md, "Importing payments"): rows go through the payment rules of the
phone and the API (``dues_payment_check``), with their messages per row in Chinese; the facts the rules read
are asked for a whole chunk, so the queries do not grow with the rows; all rows or none."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from branches.tabular.widgets import CellError
from branches.tabular.widgets import MonthWidget
from members.models import DuesPayment
from members.resources import DuesPaymentResource
from members.services.dues import MESSAGES
from tests.utils.factories import MemberFactory
from tests.utils.factories_dues import declare
from tests.utils.factories_dues import pay
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import import_file
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["身份证号", "所属月份", "交纳金额(元)", "交纳日期", "交纳方式"]
YEAR = 2026
MARCH = dt.date(YEAR, 3, 1)


def run(world, rows, *, who="secretary_a1", dry_run=False, xlsx=False):
    data = xlsx_bytes([HEADER, *rows]) if xlsx else csv_bytes([HEADER, *rows])
    return import_file(
        DuesPaymentResource, world.users[who], data, "dues.xlsx" if xlsx else "dues.csv", dry_run=dry_run
    )


def members_with_bases(world, count, income="4000"):
    people = MemberFactory.create_batch(count, branch=world.branch_a1)
    for person in people:
        declare(world.users["secretary_a1"], person, year=YEAR, income=income)
    return people


def row(member, month="2026-03", amount="40.00", paid_on="2026-03-10", method="现金"):
    return [member.id_number, month, amount, paid_on, method]


def messages(report) -> list[str]:
    return [error["message"] for errors in report.rows_with_errors for error in errors.errors]


def test_rows_are_recorded_in_the_months_branch_with_their_recorder(world):
    people = members_with_bases(world, 2)
    report = run(world, [row(people[0]), row(people[1], month="2026年4月", method="微信")], xlsx=True)
    assert report.committed and report.created == 2, report.as_dict()
    payments = DuesPayment.objects.order_by("month")
    assert [(p.month, p.organization, p.recorded_by) for p in payments] == [
        (MARCH, world.branch_a1, world.users["secretary_a1"]),
        (dt.date(YEAR, 4, 1), world.branch_a1, world.users["secretary_a1"]),
    ]
    assert payments[1].method == "mobile"


def test_the_preview_shows_the_rows_and_writes_nothing(world):
    people = members_with_bases(world, 2)
    report = run(world, [row(p) for p in people], dry_run=True)
    assert report.ok and not report.committed and not DuesPayment.objects.exists()
    assert [line["所属月份"] for line in report.preview] == ["2026-03", "2026-03"]
    assert {line["所在支部"] for line in report.preview} == {world.branch_a1.name}


def test_a_wrong_amount_is_refused_with_the_phones_message_and_nothing_is_written(world):
    people = members_with_bases(world, 2)
    with translation.override("zh-hans"):
        report = run(world, [row(people[0]), row(people[1], amount="4")])
        expected = MESSAGES["wrong_amount"] % {
            "name": people[1].name,
            "month": "2026-03",
            "due": "40.00",
            "amount": "4.00",
        }
        assert messages(report) == [str(expected)]
    assert [e.row for e in report.rows_with_errors] == [3]
    assert not DuesPayment.objects.exists()


def test_a_month_already_paid_and_a_row_twice_in_the_file_are_refused(world):
    people = members_with_bases(world, 2)
    pay(world.users["secretary_a1"], people[0], MARCH, "40.00")
    with translation.override("en"):
        report = run(world, [row(people[0]), row(people[1]), row(people[1], paid_on="2026-03-11")])
        found = messages(report)
    assert "already recorded as paid on 2026-03-01" in found[0]
    assert found[1] == "The same as row 3 of this file."
    assert DuesPayment.objects.count() == 1


def test_a_member_without_a_base_or_off_the_roll_is_named(world):
    (person,) = members_with_bases(world, 1)
    newcomer = MemberFactory(branch=world.branch_a1, joined_on=dt.date(YEAR, 3, 15))
    with translation.override("en"):
        report = run(world, [row(person, month="2025-12", paid_on="2025-12-01"), row(newcomer)])
        found = messages(report)
    assert found[0].startswith(f"{person.name} has no dues base declared for 2025")
    assert found[1].startswith(f"{newcomer.name} was not on the roll")


def test_a_member_outside_the_importers_branches_is_unknown(world):
    stranger = MemberFactory(branch=world.branch_b1)
    report = run(world, [row(stranger)])
    assert report.rows_with_errors[0].errors[0]["code"] == "unknown_or_not_yours"


def test_the_import_queries_do_not_grow_with_rows(world):
    people = members_with_bases(world, 55)

    def queries(chosen, month):
        rows = [row(p, month=month, paid_on=f"{month}-05") for p in chosen]
        with CaptureQueriesContext(connection) as captured:
            report = run(world, rows)
        assert report.committed, report.as_dict()
        return len(captured)

    queries(people[:2], "2026-01")  # warms the importer's cached scope
    assert queries(people[:5], "2026-02") == queries(people[5:55], "2026-03")
    assert DuesPayment.objects.filter(month=MARCH).count() == 50


@pytest.mark.parametrize(
    ("cell", "month"),
    [
        ("2026-03", MARCH),
        ("2026/3", MARCH),
        ("2026年3月", MARCH),
        ("202603", MARCH),
        ("2026-03-31", MARCH),
        (dt.datetime(2026, 3, 17), MARCH),
    ],
)
def test_a_month_is_read_in_the_usual_ways(cell, month):
    assert MonthWidget().clean(cell) == month


@pytest.mark.parametrize("cell", ["2026-13", "March", "2026-3-32"])
def test_a_cell_that_is_no_month_is_refused(cell):
    with pytest.raises(CellError):
        MonthWidget().clean(cell)


def test_the_payments_page_previews_the_file_then_confirms_it(world, client, settings, tmp_path):
    settings.UI_IMPORT_DIR = str(tmp_path / "uploads")
    people = members_with_bases(world, 2)
    client.force_login(world.users["secretary_a1"])
    page = reverse("members:duespayment-import")
    assert client.get(page).status_code == 200
    assert (
        client.get(reverse("members:duespayment-import-template"), {"file_format": "xlsx"}).status_code == 200
    )
    upload_file = SimpleUploadedFile("dues.csv", csv_bytes([HEADER, *[row(p) for p in people]]))
    preview = client.post(page, {"file": upload_file})
    assert preview.status_code == 200 and people[0].name in preview.content.decode()
    assert not DuesPayment.objects.exists()
    client.post(reverse("members:duespayment-import-confirm", args=[preview.context["token"]]))
    assert DuesPayment.objects.count() == 2
