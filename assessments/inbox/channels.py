"""How the daily digest reaches people (docs/inbox.md, "The daily digest"): a channel takes finished
messages and sends them. Email through Django's backend is the first; ``INBOX_DIGEST_CHANNELS`` in the
settings names the channels in use, so an SMS or messaging gateway is one more class and one more line
there, with nothing in the inbox changed."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail import get_connection
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Message:
    user: object
    subject: str
    body: str


class Channel:
    """A way to send the digest. ``reaches`` says whether a user can be reached this way; ``send`` sends the
    messages of the users it reaches and answers how many went."""

    def reaches(self, user) -> bool:
        raise NotImplementedError

    def send(self, messages: list[Message]) -> int:
        raise NotImplementedError


class EmailChannel(Channel):
    """One email per user through Django's email backend (console in the demo, SMTP in production)."""

    def reaches(self, user) -> bool:
        return bool(user.email)

    def send(self, messages: list[Message]) -> int:
        emails = [
            EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.user.email])
            for message in messages
        ]
        if not emails:
            return 0
        with get_connection() as connection:
            return connection.send_messages(emails) or 0


def channels() -> list[Channel]:
    return [import_string(path)() for path in settings.INBOX_DIGEST_CHANNELS]
