"""Security events are kept at least 183 days: the purge deletes only rows older than its cutoff."""

import datetime as dt

import pytest
from django.core.management import CommandError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.services import security_event_record

pytestmark = pytest.mark.django_db


def _aged(days, minutes=0):
    event = security_event_record(kind=SecurityEventKind.LOGIN, username="someone")
    moment = timezone.now() - dt.timedelta(days=days, minutes=minutes)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE branches_securityevent SET occurred_at = %s WHERE id = %s", [moment, event.pk])
    return event


def test_purge_at_183_days_keeps_a_row_one_minute_younger_and_deletes_one_minute_older():
    younger = _aged(183, minutes=-1)
    older = _aged(183, minutes=1)
    call_command("purge_security_events", days=183)
    assert SecurityEvent.objects.filter(pk=younger.pk).exists()
    assert not SecurityEvent.objects.filter(pk=older.pk).exists()


def test_default_purge_keeps_a_year():
    kept = _aged(364)
    purged = _aged(366)
    call_command("purge_security_events")
    assert set(SecurityEvent.objects.values_list("pk", flat=True)) == {kept.pk}
    assert not SecurityEvent.objects.filter(pk=purged.pk).exists()


def test_182_days_is_refused_and_deletes_nothing():
    _aged(200)
    with pytest.raises(CommandError):
        call_command("purge_security_events", days=182)
    assert SecurityEvent.objects.count() == 1
