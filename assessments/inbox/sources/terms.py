"""Terms ending (docs/inbox.md, "Terms ending"; the rules: docs/terms.md, "Reminders and overdue"): an
organization's current term whose last day is six months away or less, three months or less, or past, for
those who prepare the election. The stage is ``members.terms_rules.term_stage``, the quota run's own bounds;
the item leaves when a new term starts or an extension moves the last day. One query."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from branches.models import COMMITTEE_KINDS
from branches.scope.roles import Role
from members.selectors.terms import terms_ending_within
from members.terms_rules import Stage
from members.terms_rules import term_stage

from ...models import AlertKind
from ..items import Source
from ..items import taking_part

# The alert's own label names each stage, so the inbox and the alert list read alike.
WHAT = {
    Stage.ENDS_6M: AlertKind.TERM_ENDS_6M,
    Stage.ENDS_3M: AlertKind.TERM_ENDS_3M,
    Stage.OVERDUE: AlertKind.TERM_OVERDUE,
}


class TermsEnding(Source):
    key = "terms"
    label = gettext_lazy("Terms ending")

    def collect(self, *, roots, today):
        terms = terms_ending_within(paths=roots, day=today).filter(taking_part("organization__", today))
        return [self._item(term, today) for term in terms]

    def _item(self, term, today):
        stage = term_stage(term.ends_on, today)
        organization = term.organization
        # A branch's election is its secretary's to prepare and the township's to approve; a committee's
        # own (township or street) is the township's, approved by the county.
        if organization.kind in COMMITTEE_KINDS:
            roles = frozenset({Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN})
        else:
            roles = frozenset({Role.BRANCH_SECRETARY, Role.TOWNSHIP_STAFF})
        days = (term.ends_on - today).days
        if days < 0:
            left = ngettext(
                "Over %(days)d day ago: hold the election.",
                "Over %(days)d days ago: hold the election.",
                -days,
            ) % {"days": -days}
        else:
            left = ngettext(
                "%(days)d day left: prepare the election.", "%(days)d days left: prepare the election.", days
            ) % {"days": days}
        extended = _(" (extended)") if term.extended_to else ""
        return self.item(
            organization,
            f"{term.pk}:{stage}",
            roles=roles,
            what=WHAT[stage].label,
            why=_("%(kind)s term from %(start)s, last day %(end)s%(extended)s. %(left)s")
            % {
                "kind": term.get_kind_display(),
                "start": term.starts_on.isoformat(),
                "end": term.ends_on.isoformat(),
                "extended": extended,
                "left": left,
            },
            due_on=term.ends_on,
            url=reverse("members:organization-terms", args=[organization.pk]),
        )
