"""One login rate per address (20 a minute) over every way in: the login page, the admin's login and the
token endpoint count together, and a forged X-Forwarded-For does not make a new address."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ADDRESS = "10.6.0.1"


def page_login(i, address=ADDRESS, name="login"):
    return Client(REMOTE_ADDR=address).post(reverse(name), {"username": f"nobody{i}", "password": "x"})


def token_login(i, address=ADDRESS, **headers):
    return APIClient(REMOTE_ADDR=address).post(
        reverse("api-token"), {"username": f"nobody{i}", "password": "x"}, format="json", headers=headers
    )


def test_the_twentieth_login_from_an_address_is_answered_and_the_twenty_first_throttled(world):
    for i in range(19):
        page_login(i)
    assert page_login(19).status_code == 200
    refused = page_login(20)
    assert refused.status_code == 429
    assert 'id="error-home"' in refused.content.decode()
    assert page_login(21, address="10.6.0.2").status_code == 200


def test_the_login_page_the_admin_and_the_token_endpoint_share_the_rate(world):
    for i in range(10):
        page_login(i)
    for i in range(5):
        page_login(i, name="admin:login")
    for i in range(5):
        token_login(i)
    assert token_login(99).status_code == 429
    assert page_login(99, name="admin:login").status_code == 429


def test_a_forged_forwarded_address_is_still_the_same_caller(world):
    for i in range(20):
        token_login(i, **{"X-Forwarded-For": f"192.0.2.{i}"})
    assert token_login(20, **{"X-Forwarded-For": "192.0.2.200"}).status_code == 429


def test_logged_in_pages_are_not_counted(world):
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(world.users["staff_a"])
    for _ in range(25):
        client.get(reverse("home"))
    assert page_login(0).status_code == 200
