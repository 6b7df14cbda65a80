"""The Content-Security-Policy header: strict everywhere, no inline script or style allowed."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return dict(directives)


def test_login_page_policy_is_strict(db):
    assert policy(Client().get(reverse("login"))) == EXPECTED


@pytest.mark.parametrize("url", ["/", "/api/v1/", "/org/audit/", "/accounts/password_change/"])
def test_project_pages_get_the_strict_policy(world, url):
    client = Client()
    client.force_login(world.users["root"])
    response = client.get(url)
    assert response.status_code == 200, url
    assert policy(response) == EXPECTED


def test_admin_gets_the_strict_policy_too(world):
    client = Client()
    client.force_login(world.users["root"])
    response = client.get("/admin/")
    assert policy(response) == EXPECTED
    assert b"style=" not in response.content


def test_swagger_ui_gets_inline_styles_but_never_inline_script(world):
    client = Client()
    client.force_login(world.users["root"])
    got = policy(client.get(reverse("swagger-ui")))
    assert got["script-src"] == "'self'"
    assert got["style-src"] == "'self' 'unsafe-inline'"


def test_swagger_ui_has_no_inline_script(world):
    client = Client()
    client.force_login(world.users["root"])
    page = client.get(reverse("swagger-ui")).content.decode()
    assert "<script>" not in page.replace(" ", "")
    assert client.get(reverse("swagger-ui") + "?script").status_code == 200


def test_security_headers(db):
    response = Client().get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
