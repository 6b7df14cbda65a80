"""A member leaves to work away, comes back, or is contacted: the phone forms (docs/mobile-members.md)."""

from django import forms
from django.utils import timezone

from branches.forms import ServiceModelForm
from branches.forms import VersionedFormMixin

from ..models import ON_ROLL
from ..models import AwayContact
from ..models import AwayRecord
from ..models import Member
from ..models.mobile import AWAY_DETAIL_FIELDS


def away_label(away: AwayRecord) -> str:
    return f"{away.member.name} · {away.destination}"


class AwayRecordForm(ServiceModelForm):
    class Meta:
        model = AwayRecord
        fields = ("member", *AWAY_DETAIL_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "member" in self.fields:
            members = Member.objects.restrict(user, "change").filter(status__in=ON_ROLL)
            self.fields["member"].queryset = members.only("pk", "name").order_by("name", "pk")
            asked = self.initial.get("member")
            if asked is None and not self.is_bound:
                self.initial.setdefault("left_on", timezone.localdate())
        self.fields["contact_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})


class AwayRecordEditForm(VersionedFormMixin, AwayRecordForm):
    class Meta:
        model = AwayRecord
        fields = AWAY_DETAIL_FIELDS


class AwayBackForm(VersionedFormMixin, ServiceModelForm):
    class Meta:
        model = AwayRecord
        fields = ["back_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["back_on"].required = True
        if not self.is_bound:
            self.initial.setdefault("back_on", timezone.localdate())


class AwayContactForm(ServiceModelForm):
    class Meta:
        model = AwayContact
        fields = ["away", "contacted_on", "way", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, away=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["away"]
        open_spells = AwayRecord.objects.restrict(user, "change").filter(back_on__isnull=True)
        field.queryset = open_spells.select_related("member").order_by("member__name", "pk")
        field.label_from_instance = away_label
        if not self.is_bound:
            self.initial.setdefault("contacted_on", timezone.localdate())
            if away is not None:
                self.initial.setdefault("away", away)
