"""Statements (述): who submits, the window, late at the due-date boundary (Asia/Shanghai), and attachments
checked by content (renamed files, oversize, zip bombs)."""

import datetime as dt
import io
import zipfile
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assessments.models import CycleState
from assessments.models import EvaluationLevel
from assessments.models import Statement
from assessments.services import evaluation as services
from assessments.services import statements
from members.models import CadrePost
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_evaluation import EvaluationCycleFactory
from tests.utils.factories_evaluation import StatementFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = reverse("joint-evaluation-statement-list")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def office(folder: str, *, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zh(message, **values) -> str:
    """What the API answers (zh-hans by default) once the catalog is merged."""
    with translation.override("zh-hans"):
        return str(message) % values if values else str(message)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def submit(world, who="secretary_a1", organization=None, cycle=None, **data):
    cycle = cycle or EvaluationCycleFactory(county=world.county)
    payload = {
        "cycle": cycle.pk,
        "organization": (organization or world.branch_a1).pk,
        "text": "述职报告",
        **data,
    }
    return world.client(who).post(LIST, payload, format="multipart")


def test_the_secretary_submits_with_a_pdf_and_gets_the_serving_secretarys_name(world):
    CadreFactory(organization=world.branch_a1, post=CadrePost.SECRETARY, name="王书记")
    response = submit(world, attachment=upload("年度述职.pdf", PDF))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secretary_name"] == "王书记"
    assert body["level"] == EvaluationLevel.VILLAGE and body["late"] is False
    assert body["has_attachment"] and body["attachment_name"] == "年度述职.pdf"
    statement = Statement.objects.get()
    assert statement.submitted_by == world.users["secretary_a1"]
    download = world.client("staff_a").get(
        reverse("joint-evaluation-statement-download", args=[statement.pk])
    )
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert (
        world.client("staff_b")
        .get(reverse("joint-evaluation-statement-download", args=[statement.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.docx", office("word")),
        ("report.xlsx", office("xl")),
        ("REPORT.PDF", PDF),
    ],
)
def test_pdf_docx_and_xlsx_are_accepted(world, name, data):
    assert submit(world, attachment=upload(name, data)).status_code == 201


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("photo.pdf", PNG, "PDF"),  # a PNG renamed .pdf
        ("notes.docx", "会议记录，纯文本。".encode(), "Word (.docx)"),  # a text file renamed .docx
        ("sheet.xlsx", office("word"), "Excel (.xlsx)"),  # a Word file renamed .xlsx
        ("letter.docx", office("xl"), "Word (.docx)"),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(world, name, data, kind):
    response = submit(world, attachment=upload(name, data))
    assert response.status_code == 400
    assert response.json()["attachment"] == [zh(services.MESSAGES["attachment_content"], kind=kind)]
    assert not Statement.objects.exists()


def test_other_file_types_are_refused_with_a_chinese_message(world):
    cycle = EvaluationCycleFactory(county=world.county)
    payload = {"cycle": cycle.pk, "organization": world.branch_a1.pk, "text": "述职报告"}
    payload["attachment"] = upload("photo.png", PNG)
    response = world.client("secretary_a1").post(
        LIST, payload, format="multipart", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert response.json()["attachment"] == [zh(services.MESSAGES["attachment_type"])]
    assert not Statement.objects.exists()


def test_an_attachment_over_ten_megabytes_is_refused(world):
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = submit(world, attachment=upload("big.pdf", big))
    assert response.status_code == 400
    assert response.json()["attachment"] == [zh(services.MESSAGES["attachment_size"], limit=10)]
    exactly = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert submit(world, attachment=upload("limit.pdf", exactly)).status_code == 201


def test_an_empty_file_is_refused(world):
    assert submit(world, attachment=upload("empty.pdf", b"")).status_code == 400
    assert not Statement.objects.exists()


def test_a_zip_bomb_is_refused_without_unpacking(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (120 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    response = submit(world, attachment=upload("bomb.docx", buffer.getvalue()))
    assert response.status_code == 400
    assert response.json()["attachment"] == [zh(services.MESSAGES["attachment_zip"], kind="Word (.docx)")]


def test_an_archive_of_too_many_parts_is_refused(world):
    parts = {f"word/part{n}.xml": "" for n in range(statements.MAX_ZIP_ENTRIES)}
    response = submit(world, attachment=upload("many.docx", office("word", extra=parts)))
    assert response.status_code == 400


def local(year, month, day, hour=0, minute=0, second=0):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def submit_at(world, moment):
    """Submit to the 2026 cycle (opens 1 Nov, statements due 15 Dec, closes 31 Dec) at ``moment``."""
    cycle = EvaluationCycleFactory(
        county=world.county,
        year=2026,
        opens_on=dt.date(2026, 11, 1),
        statements_due_on=dt.date(2026, 12, 15),
        closes_on=dt.date(2026, 12, 31),
    )
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC)):
        return submit(world, cycle=cycle)


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (local(2026, 12, 15, 23, 59, 59), False),  # the last second of the due date in Beijing time
        (local(2026, 12, 16, 0, 0, 0), True),  # 16:00 UTC on the 15th, already the 16th in Beijing
        (local(2026, 11, 1, 0, 0, 0), False),
    ],
)
def test_late_is_judged_on_the_due_date_in_local_time(world, moment, late):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    response = submit_at(world, moment)
    assert response.status_code == 201, response.content
    assert response.json()["late"] is late


@pytest.mark.parametrize("moment", [local(2026, 10, 31, 23, 59), local(2027, 1, 1, 0, 0)])
def test_statements_are_accepted_within_the_window_only(world, moment):
    response = submit_at(world, moment)
    assert response.status_code == 400 and "cycle" in response.json()
    assert not Statement.objects.exists()


def test_a_closed_cycle_takes_no_statement(world):
    cycle = EvaluationCycleFactory(county=world.county, state=CycleState.CLOSED)
    response = submit(world, cycle=cycle)
    assert response.status_code == 400 and "cycle" in response.json()


def test_who_submits(world):
    cycle = EvaluationCycleFactory(county=world.county)
    assert submit(world, "viewer_a", cycle=cycle).status_code == 403
    assert submit(world, "secretary_a1", organization=world.branch_a2, cycle=cycle).status_code == 400
    assert submit(world, "staff_a", organization=world.township_a, cycle=cycle).status_code == 201
    assert submit(world, "staff_a", organization=world.branch_a2, cycle=cycle).status_code == 201
    assert submit(world, "county_admin", organization=world.county, cycle=cycle).status_code == 201
    levels = dict(Statement.objects.values_list("organization_id", "level"))
    assert levels == {
        world.township_a.pk: EvaluationLevel.TOWNSHIP,
        world.branch_a2.pk: EvaluationLevel.VILLAGE,
        world.county.pk: EvaluationLevel.COUNTY,
    }


def test_one_statement_per_secretary_and_an_empty_report_is_refused(world):
    cycle = EvaluationCycleFactory(county=world.county)
    assert submit(world, cycle=cycle, text="  ").status_code == 400
    assert submit(world, cycle=cycle).status_code == 201
    again = submit(world, cycle=cycle)
    assert again.status_code == 400 and "organization" in again.json()


def test_only_evaluated_secretaries_submit(world):
    school = OrganizationFactory(parent=world.township_a, field="school")
    response = submit(world, "staff_a", organization=school)
    assert response.status_code == 400 and "organization" in response.json()


def test_updating_keeps_late_replaces_and_removes_the_attachment_with_history(world):
    statement = StatementFactory(
        cycle=EvaluationCycleFactory(county=world.county), organization=world.branch_a1, late=True
    )
    client = world.client("secretary_a1")
    detail = reverse("joint-evaluation-statement-detail", args=[statement.pk])
    response = client.patch(
        detail, {"text": "修改后的报告", "attachment": upload("r.docx", office("word"))}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["late"] is True and response.json()["attachment_name"] == "r.docx"
    wrong = client.patch(detail, {"attachment": upload("x.pdf", PNG)}, format="multipart")
    assert wrong.status_code == 400
    removed = client.patch(detail, {"attachment": None}, format="json")
    assert removed.status_code == 200 and removed.json()["has_attachment"] is False
    stale = client.patch(detail, {"text": "旧版本", "version": 1}, format="json")
    assert stale.status_code == 409
    assert statement.history.count() == 2 + 1  # created by the factory, then two changes
