"""The alert for members working away out of contact (docs/mobile-members.md, docs/quotas.md "Alerts").

A member on the roll of a branch on ``ref`` who is away that day (a spell with ``left_on`` ≤ ``ref`` and no
``back_on``, or one after ``ref``) and whose last contact up to ``ref`` — or, with none, the day they left — is
earlier than ``members.selectors.mobile.out_of_contact_before(ref)`` (six calendar months back) is out of
contact. One alert per branch, for every member of the scope at once: two statements."""

from members.models import AwayContact
from members.models import AwayRecord
from members.selectors.mobile import out_of_contact_before

from ..models import AlertKind
from . import sql
from .people_stages import roll
from .probation import members_alert
from .statements import Statements


def out_of_contact(q: Statements):
    ref = sql.date_literal(q.period.ref)
    cutoff = sql.date_literal(out_of_contact_before(q.period.ref))
    away, contacts = AwayRecord._meta.db_table, AwayContact._meta.db_table
    last = (
        f"(SELECT MAX(c.contacted_on) FROM {contacts} c WHERE c.away_id = a.id AND c.contacted_on <= {ref})"
    )
    q.temp(
        "qt_away",
        f"SELECT r.branch_id AS organization_id, a.member_id AS member_id, m.name AS name, "
        f"COALESCE({last}, a.left_on) AS heard_on FROM {away} a "
        f"JOIN ({roll(q)}) r ON r.member_id = a.member_id JOIN qt_scope s ON s.id = r.branch_id "
        "JOIN members_member m ON m.id = a.member_id "
        f"WHERE a.left_on <= {ref} AND (a.back_on IS NULL OR a.back_on > {ref})",
        analyze=False,
    )
    names = ("members", "days_silent", "silent")
    members_alert(q, AlertKind.OUT_OF_CONTACT, "qt_away", "heard_on", before=cutoff, names=names)
