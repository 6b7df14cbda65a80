"""Members away out of contact (docs/inbox.md, "Members away"; the rule: docs/mobile-members.md, "Out of
contact"): a member of the branch working away whose last contact, or with none the day they left, is more
than six months back, for the branch secretary, linking to the contact entry page. Recording a contact (or
the return) settles it. One query."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from branches.scope.roles import Role
from members.models import OUT_OF_CONTACT_MONTHS
from members.selectors.mobile import out_of_contact_within

from ..items import Source
from ..items import taking_part


class AwayOutOfContact(Source):
    key = "away"
    label = gettext_lazy("Members away out of contact")

    def collect(self, *, roots, today):
        spells = out_of_contact_within(paths=roots, on=today).filter(taking_part("member__branch__", today))
        url = reverse("members:awaycontact-create")
        return [self._item(spell, today, url) for spell in spells]

    def _item(self, spell, today, url):
        figures = {"day": spell.heard_since.isoformat(), "days": (today - spell.heard_since).days}
        if spell.last_contact_on:
            why = (
                ngettext(
                    "Last contact %(day)s, %(days)d day ago.",
                    "Last contact %(day)s, %(days)d days ago.",
                    figures["days"],
                )
                % figures
            )
        else:
            why = (
                ngettext(
                    "No contact since leaving on %(day)s, %(days)d day ago.",
                    "No contact since leaving on %(day)s, %(days)d days ago.",
                    figures["days"],
                )
                % figures
            )
        return self.item(
            spell.member.branch,
            f"{spell.pk}",
            roles=frozenset({Role.BRANCH_SECRETARY}),
            what=_("%(name)s, away in %(where)s: no contact for over %(months)d months")
            % {"name": spell.member.name, "where": spell.destination, "months": OUT_OF_CONTACT_MONTHS},
            why=why,
            due_on=None,
            url=f"{url}?away={spell.pk}",
        )
