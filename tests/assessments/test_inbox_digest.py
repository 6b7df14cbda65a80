"""The daily digest (docs/inbox.md): one email per opted-in user with items, through Django's email backend
(locmem in tests), sent by the beat task; the page switches it off and on."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from assessments.inbox.channels import Channel
from assessments.models import InboxPreference
from assessments.tasks import inbox_digest_daily

pytestmark = pytest.mark.django_db

SENT = []


class RecordingChannel(Channel):
    """A second channel, as an SMS gateway would be: it reaches everyone and keeps what it was given."""

    def reaches(self, user) -> bool:
        return True

    def send(self, messages) -> int:
        SENT.extend(messages)
        return len(messages)


@pytest.fixture
def emails(world):
    for who in ("secretary_a1", "staff_a", "county_admin", "viewer_a"):
        world.users[who].email = f"{who}@example.cn"
        world.users[who].save()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_task_sends_one_email_per_opted_in_user_with_items(world, emails):
    InboxPreference.objects.create(user=world.users["staff_a"], daily_digest=False)
    inbox_digest_daily()
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["secretary_a1@example.cn"]  # staff_a opted out; viewer_a has nothing due
    body = mail.outbox[0].body
    assert world.branch_a1.name in body
    assert "/people/meetings/new/?organization=" in body


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    INBOX_DIGEST_CHANNELS=[
        "assessments.inbox.channels.EmailChannel",
        "tests.assessments.test_inbox_digest.RecordingChannel",
    ],
)
def test_another_channel_is_added_in_the_settings_alone(world, emails):
    SENT.clear()
    inbox_digest_daily()
    assert len(mail.outbox) == 1
    assert [message.user for message in SENT] == [world.users["secretary_a1"]]


def test_the_digest_is_scheduled_every_morning_by_beat():
    task = PeriodicTask.objects.get(task="assessments.inbox_digest_daily")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("7", "30")


def test_the_inbox_page_switches_the_digest_off_and_on(world):
    client = world.page_client("secretary_a1")
    url = reverse("assessments:inbox")
    assert client.post(url, {}).status_code == 302
    assert InboxPreference.objects.get(user=world.users["secretary_a1"]).daily_digest is False
    assert client.get(url).context["daily_digest"] is False
    client.post(url, {"daily_digest": "on"})
    assert InboxPreference.objects.get(user=world.users["secretary_a1"]).daily_digest is True
