"""TOTP second factor: optional for everyone, required for county admins where the county says so."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from branches.middleware import ENROL_SECOND_FACTOR
from branches.models import CountySecurityPolicy
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.scope.querysets import OutOfScope
from branches.services import county_security_policy_set
from branches.services import totp_required


def in_chinese(message) -> str:
    """What the API answers by default: the interface language is zh-Hans."""
    with translation.override("zh-hans"):
        return str(message)


pytestmark = pytest.mark.django_db

PASSWORD = "Secret-pass-1"


def code(device, drift=0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def login(username) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def totp_county(world):
    county_security_policy_set(
        actor=world.users["county_admin"], county=world.county, require_totp_for_admins=True
    )
    return world


def test_policy_change_is_a_security_event_and_kept_in_history(world):
    policy = county_security_policy_set(
        actor=world.users["county_admin"], county=world.county, require_totp_for_admins=True
    )
    event = SecurityEvent.objects.get(kind=SecurityEventKind.POLICY_CHANGED)
    assert event.organization == world.county and event.detail["to"] is True
    county_security_policy_set(
        actor=world.users["county_admin"], county=world.county, require_totp_for_admins=False
    )
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.POLICY_CHANGED).count() == 2
    assert policy.history.count() == 2


@pytest.mark.parametrize("who", ["staff_a", "viewer_a"])
def test_only_county_admins_set_the_policy(world, who):
    with pytest.raises(OutOfScope):
        county_security_policy_set(actor=world.users[who], county=world.county, require_totp_for_admins=True)
    with pytest.raises(OutOfScope):
        county_security_policy_set(
            actor=world.users["county_admin"], county=world.other_county, require_totp_for_admins=True
        )
    assert not CountySecurityPolicy.objects.exists()


def test_county_admin_edits_the_policy_in_the_admin(world):
    client = Client()
    client.force_login(world.users["county_admin"])
    response = client.post(
        reverse("admin:branches_countysecuritypolicy_add"),
        {"county": world.county.pk, "require_totp_for_admins": "on"},
    )
    assert response.status_code == 302, response.content
    assert CountySecurityPolicy.objects.get().require_totp_for_admins
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.POLICY_CHANGED).exists()


def test_requirement_applies_to_county_admins_of_that_county_only(totp_county):
    users = totp_county.users
    assert totp_required(users["county_admin"])
    assert not totp_required(users["staff_a"])
    assert not totp_required(users["root"])


def test_county_admin_is_sent_to_enrolment_then_passes(totp_county):
    client = login("county_admin")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp-enrol"))
    assert client.get(reverse("organization-list")).status_code == 403
    assert client.get(reverse("otp-enrol")).status_code == 200
    qr = client.get(reverse("otp-qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    device = TOTPDevice.objects.get(user=totp_county.users["county_admin"])
    assert not device.confirmed
    wrong = client.post(reverse("otp-enrol"), {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # skip the back-off wait
    response = client.post(reverse("otp-enrol"), {"token": code(device)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert SecurityEvent.objects.filter(detail__action="totp_enrolled").exists()


@pytest.fixture
def enrolled(totp_county):
    user = totp_county.users["county_admin"]
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_next_login_asks_for_the_code(enrolled):
    client = login("county_admin")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp-verify"))
    bad = client.post(reverse("otp-verify"), {"token": "abc"})
    assert bad.status_code == 200 and bad.context["form"].errors
    enrolled.refresh_from_db()
    response = client.post(
        reverse("otp-verify") + "?next=/org/audit/", {"token": code(enrolled), "next": "/org/audit/"}
    )
    assert response.status_code == 302 and response.url == "/org/audit/"
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_recorded(enrolled):
    client = login("county_admin")
    wrong = f"{(int(code(enrolled)) + 1) % 1000000:06d}"
    client.post(reverse("otp-verify"), {"token": wrong})
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED, detail__factor="totp").exists()
    assert client.get(reverse("home")).status_code == 302


def test_enrolment_cannot_replace_a_device_before_passing_it(enrolled):
    client = login("county_admin")
    response = client.get(reverse("otp-enrol"))
    assert response.status_code == 302 and response.url == reverse("otp-verify")
    assert TOTPDevice.objects.filter(user=enrolled.user).count() == 1


def test_optional_for_other_users(world):
    user = world.users["staff_a"]
    client = login("staff_a")
    assert client.get(reverse("home")).status_code == 200
    client.get(reverse("otp-enrol"))
    device = TOTPDevice.objects.get(user=user)
    assert client.post(reverse("otp-enrol"), {"token": code(device)}).status_code == 302
    again = login("staff_a")
    assert again.get(reverse("home")).url.startswith(reverse("otp-verify"))


def test_token_api_refuses_a_county_admin_without_a_device(totp_county):
    _row, token = AuthToken.objects.create(user=totp_county.users["county_admin"])
    response = Client().get(reverse("organization-list"), headers={"Authorization": f"Token {token}"})
    assert response.status_code == 403
    assert response.json()["detail"] == in_chinese(ENROL_SECOND_FACTOR)
    TOTPDevice.objects.create(user=_row.user, name="phone", confirmed=True)
    response = Client().get(reverse("organization-list"), headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200


def test_policy_switched_on_during_a_session_applies_within_the_recheck(world, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr("branches.middleware.now", lambda: clock[0])
    client = login("county_admin")
    assert client.get(reverse("home")).status_code == 200
    county_security_policy_set(
        actor=world.users["county_admin"], county=world.county, require_totp_for_admins=True
    )
    clock[0] += 5 * 60 + 1
    assert client.get(reverse("home")).url.startswith(reverse("otp-enrol"))
