"""In Chromium: the strict CSP breaks nothing on the login, admin and API documentation pages; a county
admin of a TOTP county enrols an authenticator; an account made by an administrator changes its password."""

import base64
from types import SimpleNamespace

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from branches.scope.roles import Role
from branches.services import account_create
from branches.services import county_security_policy_set
from tests.e2e.helpers import county_committee
from tests.e2e.helpers import staff_user
from tests.e2e.helpers import submit_login
from tests.e2e.helpers import superuser

pytestmark = pytest.mark.browser


@pytest.fixture
def county(transactional_db, django_user_model):
    root = superuser(django_user_model)
    county = county_committee(root, "E2E-C")
    admin = staff_user(django_user_model, root, "countyadmin", county, Role.COUNTY_ADMIN)
    return SimpleNamespace(root=root, county=county, admin=admin)


def csp_errors(errors):
    return [e for e in errors if "Content Security Policy" in e or "Content-Security-Policy" in e]


def test_login_and_admin_pages_raise_no_csp_violation(page, live_server, county, console_errors):
    page.goto(f"{live_server.url}/accounts/login/")
    submit_login(page, live_server, "root")
    page.wait_for_url(f"{live_server.url}/")
    for path in [
        "/admin/",
        "/admin/branches/organization/",
        f"/admin/branches/organization/{county.county.pk}/change/",
        "/admin/auth/user/add/",
        "/org/audit/",
        "/org/audit/?tab=history",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert csp_errors(console_errors) == []
    assert [e for e in console_errors if "favicon.ico" not in e] == []  # the admin asks for /favicon.ico


def test_swagger_ui_runs_under_the_policy(page, live_server, county, console_errors):
    submit_login(page, live_server, "root")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/api/docs/")
    # The first fetch in a process generates the schema: seconds of CPU, more while the suite runs beside it.
    expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=60000)
    page.wait_for_load_state("networkidle")
    assert csp_errors(console_errors) == []


def test_county_admin_of_a_totp_county_enrols_on_first_login(page, live_server, county, console_errors):
    county_security_policy_set(actor=county.admin, county=county.county, require_totp_for_admins=True)
    submit_login(page, live_server, "countyadmin")
    page.wait_for_url("**/accounts/otp/enrol/**")
    expect(page.locator("#otp-qr")).to_be_visible()
    assert page.evaluate("document.getElementById('otp-qr').naturalWidth") > 0, "the QR image did not load"
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    page.fill("#id_token", f"{totp(key):06d}")
    page.locator("#otp-enrol-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("#roles")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_account_made_by_an_administrator_changes_its_password_first(
    page, live_server, county, console_errors
):
    account_create(actor=county.root, username="clerk", password="Initial-pass-9")
    submit_login(page, live_server, "clerk", "Initial-pass-9")
    page.wait_for_url("**/accounts/password_change/")
    page.goto(f"{live_server.url}/org/audit/")
    page.wait_for_url("**/accounts/password_change/")
    page.fill("#id_old_password", "Initial-pass-9")
    page.fill("#id_new_password1", "Chosen-pass-77")
    page.fill("#id_new_password2", "Chosen-pass-77")
    page.locator("#password-change-form button[type=submit]").click()
    expect(page.locator("#password-changed")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_be_visible()
    assert page.url == f"{live_server.url}/"
    page.wait_for_load_state("networkidle")
    assert console_errors == []
