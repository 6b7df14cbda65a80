"""The alert for transfer letters issued out of the county and past their validity with neither delivery
nor confirmation recorded (docs/transfers.md, "Expired letters"): one per branch keeping them, set-based."""

from members.models import LetterDirection
from members.models import LetterStatus

from ..models import AlertKind
from . import sql
from .probation import alert_by_organization
from .probation import days_between
from .statements import Statements

ISSUED = f"'{LetterStatus.ISSUED.value}'"
OUT = f"'{LetterDirection.OUT.value}'"


def letters_expired(q: Statements):
    """Letters issued on or before the reference day, still only issued, whose last valid day is before it;
    detail: how many, the longest past its validity in days, and each letter's id, number, member and last
    valid day."""
    ref = sql.date_literal(q.period.ref)
    days = days_between("l.valid_until", ref)
    letter = sql.json_object(
        ("id", "l.id"),
        ("number", "l.number"),
        ("member", "m.name"),
        ("valid_until", "l.valid_until"),
        ("days", days),
    )
    expired = (
        f"SELECT l.organization_id, l.id AS letter_id, {letter} AS item, {days} AS days "
        "FROM members_transferletter l JOIN qt_scope s ON s.id = l.organization_id "
        "JOIN members_member m ON m.id = l.member_id "
        f"WHERE l.status = {ISSUED} AND l.direction = {OUT} AND l.valid_until < {ref} AND l.issued_on <= {ref}"
    )
    names = ("letters", "days_expired", "expired")
    alert_by_organization(q, AlertKind.LETTER_EXPIRED, expired, key="letter_id", order="l.id", names=names)
