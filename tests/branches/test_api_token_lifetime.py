"""API tokens end 30 minutes after their last use and 12 hours after their issue (docs/security.md), and
die on a password change, on API logout and on an unlock in the admin; a user lists and revokes only their
own."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from branches.models import SecurityEvent
from branches.models import SecurityEventKind

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)


def issue(user):
    return AuthToken.objects.create(user=user)


def call(token):
    return APIClient().get(reverse("organization-list"), headers={"Authorization": f"Token {token}"})


def test_the_defaults_are_30_idle_minutes_and_a_12_hour_lifetime():
    assert dt.timedelta(minutes=30) == settings.API_TOKEN_IDLE
    assert dt.timedelta(hours=12) == settings.API_TOKEN_TTL


def test_a_new_token_ends_30_minutes_after_its_issue(world):
    row, _token = issue(world.users["staff_a"])
    assert abs(row.expiry - (row.created + dt.timedelta(minutes=30))) < dt.timedelta(seconds=5)


@contextmanager
def clock_at(moment):
    """Freezes the clock knox reads (django.utils.timezone.now) at ``moment`` for the calls inside."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def test_one_second_before_its_idle_end_a_token_works_and_is_extended(world):
    row, token = issue(world.users["staff_a"])
    idle_end = row.expiry
    with clock_at(idle_end - SECOND):
        assert call(token).status_code == 200
    row.refresh_from_db()
    assert row.expiry == idle_end - SECOND + settings.API_TOKEN_IDLE


def test_one_second_after_its_idle_end_a_token_is_refused(world):
    row, token = issue(world.users["staff_a"])
    with clock_at(row.expiry + SECOND):
        assert call(token).status_code == 401


def _used_all_along(row):
    """As if used every few minutes since its issue: each use capped the expiry at issue + lifetime."""
    AuthToken.objects.filter(pk=row.pk).update(expiry=row.created + settings.API_TOKEN_TTL)


def test_one_second_before_its_lifetime_end_a_token_works_but_is_not_extended_past_it(world):
    row, token = issue(world.users["staff_a"])
    _used_all_along(row)
    with clock_at(row.created + settings.API_TOKEN_TTL - SECOND):
        assert call(token).status_code == 200
    row.refresh_from_db()
    assert row.expiry == row.created + settings.API_TOKEN_TTL


def test_one_second_after_its_lifetime_end_a_token_is_refused(world):
    row, token = issue(world.users["staff_a"])
    _used_all_along(row)
    with clock_at(row.created + settings.API_TOKEN_TTL + SECOND):
        assert call(token).status_code == 401


def test_use_late_in_the_lifetime_slides_the_expiry_only_up_to_the_lifetime_end(world):
    row, token = issue(world.users["staff_a"])
    late = row.created + dt.timedelta(hours=11, minutes=50)
    AuthToken.objects.filter(pk=row.pk).update(expiry=late + SECOND)
    with clock_at(late):
        assert call(token).status_code == 200
    row.refresh_from_db()
    assert row.expiry == row.created + settings.API_TOKEN_TTL


def test_a_password_change_ends_every_token_of_the_user(world):
    user = world.users["staff_a"]
    _row, first = issue(user)
    _row, second = issue(user)
    _row, other = issue(world.users["staff_b"])
    user.set_password("New-pass-2026!")
    user.save()
    assert call(first).status_code == 401
    assert call(second).status_code == 401
    assert call(other).status_code == 200


def test_a_password_change_in_the_browser_ends_the_tokens(world):
    user = world.users["staff_a"]
    _row, token = issue(user)
    browser = Client()
    browser.force_login(user)
    response = browser.post(
        reverse("password_change"),
        {
            "old_password": "Secret-pass-1",
            "new_password1": "Wholly-new-2026",
            "new_password2": "Wholly-new-2026",
        },
    )
    assert response.status_code == 302
    assert call(token).status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(world):
    user = world.users["staff_a"]
    _row, token = issue(user)
    user.first_name = "张"
    user.save()
    assert call(token).status_code == 200


def test_api_logout_ends_the_calling_token_only(world):
    user = world.users["staff_a"]
    _row, used = issue(user)
    _row, kept = issue(user)
    response = APIClient().post(reverse("api-logout"), headers={"Authorization": f"Token {used}"})
    assert response.status_code == 204
    assert call(used).status_code == 401
    assert call(kept).status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGOUT, username="staff_a")
    assert event.detail == {"via": "api_token", "reason": "logout"}


def test_an_unlock_in_the_admin_ends_the_unlocked_users_tokens(world):
    _row, token = issue(world.users["staff_a"])
    for _ in range(5):
        Client(REMOTE_ADDR="10.8.0.1").post(reverse("login"), {"username": "staff_a", "password": "wrong"})
    admin = Client()
    admin.force_login(world.users["root"])
    row = AccessAttempt.objects.get(username="staff_a")
    admin.post(reverse("admin:axes_accessattempt_delete", args=[row.pk]), {"post": "yes"})
    assert call(token).status_code == 401


def test_a_user_lists_their_own_tokens_and_the_current_one_is_marked(world):
    own, token = issue(world.users["staff_a"])
    other, _ = issue(world.users["staff_a"])
    issue(world.users["staff_b"])
    response = APIClient().get(reverse("api-token-list"), headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    rows = {row["id"]: row["current"] for row in response.json()["results"]}
    assert rows == {own.pk: True, other.pk: False}


@pytest.mark.parametrize(
    ("owner", "status", "then"),
    [("staff_a", 204, 401), ("staff_b", 404, 200)],
    ids=["own-token-revoked", "another-users-token-404-and-kept"],
)
def test_deleting_a_token_revokes_only_ones_own(world, owner, status, then):
    _row, token = issue(world.users["staff_a"])
    target, target_token = issue(world.users[owner])
    response = APIClient().delete(
        reverse("api-token-detail", args=[target.pk]), headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == status
    assert call(target_token).status_code == then
    assert call(token).status_code == 200


def test_an_expired_token_is_not_listed_and_goes_at_the_next_login(world):
    user = world.users["staff_a"]
    expired, _ = issue(user)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - SECOND)
    _row, token = issue(user)
    listed = APIClient().get(reverse("api-token-list"), headers={"Authorization": f"Token {token}"}).json()
    assert [row["id"] for row in listed["results"]] == [_row.pk]
    from branches.services import api_token_issue

    api_token_issue(user=user)
    assert not AuthToken.objects.filter(pk=expired.pk).exists()
