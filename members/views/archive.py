"""The member archive (党员档案) under /people/members/<id>/: the page, its PDF, and the "show phone / call"
action. Everyone who may read the member opens it (outside the reader's scope: 404, like a missing one);
what each may do from it follows the role table (docs/scope-and-roles.md)."""

import io
import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST

from branches.personal import mask_address
from branches.personal import mask_id_number
from branches.personal import mask_phone
from branches.scope.navigation import SIGNED_IN
from branches.scope.navigation import requires
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from partybuild.http import client_ip

from ..forms.events import transfer_targets
from ..models import ON_ROLL
from ..models import MemberCategory
from ..selectors.archive import member_archive
from ..selectors.archive import member_archive_get
from ..services.archive import member_archive_pdf
from ..services.roster import member_phone_reveal

PAGE = "members/archive/page.html"
NOT_DIALLED = re.compile(r"[^0-9+]")
PHONE = "members/archive/_phone.html"
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


def _member(request, pk):
    member = member_archive_get(user=request.user, pk=pk)
    if member is None:
        raise Http404
    return member


def _actions(user, member) -> dict:
    """What the reader may do from the archive: links shown only where the page behind them would open."""
    keeps_records = organization_in_scope(user, member.branch, Capability.RECORDS)
    reviews = organization_in_scope(user, member.branch, Capability.REVIEW)
    extendable = member.category == MemberCategory.PROBATIONARY and not member.probation_extension
    return {
        "can_call": keeps_records and bool(member.phone),
        "can_edit": keeps_records,
        "can_transfer": keeps_records and transfer_targets(user, member).exists(),
        "can_extend": reviews and extendable,
        "can_issue_letter": keeps_records and member.status in ON_ROLL,
    }


def _page(request, member, *, phone=None):
    archive = member_archive(user=request.user, member=member)
    context = {
        "member": member,
        "archive": archive,
        "masked": {
            "id_number": mask_id_number(member.id_number),
            "phone": mask_phone(member.phone),
            "address": mask_address(member.address),
        },
        "phone": phone,
        "tel": NOT_DIALLED.sub("", phone or ""),
        **_actions(request.user, member),
    }
    return render(request, PAGE, context)


@login_required
@requires(SIGNED_IN)
@require_GET
def member_archive_page(request, pk):
    return _page(request, _member(request, pk))


@login_required
@requires(SIGNED_IN)
@require_GET
def member_archive_download(request, pk):
    member = _member(request, pk)
    archive = member_archive(user=request.user, member=member)
    content = member_archive_pdf(actor=request.user, archive=archive, ip_address=client_ip(request))
    name = UNSAFE_FILENAME.sub("_", member.name)
    filename = f"党员档案-{name}-{timezone.localdate():%Y%m%d}.pdf"
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
@requires(SIGNED_IN)
@require_POST
def member_phone(request, pk):
    """Reveal the phone to call the member (a security event); htmx swaps in the number and its tel: link,
    a browser without scripts gets the whole page back with it."""
    member = _member(request, pk)
    phone = member_phone_reveal(actor=request.user, member=member, ip_address=client_ip(request))
    if request.headers.get("HX-Request"):
        context = {"member": member, "phone": phone, "tel": NOT_DIALLED.sub("", phone), "can_call": True}
        return render(request, PHONE, context)
    return _page(request, member, phone=phone)


def archive_url(member) -> str:
    return reverse("members:member-archive", args=[member.pk])


urlpatterns = [
    path("members/<int:pk>/", member_archive_page, name="member-archive"),
    path("members/<int:pk>/archive.pdf", member_archive_download, name="member-archive-pdf"),
    path("members/<int:pk>/phone/", member_phone, name="member-phone"),
]
