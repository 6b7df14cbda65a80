"""A transfer letter with its stub (存根) as an A4 PDF (docs/transfers.md, "The printed letter"): an export
like the member archive (members/services/archive.py): the ID number in full only for a user holding
``unmask`` on the letter's branch, and each download a security event."""

from ..models import TransferLetter
from .archive import personal_pdf

TEMPLATE = "members/transfers/pdf.html"


def age_on(birth_date, day) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def letter_pdf(*, actor, letter: TransferLetter, ip_address=None) -> bytes:
    member = letter.member
    return personal_pdf(
        actor,
        letter,
        member,
        TEMPLATE,
        organization=letter.organization,
        ip_address=ip_address,
        language="zh-hans",  # the official form, whatever the reader's language
        letter=letter,
        age=age_on(member.birth_date, letter.issued_on),
    )
