"""Writes around the to-do inbox (docs/inbox.md): a user's digest choice, and the daily digest itself."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

from ..inbox.channels import Message
from ..inbox.channels import channels
from ..inbox.compute import inboxes
from ..models import InboxPreference


@transaction.atomic
def inbox_preference_set(*, actor, daily_digest: bool) -> InboxPreference:
    """The actor's own choice: only ever their own row (no one chooses for another)."""
    preference, _created = InboxPreference.objects.get_or_create(user=actor)
    if preference.daily_digest != bool(daily_digest):
        preference.daily_digest = bool(daily_digest)
        preference._change_reason = "digest choice"
        preference.save()
    return preference


def digest_messages(*, today: dt.date) -> list[Message]:
    """One message for every active user with items who has not opted out. A fixed number of queries:
    the inbox's, the opt-outs and the users."""
    with translation.override(settings.LANGUAGE_CODE):
        found = inboxes(today=today)
        opted_out = set(
            InboxPreference.objects.filter(daily_digest=False, user_id__in=list(found)).values_list(
                "user_id", flat=True
            )
        )
        users = get_user_model().objects.filter(pk__in=set(found) - opted_out, is_active=True).order_by("pk")
        return [_message(user, found[user.pk], today) for user in users]


def _message(user, items, today) -> Message:
    subject = ngettext("partybuild: %(count)d item due", "partybuild: %(count)d items due", len(items)) % {
        "count": len(items)
    }
    body = render_to_string(
        "assessments/inbox/digest.txt",
        {"user": user, "items": items, "today": today, "site": settings.SITE_URL.rstrip("/")},
    )
    return Message(user=user, subject=subject, body=body)


def inbox_digest_send(*, today: dt.date) -> int:
    """Send today's digest through every configured channel to the users it reaches; the number sent."""
    messages = digest_messages(today=today)
    sent = 0
    for channel in channels():
        sent += channel.send([message for message in messages if channel.reaches(message.user)])
    return sent
