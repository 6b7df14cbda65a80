"""Transfer letters awaiting confirmation (docs/inbox.md, "Transfer letters"; the letter: docs/
transfers.md): a letter issued out of the county, neither delivered nor confirmed (nor cancelled), for
whoever issued it — the township staff when a township's staff member issued it, otherwise the branch
secretary — by its last valid day. An expired one (``TransferLetter.expired_on``) says so. One query."""

from django.db.models import Exists
from django.db.models import OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from branches.models import StaffRole
from branches.scope.roles import Role
from members.selectors.transfers import letters_awaiting_within

from ..items import Source


class LettersAwaiting(Source):
    key = "letters"
    label = gettext_lazy("Transfer letters awaiting confirmation")

    def collect(self, *, roots, today):
        by_township = StaffRole.objects.filter(user=OuterRef("recorded_by"), role=Role.TOWNSHIP_STAFF)
        letters = letters_awaiting_within(paths=roots).annotate(by_township=Exists(by_township))
        return [self._item(letter, today) for letter in letters]

    def _item(self, letter, today):
        role = Role.TOWNSHIP_STAFF if letter.by_township else Role.BRANCH_SECRETARY
        if letter.expired_on(today):
            days = (today - letter.valid_until).days
            why = ngettext(
                "Expired: valid until %(day)s, %(days)d day ago. Cancel it and issue a new one.",
                "Expired: valid until %(day)s, %(days)d days ago. Cancel it and issue a new one.",
                days,
            ) % {"day": letter.valid_until.isoformat(), "days": days}
        else:
            days = (letter.valid_until - today).days + 1  # its last valid day counts
            why = ngettext(
                "Valid until %(day)s, %(days)d valid day left, today included: record its delivery or the "
                "receipt.",
                "Valid until %(day)s, %(days)d valid days left, today included: record its delivery or the "
                "receipt.",
                days,
            ) % {"day": letter.valid_until.isoformat(), "days": days}
        return self.item(
            letter.organization,
            f"{letter.pk}",
            roles=frozenset({role}),
            what=_("Transfer letter %(number)s of %(member)s to %(to)s: not yet delivered or confirmed")
            % {"number": letter.number, "member": letter.member.name, "to": letter.to_label},
            why=why,
            due_on=letter.valid_until,
            url=reverse("members:transferletter-detail", args=[letter.pk]),
        )
