"""A member's membership events in the browser, linked from the archive: transfer within the county, status
change, extension of the probation. Each is an ``EntryView`` over its service (members/services/roster.py):
every error of one submission at once, the record's version for the conflict, back to the archive after."""

from django.urls import path
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from branches.scope.roles import Capability
from branches.views.entry import StepEntryView

from ..forms.events import ExtensionForm
from ..forms.events import StatusChangeForm
from ..forms.events import TransferForm
from ..models import Member
from ..selectors.roster import member_list
from ..services.roster import member_change_status
from ..services.roster import member_extend_probation
from ..services.roster import member_transfer


class MemberEventEntry(StepEntryView):
    """One step on one member; ``capability`` on the member's branch, else 403 (out of scope: 404)."""

    model = Member
    template_name = "members/archive/event_form.html"
    list_url_name = "members:member-list"
    step_record = "member"

    def writable(self):
        return member_list(user=self.request.user, action="change")

    def success_url(self, record) -> str:
        return reverse("members:member-archive", args=[record.pk])

    def context(self, form):
        # The page's way back (its "← name" link and Cancel) is the member's archive, named by the member.
        return {"member": self.object, "organization": self.object, "back_url": self.success_url(self.object)}


class MemberTransfer(MemberEventEntry):
    form_class = TransferForm
    title = _("Transfer to another branch")
    success_message = _("The member was transferred.")
    service = staticmethod(member_transfer)


class MemberChangeStatus(MemberEventEntry):
    form_class = StatusChangeForm
    title = _("Change the member's status")
    success_message = _("The status was changed.")
    service = staticmethod(member_change_status)


class MemberExtendProbation(MemberEventEntry):
    form_class = ExtensionForm
    title = _("Extend the probation")
    success_message = _("The probation was extended.")
    service = staticmethod(member_extend_probation)
    capability = Capability.REVIEW


urlpatterns = [
    path("members/<int:pk>/transfer/", MemberTransfer.as_view(), name="member-transfer"),
    path("members/<int:pk>/status/", MemberChangeStatus.as_view(), name="member-change-status"),
    path(
        "members/<int:pk>/extend-probation/", MemberExtendProbation.as_view(), name="member-extend-probation"
    ),
]
