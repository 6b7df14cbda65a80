"""Transfer letters in the browser (docs/transfers.md): the list, a letter's page with the steps the reader
may record and its PDF, issuing a letter from a member's archive, registering a received one. The writes are
``EntryView``s over the services (members/services/transfers.py)."""

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from branches.scope.columns import Column
from branches.scope.lists import ScopedListView
from branches.scope.navigation import SIGNED_IN
from branches.scope.navigation import requires
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.views.columns import DESKTOP_ONLY
from branches.views.entry import EntryView
from branches.views.entry import StepEntryView
from partybuild.http import client_ip

from ..filters.transfers import TransferLetterFilter
from ..forms.transfers import LetterCancelForm
from ..forms.transfers import LetterIssueForm
from ..forms.transfers import LetterReceiveForm
from ..forms.transfers import LetterStepForm
from ..models import LetterDirection
from ..models import LetterStatus
from ..models import TransferLetter
from ..selectors.transfers import letter_list
from ..services import transfers as services
from ..services.letter_pdf import letter_pdf
from .events import MemberEventEntry


def letter_url(letter) -> str:
    return reverse("members:transferletter-detail", args=[letter.pk])


class TransferLetterListView(ScopedListView):
    model = TransferLetter
    list_selector = staticmethod(letter_list)
    title = _("Transfer letters")
    filterset_class = TransferLetterFilter
    filter_fields = ("status", "direction", "year")
    default_ordering = ("-issued_on", "-pk")
    detail_action = "detail"
    template_name = "members/transfers/list.html"
    columns = (
        Column("number", _("letter number"), sort="number", link=True),
        Column("member", _("party member"), "member.name"),
        Column("direction", _("direction"), "get_direction_display", classes=DESKTOP_ONLY),
        Column("from", _("from organization"), "from_label", classes=DESKTOP_ONLY),
        Column("to", _("to organization"), "to_label", classes=DESKTOP_ONLY),
        Column("issued_on", _("issued on"), sort="issued_on", classes=DESKTOP_ONLY),
        Column("valid_until", _("valid until"), sort="valid_until", classes=DESKTOP_ONLY),
        Column("state", _("status"), "state_label"),
    )

    def list_context(self, filterset, queryset, ordering) -> dict:
        context = super().list_context(filterset, queryset, ordering)
        context["receive_url"] = reverse("members:transferletter-receive") if self.user_may_write() else None
        return context


def _actions(user, letter) -> dict:
    """The steps the reader may record on ``letter``: those who keep its branch's records, on a letter issued
    out of the county and not yet settled."""
    keeps = organization_in_scope(user, letter.organization, Capability.RECORDS)
    out = letter.direction == LetterDirection.OUT
    return {
        "can_deliver": keeps and out and letter.status == LetterStatus.ISSUED,
        "can_confirm": keeps and out and letter.status in {LetterStatus.ISSUED, LetterStatus.DELIVERED},
        "can_cancel": keeps and out and letter.status == LetterStatus.ISSUED,
    }


def _letter(request, pk, action="view"):
    return get_object_or_404(letter_list(user=request.user, action=action), pk=pk)


@login_required
@requires(SIGNED_IN)
@require_GET
def letter_page(request, pk):
    letter = _letter(request, pk)
    context = {"letter": letter, "member": letter.member, **_actions(request.user, letter)}
    return render(request, "members/transfers/page.html", context)


@login_required
@requires(SIGNED_IN)
@require_GET
def letter_download(request, pk):
    letter = _letter(request, pk)
    content = letter_pdf(actor=request.user, letter=letter, ip_address=client_ip(request))
    filename = f"组织关系介绍信-{letter.number}.pdf".replace("/", "_")
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type="application/pdf"
    )


class LetterIssue(MemberEventEntry):
    form_class = LetterIssueForm
    title = _("Issue a transfer letter out of the county")
    success_message = _(
        "The letter was issued; the member stays on the roll until it is delivered or confirmed."
    )

    def save(self, form):
        return services.letter_issue(actor=self.request.user, member=self.object, **form.step_data())

    def success_url(self, record) -> str:
        if isinstance(record, TransferLetter):
            return letter_url(record)
        return super().success_url(record)


class LetterReceive(EntryView):
    form_class = LetterReceiveForm
    title = _("Register a received transfer letter")
    success_message = _("The letter was registered and the member joined the branch's roll.")
    list_url_name = "members:transferletter-list"
    create_service = staticmethod(services.letter_receive)

    def created_model(self, form):
        return TransferLetter

    def success_url(self, record) -> str:
        return letter_url(record)


class LetterStep(StepEntryView):
    """One step on one letter: the records capability on its branch, else 403 (out of scope: 404)."""

    model = TransferLetter
    form_class = LetterStepForm
    template_name = "members/transfers/step_form.html"
    list_url_name = "members:transferletter-list"
    step_record = "letter"

    def writable(self):
        return letter_list(user=self.request.user, action="change")

    def success_url(self, record) -> str:
        return letter_url(record)

    def context(self, form):
        return {"letter": self.object, "back_url": letter_url(self.object), "back_label": self.object.number}


class LetterDeliver(LetterStep):
    title = _("Record the letter as delivered")
    success_message = _("Recorded as delivered: the member left the roll on that day.")
    service = staticmethod(services.letter_mark_delivered)


class LetterConfirm(LetterStep):
    title = _("Record the receiving side's confirmation")
    success_message = _("The letter is confirmed.")
    service = staticmethod(services.letter_confirm)


class LetterCancel(LetterStep):
    form_class = LetterCancelForm
    title = _("Cancel the letter")
    success_message = _("The letter was cancelled; the member stays on the roll.")
    service = staticmethod(services.letter_cancel)


urlpatterns = [
    *TransferLetterListView.urls("transfer-letters"),
    path("transfer-letters/receive/", LetterReceive.as_view(), name="transferletter-receive"),
    path("transfer-letters/<int:pk>/", letter_page, name="transferletter-detail"),
    path("transfer-letters/<int:pk>/letter.pdf", letter_download, name="transferletter-pdf"),
    path("transfer-letters/<int:pk>/deliver/", LetterDeliver.as_view(), name="transferletter-deliver"),
    path("transfer-letters/<int:pk>/confirm/", LetterConfirm.as_view(), name="transferletter-confirm"),
    path("transfer-letters/<int:pk>/cancel/", LetterCancel.as_view(), name="transferletter-cancel"),
    path("members/<int:pk>/transfer-letter/", LetterIssue.as_view(), name="member-transfer-letter"),
]
