"""Accounts created by someone else change their password at the first login; pages and API hold them."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from knox.models import AuthToken

from branches.middleware import MUST_CHANGE_PASSWORD
from branches.models import AccountSecurity
from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.scope.querysets import OutOfScope
from branches.services import account_create
from branches.services.accounts import must_change_password


def in_chinese(message) -> str:
    """What the API answers by default: the interface language is zh-Hans."""
    with translation.override("zh-hans"):
        return str(message)


pytestmark = pytest.mark.django_db

INITIAL = "Initial-pass-9"
CHOSEN = "Chosen-pass-77"


def login(username, password=INITIAL) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def test_admin_created_account_is_flagged_and_recorded(world):
    admin = Client()
    admin.force_login(world.users["root"])
    response = admin.post(
        reverse("admin:auth_user_add"),
        {"username": "newclerk", "password1": INITIAL, "password2": INITIAL, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    user = world.users["root"].__class__.objects.get(username="newclerk")
    assert must_change_password(user)
    event = SecurityEvent.objects.get(detail__action="account_created")
    assert event.username == "root" and event.detail["account"] == "newclerk"


def test_users_made_directly_are_not_flagged(world, django_user_model):
    user = django_user_model.objects.create_user("direct", password=INITIAL)
    assert not must_change_password(user)
    assert login("direct").get(reverse("home")).status_code == 200


def test_only_staff_managers_create_accounts(world):
    with pytest.raises(OutOfScope):
        account_create(actor=world.users["staff_a"], username="x", password=INITIAL)
    user = account_create(actor=world.users["county_admin"], username="x", password=INITIAL)
    assert must_change_password(user)


@pytest.fixture
def flagged(world):
    return account_create(actor=world.users["county_admin"], username="clerk", password=INITIAL)


@pytest.mark.parametrize("url", ["/", "/org/audit/", "/admin/"])
def test_every_page_redirects_to_the_password_change(flagged, url):
    response = login("clerk").get(url)
    assert response.status_code == 302 and response.url == reverse("password_change")


def test_session_api_answers_403_with_a_message(flagged):
    response = login("clerk").get(reverse("organization-list"))
    assert response.status_code == 403
    assert response.json()["detail"] == in_chinese(MUST_CHANGE_PASSWORD)


def test_token_api_answers_403_with_a_message(flagged):
    _row, token = AuthToken.objects.create(user=flagged)
    response = Client().get(reverse("organization-list"), headers={"Authorization": f"Token {token}"})
    assert response.status_code == 403
    assert response.json()["detail"] == in_chinese(MUST_CHANGE_PASSWORD)


def test_changing_the_password_releases_the_account(flagged):
    client = login("clerk")
    assert client.get(reverse("password_change")).status_code == 200
    weak = client.post(
        reverse("password_change"),
        {"old_password": INITIAL, "new_password1": "abcdefgh1", "new_password2": "abcdefgh1"},
    )
    assert weak.status_code == 200 and weak.context["form"].errors
    assert must_change_password(flagged)
    response = client.post(
        reverse("password_change"),
        {"old_password": INITIAL, "new_password1": CHOSEN, "new_password2": CHOSEN},
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert client.get(reverse("home")).status_code == 200
    security = AccountSecurity.objects.get(user=flagged)
    assert not security.must_change_password and security.password_changed_at is not None
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.POLICY_CHANGED, detail__action="password_changed"
    )
    assert security.history.count() >= 2


def test_admin_setting_another_users_password_flags_it(world):
    admin = Client()
    admin.force_login(world.users["root"])
    target = world.users["staff_a"]
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": INITIAL, "password2": INITIAL, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert must_change_password(target)
