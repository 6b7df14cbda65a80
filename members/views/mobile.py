"""Members working away (docs/mobile-members.md): the list of members away in a branch or a township with
their last contact, and the phone pages that record a member leaving, coming back and being contacted."""

from django.urls import path
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.scope.columns import Column
from branches.scope.lists import ScopedListView
from branches.views.columns import DESKTOP_ONLY
from branches.views.columns import PHONE_ONLY_WIDE
from branches.views.entry import EntryView
from branches.views.entry import asked_number
from branches.views.entry import entry_urls

from ..filters.mobile import AwayRecordFilter
from ..forms.mobile import AwayBackForm
from ..forms.mobile import AwayContactForm
from ..forms.mobile import AwayRecordEditForm
from ..forms.mobile import AwayRecordForm
from ..models import AwayRecord
from ..selectors.mobile import away_now_list
from ..selectors.mobile import is_out_of_contact
from ..services.mobile import away_contact_record
from ..services.mobile import away_record_end
from ..services.mobile import away_record_start
from ..services.mobile import away_record_update


def _last_contact(away, view) -> str:
    day = away.last_contact_on
    text = f"{day:%Y-%m-%d}" if day else str(_("none yet"))
    if is_out_of_contact(away, on=timezone.localdate()):
        text = f"{text} · {_('out of contact')}"
    return text


class AwayRecordListView(ScopedListView):
    model = AwayRecord
    list_selector = staticmethod(away_now_list)
    title = _("Members working away")
    filterset_class = AwayRecordFilter
    filter_fields = ("within", "out_of_contact")
    search_fields = ("member__name",)
    default_ordering = ("heard_since", "member__branch__path", "member__name", "pk")
    columns = (
        Column("member", _("party member"), "member.name", sort="member__name", link=True),
        Column(
            "branch", _("branch"), "member.branch.name", sort="member__branch__path", classes=PHONE_ONLY_WIDE
        ),
        Column("destination", _("working away in"), sort="destination"),
        Column("last_contact_on", _("last contact"), _last_contact, sort="heard_since"),
        Column("left_on", _("left on"), sort="left_on", classes=PHONE_ONLY_WIDE),
        Column("host_organization", _("party organization attended there"), classes=DESKTOP_ONLY),
        Column("contact_name", _("contact person"), classes=DESKTOP_ONLY),
    )


class _AwayEntry(EntryView):
    list_url_name = "members:awayrecord-list"


class AwayCreate(_AwayEntry):
    form_class = AwayRecordForm
    title = _("A member leaves to work away")
    create_service = staticmethod(away_record_start)

    def form_kwargs(self):
        kwargs = super().form_kwargs()
        member = asked_number(self.request, "member")
        if member is not None:
            kwargs["initial"] = {"member": member}
        return kwargs


class AwayEdit(_AwayEntry):
    form_class = AwayRecordEditForm
    model = AwayRecord
    title = _("Edit a spell working away")
    template_name = "members/entry/away.html"
    update_service = staticmethod(away_record_update)

    def context(self, form):
        return {
            "extra_links": [
                (reverse("members:awayrecord-back", args=[self.object.pk]), _("The member came back")),
                (f"{reverse('members:awaycontact-create')}?away={self.object.pk}", _("Record a contact")),
            ]
        }


class AwayBack(_AwayEntry):
    form_class = AwayBackForm
    model = AwayRecord
    title = _("A member came back")
    update_service = staticmethod(away_record_end)


class AwayContactCreate(_AwayEntry):
    form_class = AwayContactForm
    title = _("Record a contact with a member away")
    create_service = staticmethod(away_contact_record)

    def form_kwargs(self):
        return {**super().form_kwargs(), "away": asked_number(self.request, "away")}


urlpatterns = [
    *AwayRecordListView.urls("away"),
    *entry_urls("away", "awayrecord", AwayCreate, AwayEdit),
    path("away/<int:pk>/back/", AwayBack.as_view(), name="awayrecord-back"),
    path("away/contact/", AwayContactCreate.as_view(), name="awaycontact-create"),
]
