"""400, 403, 404, 500 and the lockout answer in the site's look and language, with a way home."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db


def assert_site_page(response, title):
    page = response.content.decode()
    assert 'id="site-nav"' in page
    assert f'href="{reverse("home")}" id="error-home"' in page
    assert zh(title) in page


def test_a_missing_page_is_the_sites_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert_site_page(response, "Page not found")


def test_a_refusal_is_the_sites_403():
    with translation.override("zh-hans"):
        response = defaults.permission_denied(RequestFactory().get("/"), PermissionDenied())
    assert response.status_code == 403
    assert_site_page(response, "Access denied")


def test_a_bad_request_is_the_sites_400():
    with translation.override("zh-hans"):
        response = defaults.bad_request(RequestFactory().get("/"), Exception())
    assert response.status_code == 400
    assert_site_page(response, "Bad request")


def test_a_server_error_is_the_sites_500_even_without_a_request_context():
    with translation.override("zh-hans"):
        response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_site_page(response, "Server error")


def test_a_forged_form_is_the_sites_403():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_site_page(response, "Access denied")


@pytest.mark.parametrize(
    ("login", "address", "username"),
    [("login", "10.7.0.1", "staff_a"), ("admin:login", "10.7.0.2", "root")],
    ids=["browser", "admin"],
)
def test_the_lockout_is_the_sites_page(world, login, address, username):
    for _ in range(5):
        response = Client(REMOTE_ADDR=address).post(
            reverse(login), {"username": username, "password": "wrong"}
        )
    assert response.status_code == 429
    assert_site_page(response, "Account locked")


# --- with DEBUG off (the test settings' default), outside any view ---------------------------------------


def test_debug_is_off_for_these_tests(settings):
    assert settings.DEBUG is False


def test_a_missing_page_is_chinese_with_the_menu_and_a_way_home(world):
    response = world.page_client("staff_a").get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert_site_page(response, "Page not found")
    assert 'lang="zh-hans"' in page and 'id="nav-organization-tree"' in page


def test_a_refused_page_is_chinese_with_a_way_home(world):
    response = world.page_client("secretary_a1").get(reverse("branches:audit"))
    assert response.status_code == 403
    assert_site_page(response, "Access denied")


def test_an_unknown_api_address_answers_json(world):
    response = world.client("staff_a").get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": zh("Not found.")}


def test_api_errors_outside_views_stay_json():
    from partybuild import errors

    request = RequestFactory().get("/api/v1/members/")
    with translation.override("zh-hans"):
        answers = {
            400: errors.bad_request(request, Exception()),
            403: errors.permission_denied(request, PermissionDenied()),
            500: errors.server_error(request),
        }
    for status, response in answers.items():
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert "detail" in json.loads(response.content)


def test_a_server_error_page_reads_no_database(django_assert_num_queries):
    from partybuild import errors

    with django_assert_num_queries(0), translation.override("zh-hans"):
        response = errors.server_error(RequestFactory().get("/dashboard/1/"))
    assert response.status_code == 500
    assert_site_page(response, "Server error")
