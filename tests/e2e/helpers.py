"""What the browser tests share: the password their users get, logging in through the login page, choosing
in the organization picker, and the organizations and staff they set up through the services, as an
administrator would; and the screenshots to look at a page's layout by eye."""

import os
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from django.urls import reverse

from branches.models import OrganizationField
from branches.models import OrganizationKind
from branches.picker import TEXT_SUFFIX
from branches.services import organization_create
from branches.services import staff_role_grant

PASSWORD = "e2e-Secret-pass-42"


def shot(page, name: str) -> None:
    """A full-page screenshot into $PARTYBUILD_SCREENSHOTS, when set."""
    if folder := os.environ.get("PARTYBUILD_SCREENSHOTS"):
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def submit_login(page, live_server, username, password=PASSWORD):
    """Fill in and submit the login form; where it leads is the caller's to check."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()


def log_in(page, live_server, username, password=PASSWORD):
    """Log in and wait for the home page."""
    submit_login(page, live_server, username, password)
    page.wait_for_url(f"{live_server.url}/")


def pick_organization(page, box: str, organization) -> None:
    """Choose ``organization`` in the organization picker whose text box is ``box`` (a selector): type its
    code, then click it among the matches (branches/picker.py). The click waits for the answer to the typed
    code: focusing the box first lists every organization in reach, and a click landing while that list
    gives way to the matches can hit none of them."""
    type_search(page, box, organization.code, "branches:organization-pick")
    picker = page.locator(box).locator("xpath=ancestor::*[@data-picker][1]")
    picker.locator(f"[data-pick-id='{organization.pk}']").click()


def type_search(page, box: str, text: str, search: str) -> None:
    """Type ``text`` into a search picker's box and wait for the answer of its search view (URL name
    ``search``) to that text, so that what is clicked next is among its matches."""

    def answers(response) -> bool:
        parsed = urlsplit(response.url)
        typed = [values for name, values in parse_qs(parsed.query).items() if name.endswith(TEXT_SUFFIX)]
        return parsed.path == reverse(search) and [text] in typed

    with page.expect_response(answers):
        page.fill(box, text)


def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)


def county_and_township(django_user_model, prefix):
    """The superuser "root", the county committee ``<prefix>-C`` and its township ``<prefix>-T``."""
    root = superuser(django_user_model)
    county = county_committee(root, f"{prefix}-C")
    return root, county, township_committee(root, county, "东风镇党委", f"{prefix}-T")


def county_township_village(django_user_model, prefix):
    """``county_and_township`` and the township's village branch 红星村党支部 ``<prefix>-B1``: root, county,
    township, branch."""
    root, county, township = county_and_township(django_user_model, prefix)
    return root, county, township, village_branch(root, township, "红星村党支部", f"{prefix}-B1")


def county_committee(root, code):
    return organization_create(
        actor=root, parent=None, name="测试县委", code=code, kind=OrganizationKind.COUNTY_COMMITTEE
    )


def township_committee(root, county, name, code):
    return organization_create(
        actor=root, parent=county, name=name, code=code, kind=OrganizationKind.TOWNSHIP_COMMITTEE
    )


def village_branch(root, parent, name, code):
    return organization_create(
        actor=root, parent=parent, name=name, code=code, kind=OrganizationKind.BRANCH,
        field=OrganizationField.VILLAGE,
    )  # fmt: skip


def staff_user(django_user_model, root, username, organization, role):
    """A user with ``PASSWORD`` and ``role`` at ``organization``."""
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    staff_role_grant(actor=root, user=user, organization=organization, role=role)
    return user
