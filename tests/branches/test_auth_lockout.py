"""Lockout after 5 failures for 15 minutes, keyed on username and address; admin unlock is recorded."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from branches.models import SecurityEvent
from branches.models import SecurityEventKind

pytestmark = pytest.mark.django_db

RIGHT = "Secret-pass-1"


def attempt(password, address="10.0.0.1", username="staff_a"):
    return Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password})


def fail(times, address="10.0.0.1", username="staff_a"):
    for _ in range(times):
        attempt("wrong-password", address, username)


def test_the_fifth_failure_locks(world):
    fail(4)
    assert attempt("wrong-password").status_code == 429  # the fifth failure itself answers "locked"
    assert attempt(RIGHT).status_code == 429
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT, username="staff_a").exists()


def test_another_address_is_not_locked(world):
    fail(5)
    assert attempt(RIGHT, address="10.0.0.2").status_code == 302


def test_another_username_from_the_same_address_is_not_locked(world):
    fail(5)
    assert attempt(RIGHT, username="staff_b").status_code == 302


def _age_attempts(delta):
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - delta)


def test_still_locked_at_14_minutes_59(world):
    fail(5)
    _age_attempts(dt.timedelta(minutes=14, seconds=59))
    assert attempt(RIGHT).status_code == 429


def test_unlocked_after_15_minutes(world):
    fail(5)
    _age_attempts(dt.timedelta(minutes=15, seconds=1))
    assert attempt(RIGHT).status_code == 302


def test_admin_unlock_is_a_security_event(world):
    fail(5)
    admin = Client()
    admin.force_login(world.users["root"])
    row = AccessAttempt.objects.get(username="staff_a")
    response = admin.post(reverse("admin:axes_accessattempt_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    event = SecurityEvent.objects.get(detail__action="lockout_reset")
    assert event.username == "root"
    assert event.detail["account"] == "staff_a" and event.detail["address"] == "10.0.0.1"
    assert attempt(RIGHT).status_code == 302


def test_bulk_unlock_from_the_changelist_records_each(world):
    fail(5)
    fail(5, username="staff_b")
    admin = Client()
    admin.force_login(world.users["root"])
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert SecurityEvent.objects.filter(detail__action="lockout_reset").count() == 2


def test_access_attempts_are_on_the_project_admin_site():
    from axes.models import AccessAttempt as Model
    from django.contrib import admin

    from branches.scope.admin_site import PartybuildAdminSite

    assert isinstance(admin.site, PartybuildAdminSite)
    assert admin.site.is_registered(Model)
