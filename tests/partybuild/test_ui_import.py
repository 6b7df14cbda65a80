"""The browser import (branches.scope.lists + branches.scope.uploads) through the visit list: upload, dry-run
preview with each row's errors in Chinese, then confirm (all rows or none) or cancel; the uploaded file waits
on the server under a token bound to the user's session, and is deleted afterwards."""

import datetime as dt
import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from branches.scope import uploads
from members.models import VisitLog
from members.resources import VisitLogResource
from members.resources.visits import MESSAGES
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import zh
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import xlsx_bytes

IMPORT = reverse("members:visit-import")
LIST = reverse("members:visit-list")
HEADERS = ["所在组织编码", "干部姓名", "户主姓名", "村民小组", "走访日期", "反映问题"]


def row(cadre="赵委员", household="张三", visited="2024-03-01", code="C1-TA-1", concerns=""):
    return [code, cadre, household, "一组", visited, concerns]


def csv_file(rows, name="visits.csv", *, bom=True):
    return SimpleUploadedFile(name, csv_bytes([HEADERS, *rows], bom=bom), content_type="text/csv")


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.UI_IMPORT_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def cadre(world):
    return CadreFactory(organization=world.branch_a1, name="赵委员", started_on=dt.date(2021, 1, 15))


@pytest.fixture
def staff(client, world, upload_dir, cadre):
    client.force_login(world.users["staff_a"])
    return client


def stored_files(directory) -> list:
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def preview(client, rows, **kwargs):
    response = client.post(IMPORT, {"file": csv_file(rows, **kwargs)})
    assert response.status_code == 200
    return response


# --- the form -----------------------------------------------------------------------------------------


def test_import_form_offers_the_templates(staff):
    response = staff.get(IMPORT)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert reverse("members:visit-import-template") + "?file_format=xlsx" in body


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_template_download_holds_the_import_columns(staff, file_format):
    response = staff.get(reverse("members:visit-import-template"), {"file_format": file_format})

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if file_format == "xlsx":
        header = [cell.value for cell in next(load_workbook(BytesIO(content)).worksheets[0].iter_rows())]
    else:
        header = content.decode("utf-8-sig").strip().split(",")
    columns = [column.header for column in VisitLogResource().import_columns()]
    assert header == columns and "户主姓名" in header


def test_list_links_to_the_import_for_those_who_may_import(staff, client, world):
    assert staff.get(LIST).context["import_url"] == IMPORT

    client.force_login(world.users["viewer_a"])
    response = client.get(LIST)
    assert response.context["import_url"] is None
    assert 'id="list-import"' not in response.content.decode()


# A viewer may read the list but finds no import (404); a user without any role is refused every list page
# at the door (403, branches/scope/navigation.py).
@pytest.mark.parametrize(("who", "status"), [("viewer_a", 404), ("nobody", 403)])
def test_who_may_not_enter_records_is_refused(client, world, upload_dir, cadre, who, status):
    client.force_login(world.users[who])

    assert client.get(IMPORT).status_code == status
    assert client.post(IMPORT, {"file": csv_file([row()])}).status_code == status
    assert client.get(reverse("members:visit-import-template")).status_code == status
    assert not VisitLog.objects.exists()


def test_anonymous_goes_to_the_login_page(client, db):
    response = client.post(IMPORT)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the preview --------------------------------------------------------------------------------------


def test_preview_shows_every_rows_errors_in_chinese_and_writes_nothing(staff, upload_dir):
    response = preview(staff, [row(), row(cadre="不存在的人", household="李四"), row(visited="2024-13-40")])

    context = response.context
    assert context["report"]["total_rows"] == 3 and context["report"]["error_rows"] == 2
    errors = {(error["row"], error["column"]): error["message"] for error in context["row_errors"]}
    assert errors[(3, "干部姓名")] == zh(MESSAGES["unknown_cadre"])
    assert (4, "走访日期") in errors
    body = response.content.decode()
    assert zh(MESSAGES["unknown_cadre"]) in body
    assert 'id="import-confirm"' not in body  # nothing to confirm while a row is wrong
    assert 'id="import-cancel"' in body
    assert not VisitLog.objects.exists()


def test_a_clean_preview_offers_confirm_and_shows_the_rows(staff):
    response = preview(staff, [row(), row(household="李四")])

    body = response.content.decode()
    assert 'id="import-confirm"' in body and "李四" in body
    assert response.context["preview_rows"] and response.context["token"]
    assert not VisitLog.objects.exists()


def test_the_file_waits_on_the_server_not_in_the_session(staff, upload_dir):
    response = preview(staff, [row(household="独特的户主名")])

    token = response.context["token"]
    assert stored_files(upload_dir) == [f"{token}.json", f"{token}.upload"]
    session = staff.session[uploads.SESSION_KEY]
    assert list(session) == [token]
    assert "独特的户主名" not in str(dict(staff.session))


# --- confirm ------------------------------------------------------------------------------------------


def test_confirm_writes_every_row_with_history_and_deletes_the_file(staff, world, upload_dir):
    token = preview(staff, [row(), row(household="李四")]).context["token"]

    response = staff.post(reverse("members:visit-import-confirm", args=[token]))

    assert response.status_code == 302 and response["Location"] == LIST
    assert sorted(VisitLog.objects.values_list("household_name", flat=True)) == ["张三", "李四"]
    assert VisitLog.history.filter(history_user=world.users["staff_a"]).count() == 2
    assert stored_files(upload_dir) == []
    assert uploads.SESSION_KEY not in staff.session or not staff.session[uploads.SESSION_KEY]
    listed = staff.get(LIST)
    assert "李四" in listed.content.decode() and 'id="ui-messages"' in listed.content.decode()


def test_one_bad_row_writes_none(staff, upload_dir):
    token = preview(staff, [row(), row(household="李四"), row(cadre="不存在的人")]).context["token"]

    response = staff.post(reverse("members:visit-import-confirm", args=[token]))

    assert response.status_code == 200
    assert 'id="import-refused"' in response.content.decode()
    assert not VisitLog.objects.exists()
    assert stored_files(upload_dir) == []


def test_a_token_confirms_once(staff):
    token = preview(staff, [row()]).context["token"]
    staff.post(reverse("members:visit-import-confirm", args=[token]))

    again = staff.post(reverse("members:visit-import-confirm", args=[token]))

    assert again.status_code == 404
    assert VisitLog.objects.count() == 1


def test_another_user_cannot_confirm_or_cancel_your_token(staff, client, world, upload_dir):
    from django.test import Client

    token = preview(staff, [row()]).context["token"]
    other = Client()
    other.force_login(world.users["county_admin"])

    assert other.post(reverse("members:visit-import-confirm", args=[token])).status_code == 404
    assert other.post(reverse("members:visit-import-cancel", args=[token])).status_code == 404
    assert not VisitLog.objects.exists()
    assert len(stored_files(upload_dir)) == 2  # still the owner's to confirm


def test_a_token_from_another_sessions_user_is_refused_even_if_copied_into_the_session(
    staff, client, world, upload_dir
):
    from django.test import Client

    token = preview(staff, [row()]).context["token"]
    other = Client()
    other.force_login(world.users["county_admin"])
    session = other.session
    session[uploads.SESSION_KEY] = {token: {"kind": "members.visitlog:visit", "created": time.time()}}
    session.save()

    assert other.post(reverse("members:visit-import-confirm", args=[token])).status_code == 404
    assert not VisitLog.objects.exists()


def test_a_token_of_another_list_is_404(staff, upload_dir):
    token = preview(staff, [row()]).context["token"]

    response = staff.post(reverse("members:member-import-confirm", args=[token]))

    assert response.status_code == 404


@pytest.mark.parametrize("token", ["short", "x" * 100, "a" * 30])
def test_an_unknown_or_malformed_token_is_404(staff, token):
    assert staff.post(reverse("members:visit-import-confirm", args=[token])).status_code == 404


def test_confirm_answers_post_only(staff):
    token = preview(staff, [row()]).context["token"]

    assert staff.get(reverse("members:visit-import-confirm", args=[token])).status_code == 405
    assert not VisitLog.objects.exists()


def test_an_expired_upload_is_404_and_deleted(staff, settings, upload_dir):
    token = preview(staff, [row()]).context["token"]
    settings.UI_IMPORT_TTL_SECONDS = 0
    time.sleep(0.01)

    response = staff.post(reverse("members:visit-import-confirm", args=[token]))

    assert response.status_code == 404
    assert stored_files(upload_dir) == []
    assert not VisitLog.objects.exists()


def test_storing_a_new_upload_sweeps_expired_ones(staff, settings, upload_dir):
    preview(staff, [row()])
    old = stored_files(upload_dir)
    settings.UI_IMPORT_TTL_SECONDS = 0
    time.sleep(0.01)

    assert uploads.sweep() == 1
    assert not set(old) & set(stored_files(upload_dir))


# --- cancel -------------------------------------------------------------------------------------------


def test_cancel_writes_none_and_deletes_the_file(staff, upload_dir):
    token = preview(staff, [row(), row(household="李四")]).context["token"]

    response = staff.post(reverse("members:visit-import-cancel", args=[token]))

    assert response.status_code == 302 and response["Location"] == LIST
    assert not VisitLog.objects.exists()
    assert stored_files(upload_dir) == []
    assert staff.post(reverse("members:visit-import-confirm", args=[token])).status_code == 404


# --- bad files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("visits.txt", "所在组织编码,干部姓名\n".encode()),
        ("visits.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("visits.xlsx", b"not a zip at all"),
        ("visits.csv", b""),
    ],
)
def test_a_wrong_file_gets_a_clear_message_and_changes_nothing(staff, upload_dir, name, content):
    response = staff.post(IMPORT, {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert response.context["errors"]
    assert 'id="import-errors"' in response.content.decode()
    assert not VisitLog.objects.exists()
    assert stored_files(upload_dir) == []


def test_missing_columns_are_named(staff, upload_dir):
    content = csv_bytes([["户主姓名"], ["张三"]])

    response = staff.post(IMPORT, {"file": SimpleUploadedFile("v.csv", content)})

    assert any("干部姓名" in error for error in response.context["errors"])
    assert stored_files(upload_dir) == []


def test_no_file_gets_a_message(staff):
    response = staff.post(IMPORT, {})

    assert response.status_code == 200 and response.context["errors"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(staff, upload_dir, monkeypatch):
    monkeypatch.setattr(VisitLogResource, "max_bytes", 1024 * 1024)
    big = csv_bytes([HEADERS, *[row(household=f"户{n}", concerns="很长的问题" * 20) for n in range(5000)]])
    assert len(big) > 1024 * 1024

    response = staff.post(IMPORT, {"file": SimpleUploadedFile("v.csv", big)})

    assert response.context["errors"] and "1 MB" in response.context["errors"][0]
    assert stored_files(upload_dir) == []


def test_an_xlsx_file_previews_and_confirms_too(staff, upload_dir):
    workbook = xlsx_bytes([HEADERS, row(), row(household="李四")])
    response = staff.post(IMPORT, {"file": SimpleUploadedFile("v.xlsx", workbook)})
    token = response.context["token"]

    staff.post(reverse("members:visit-import-confirm", args=[token]))

    assert VisitLog.objects.count() == 2


def test_a_gb18030_csv_from_chinese_excel_previews_cleanly(staff):
    content = csv_bytes([HEADERS, row(), row(household="李四")], encoding="gb18030")

    response = staff.post(IMPORT, {"file": SimpleUploadedFile("走访.csv", content)})

    assert response.context["report"]["valid_rows"] == 2 and not response.context["row_errors"]


def test_a_claimed_upload_cannot_be_confirmed_twice_at_once(staff, rf, world):
    token = preview(staff, [row()]).context["token"]
    request = rf.post("/")
    request.user = world.users["staff_a"]
    request.session = staff.session

    first = uploads.fetch(request, token, kind="members.visitlog:visit", claim=True)

    assert first.path.suffix == ".claimed"
    with pytest.raises(Http404):
        uploads.fetch(request, token, kind="members.visitlog:visit", claim=True)
