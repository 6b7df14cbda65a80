"""Every response turns off the browser features the site never uses (docs/security.md)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def features(response) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/organizations/", "/no-such-page/", "/admin/"])
def test_every_answer_turns_off_camera_microphone_geolocation_payment_and_usb(path):
    got = features(Client().get(path))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert got[feature] == "()"


def test_a_logged_in_page_carries_it_too(world):
    client = Client()
    client.force_login(world.users["staff_a"])
    assert "geolocation=()" in client.get(reverse("home"))["Permissions-Policy"]
