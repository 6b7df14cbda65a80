"""The member archive as a PDF: an export like any other (docs/security.md, "Personal data"): the ID number,
phone and address in full only for a user holding ``unmask`` on the member's branch, masked for everyone
else, and each download a security event."""

import contextlib

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils import translation

from branches.models import SecurityEventKind
from branches.personal import Unmasker
from branches.personal import mask
from branches.services import security_event_record
from partybuild.pdf import html_to_pdf

from ..models import Member
from ..selectors.archive import MemberArchive

TEMPLATE = "members/archive/pdf.html"


def personal_values(member: Member, *, unmasked: bool) -> dict:
    """The member's personal fields as this reader may see them."""
    return {
        name: getattr(member, name) if unmasked else mask(kind, getattr(member, name))
        for name, kind in Member.personal_fields.items()
    }


def member_archive_pdf(*, actor, archive: MemberArchive, ip_address=None) -> bytes:
    member = archive.member
    return personal_pdf(
        actor, member, member, TEMPLATE, organization=member.branch, ip_address=ip_address, archive=archive
    )


def personal_pdf(
    actor, record, member: Member, template: str, *, organization, ip_address, language=None, **context
) -> bytes:
    """``template`` as a PDF about ``record`` of ``member``, their personal fields unmasked only for a reader
    holding ``unmask`` on ``organization`` (in ``language``, when given); the download is recorded."""
    unmasked = Unmasker(actor).allows(organization)
    context |= {
        "member": member,
        "personal": personal_values(member, unmasked=unmasked),
        "generated_at": timezone.localtime(),
    }
    with translation.override(language) if language else contextlib.nullcontext():
        content = html_to_pdf(render_to_string(template, context))
    pdf_export_record(actor, record, organization=organization, ip_address=ip_address, unmasked=unmasked)
    return content


def pdf_export_record(actor, record, *, organization, ip_address, unmasked: bool) -> None:
    """The security event of one record downloaded as a PDF, its personal fields in full or masked."""
    security_event_record(
        kind=SecurityEventKind.EXPORT,
        user=actor,
        organization=organization,
        ip_address=ip_address,
        detail={
            "model": record._meta.label_lower,
            "record": record.pk,
            "format": "pdf",
            "rows": 1,
            "unmasked_rows": int(unmasked),
        },
    )
