"""County staff on a phone: open the joint evaluation report, generate the Excel file, watch the progress
reach done, download it and find a summary sheet and a sheet per township."""

import io
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.utils import translation
from playwright.sync_api import expect

from branches.models import StaffRole
from branches.scope.roles import Role
from tests.e2e.helpers import PASSWORD
from tests.e2e.helpers import log_in
from tests.utils.factories_reports import published_report_county

pytestmark = pytest.mark.browser


@pytest.fixture
def county_report(transactional_db, django_user_model):
    built, cycle = published_report_county(townships=2, villages_per_township=3, code="E2E-R")
    user = django_user_model.objects.create_user("county-staff", password=PASSWORD)
    StaffRole.objects.create(user=user, organization=built.county, role=Role.COUNTY_ADMIN)
    return SimpleNamespace(user=user, county=built.county, townships=built.townships, cycle=cycle)


def test_county_staff_generate_and_download_the_excel_report(
    page, live_server, county_report, console_errors
):
    log_in(page, live_server, "county-staff")
    page.goto(
        f"{live_server.url}/reports/joint-evaluation/?organization={county_report.county.pk}"
        f"&year={county_report.cycle.year}"
    )
    expect(page.locator(".report-township")).to_have_count(2)
    expect(page.locator(f"#township-{county_report.townships[0].pk} h2")).to_have_text("第1镇党委")

    page.locator("#generate-xlsx").click()
    job = page.locator("#report-jobs-new .report-job").first
    expect(job).to_have_attribute("data-state", "succeeded", timeout=20_000)
    expect(job.locator(".progress-bar")).to_have_attribute("data-width", "100")
    # the bar's width is painted by the static script (no inline style in the served HTML)
    width = job.locator(".progress-bar").evaluate("bar => bar.style.width")
    assert width == "100%"

    with page.expect_download() as info:
        job.locator(".job-download").click()
    download = info.value
    with translation.override("zh-hans"):
        summary = translation.gettext("Summary")
    assert download.suggested_filename.endswith(".xlsx")
    # Playwright keeps the file under a random name without extension, which openpyxl refuses
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames == [summary, "第1镇党委", "第2镇党委"]
    assert workbook["第2镇党委"]["A4"].value == "第2镇1村党支部"
    assert console_errors == []
