"""A transfer letter with its stub (存根) as an A4 PDF (docs/transfers.md, "The printed letter"): an export
like the member archive (members/services/archive.py): the ID number in full only for a user holding
``unmask`` on the letter's branch, and each download a security event."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from branches.personal import Unmasker
from partybuild.pdf import html_to_pdf

from ..models import TransferLetter
from .archive import pdf_export_record, personal_values

TEMPLATE = "members/transfers/pdf.html"


def age_on(birth_date, day) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def letter_pdf(*, actor, letter: TransferLetter, ip_address=None) -> bytes:
    member = letter.member
    unmasked = Unmasker(actor).allows(letter.organization)
    context = {
        "letter": letter,
        "member": member,
        "age": age_on(member.birth_date, letter.issued_on),
        "personal": personal_values(member, unmasked=unmasked),
        "generated_at": timezone.localtime(),
    }
    with translation.override("zh-hans"):  # the official form, whatever the reader's language
        content = html_to_pdf(render_to_string(TEMPLATE, context))
    organization = letter.organization
    pdf_export_record(actor, letter, organization=organization, ip_address=ip_address, unmasked=unmasked)
    return content
