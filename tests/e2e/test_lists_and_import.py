"""Township staff on a phone: filter the member list and export it to Excel; import visit logs from a csv —
a file with a bad row shows the row's error in the preview and is cancelled, a good one is confirmed and its
rows appear in the list."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from branches.scope.roles import Role
from members.resources.visits import MESSAGES
from tests.e2e.helpers import county_and_township
from tests.e2e.helpers import log_in
from tests.e2e.helpers import staff_user
from tests.e2e.helpers import township_committee
from tests.e2e.helpers import village_branch
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import zh
from tests.utils.import_files import csv_bytes

pytestmark = pytest.mark.browser

HEADERS = ["所在组织编码", "干部姓名", "户主姓名", "村民小组", "走访日期", "反映问题"]


@pytest.fixture
def township(transactional_db, django_user_model, settings, tmp_path):
    settings.UI_IMPORT_DIR = str(tmp_path / "uploads")
    root, county, township = county_and_township(django_user_model, "L")
    other_township = township_committee(root, county, "西风镇党委", "L-T2")
    branch = village_branch(root, township, "红星村党支部", "L-B1")
    foreign = village_branch(root, other_township, "向阳村党支部", "L-B2")
    user = staff_user(django_user_model, root, "township", township, Role.TOWNSHIP_STAFF)
    MemberFactory(branch=branch, name="正式党员甲")
    MemberFactory(branch=branch, name="预备党员乙", category="probationary", confirmed_on=None)
    MemberFactory(branch=foreign, name="外镇预备党员", category="probationary", confirmed_on=None)
    CadreFactory(organization=branch, name="赵委员", started_on=dt.date(2021, 1, 15))
    return SimpleNamespace(user=user, branch=branch, uploads=tmp_path / "uploads")


def visits_csv(rows) -> dict:
    content = csv_bytes([HEADERS, *rows], bom=True)
    return {"name": "走访.csv", "mimeType": "text/csv", "buffer": content}


def upload(page, live_server, rows):
    page.goto(f"{live_server.url}/people/visits/import/")
    page.set_input_files("#import-file", files=[visits_csv(rows)])
    page.locator("#import-preview-button").click()
    page.wait_for_selector("#import-summary")


def test_township_staff_filters_exports_and_imports_on_a_phone(
    page, live_server, township, console_errors, tmp_path
):
    log_in(page, live_server, "township")

    # Filter the member list to probationary members: only the township's one is left.
    page.goto(f"{live_server.url}/people/members/")
    table = page.locator("#list-table tbody")
    expect(table).to_contain_text("正式党员甲")
    page.locator("#list-filter-toggle").click()
    # The panel slides open: use its fields once it is open (Bootstrap's "show"), not while it moves.
    expect(page.locator("#list-filter-fields")).to_have_class(re.compile(r"\bshow\b"))
    page.select_option("#id_category", "probationary")
    with page.expect_navigation(url="**category=probationary**"):
        page.locator("#list-apply").click()
    expect(table.locator("tr")).to_have_count(1)
    expect(table).to_contain_text("预备党员乙")
    expect(table).not_to_contain_text("外镇预备党员")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways on a phone"

    # Export what the list shows.
    with page.expect_download() as download_info:
        page.locator("#list-export").click()
    path = tmp_path / "export.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    name_column = rows[0].index("姓名")
    assert [row[name_column] for row in rows[1:]] == ["预备党员乙"]

    # A csv with a bad row: the preview names the row's error, in Chinese; cancel.
    upload(page, live_server, [["L-B1", "赵委员", "张三", "一组", "2024-03-01", ""],
                               ["L-B1", "钱不存在", "李四", "一组", "2024-03-02", ""]])  # fmt: skip
    errors = page.locator("#import-row-errors")
    expect(errors).to_contain_text(zh(MESSAGES["unknown_cadre"]))
    expect(errors.locator("tbody tr td").first).to_have_text("3")  # the file's row, counting the header
    expect(page.locator("#import-confirm")).to_have_count(0)
    page.locator("#import-cancel").click()
    page.wait_for_url(f"{live_server.url}/people/visits/")
    expect(page.locator("#ui-messages")).to_be_visible()
    expect(page.locator("#list-table tbody")).not_to_contain_text("张三")

    # A good file: confirm, and its rows are in the list.
    upload(page, live_server, [["L-B1", "赵委员", "张三", "一组", "2024-03-01", "修路"],
                               ["L-B1", "赵委员", "李四", "二组", "2024-03-02", ""]])  # fmt: skip
    expect(page.locator("#import-ready")).to_be_visible()
    expect(page.locator("#import-preview")).to_contain_text("李四")
    page.locator("#import-confirm").click()
    page.wait_for_url(f"{live_server.url}/people/visits/")
    listed = page.locator("#list-table tbody")
    expect(listed).to_contain_text("张三")
    expect(listed).to_contain_text("李四")
    assert list(township.uploads.iterdir()) == []

    page.wait_for_load_state("networkidle")
    assert console_errors == []
