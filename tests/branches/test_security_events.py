import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.services import security_event_record

pytestmark = pytest.mark.django_db


def test_successful_login_is_recorded(world):
    client = Client()
    response = client.post(reverse("login"), {"username": "staff_a", "password": "Secret-pass-1"})
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert event.username == "staff_a" and event.organization == world.township_a


def test_failed_login_is_recorded_without_the_password(world):
    Client().post(reverse("login"), {"username": "staff_a", "password": "wrong-password"})
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert event.username == "staff_a"
    assert "wrong-password" not in str(event.detail)


@pytest.mark.parametrize(
    ("failures", "locked"),
    [(5, True), (4, False)],
    ids=["five_failures_lock_even_with_the_right_password", "four_failures_do_not_lock"],
)
def test_the_fifth_failure_locks_the_account(world, failures, locked):
    client = Client()
    for _ in range(failures):
        client.post(reverse("login"), {"username": "staff_a", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "staff_a", "password": "Secret-pass-1"})
    assert response.status_code == (429 if locked else 302)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT).exists() is locked


def test_security_events_cannot_be_edited_or_deleted(world):
    event = security_event_record(kind=SecurityEventKind.EXPORT, user=world.users["staff_a"])
    event.detail = {"forged": True}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().update(username="x")
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get(pk=event.pk).detail == {}


def test_retention_purge_never_touches_younger_rows(world):
    old = security_event_record(kind=SecurityEventKind.EXPORT, user=world.users["staff_a"])
    young = security_event_record(kind=SecurityEventKind.EXPORT, user=world.users["staff_a"])
    cutoff = timezone.now() - dt.timedelta(days=183)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE branches_securityevent SET occurred_at = %s WHERE id = %s",
            [cutoff - dt.timedelta(days=1), old.pk],
        )
    SecurityEvent.objects.purge_older_than(cutoff)
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [young.pk]


def test_purge_command_refuses_a_retention_shorter_than_six_months(world):
    from django.core.management import CommandError
    from django.core.management import call_command

    security_event_record(kind=SecurityEventKind.EXPORT, user=world.users["staff_a"])
    with pytest.raises(CommandError):
        call_command("purge_security_events", days=182)
    call_command("purge_security_events", days=183)
    assert SecurityEvent.objects.count() == 1
