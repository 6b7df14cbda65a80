"""Cadre posts and the village reserve roster. A person who is a member is chosen from the roll; the
service copies their name, gender, birth date and education, so those may stay empty here."""

from branches.forms import RECORDS_SOURCE
from branches.forms import RURAL_RECORDS_SOURCE
from branches.forms import ServiceModelForm
from branches.forms import VersionedFormMixin
from branches.forms import hide_single_choice
from branches.forms import limit_organization_field
from branches.forms import records_organizations

from ..models import Cadre
from ..models import Member
from ..models import ReserveCadre
from ..models.cadres import CADRE_FIELDS
from ..models.cadres import RESERVE_FIELDS
from ..picker import MemberPicker
from ..picker import search_when_many

FILLED_FROM_MEMBER = ("name", "gender", "birth_date", "education", "political_status")


def _member_choices(form, user) -> None:
    field = form.fields["member"]
    current = getattr(form.instance, "member", None)
    queryset = Member.objects.restrict(user, "view").order_by("name", "pk")
    if current is not None:
        queryset = (queryset | Member.objects.filter(pk=current.pk)).distinct().order_by("name", "pk")
    field.queryset = queryset
    field.label_from_instance = lambda member: member.name
    search_when_many(field, MemberPicker())


def _optional_when_member(form) -> None:
    for name in FILLED_FROM_MEMBER:
        if name in form.fields:
            form.fields[name].required = False
            form.fields[name].widget.is_required = False


class PostHolderForm(ServiceModelForm):
    """A cadre post or a reserve cadre: the organization among those the user enters records for, the
    member among those they can see; what is left empty reaches the service as "" (``text_fields``)."""

    single_organization = None
    text_fields: tuple[str, ...] = ()
    source = RECORDS_SOURCE

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.organization if self.instance.pk else None
        limit_organization_field(
            self.fields["organization"], self.organizations(user), current=current, source=self.source
        )
        hide_single_choice(self, "organization")
        _member_choices(self, user)
        _optional_when_member(self)

    def organizations(self, user):
        return records_organizations(user)

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in self.text_fields:
            if data.get(name) is None:
                data[name] = ""
        return data


class CadreForm(PostHolderForm):
    text_fields = ("name", "gender", "education", "phone", "sending_unit", "note")

    class Meta:
        model = Cadre
        fields = CADRE_FIELDS


class CadreEditForm(VersionedFormMixin, CadreForm):
    pass


class ReserveCadreForm(PostHolderForm):
    text_fields = ("name", "gender", "education", "phone", "political_status", "mentor")

    class Meta:
        model = ReserveCadre
        fields = RESERVE_FIELDS

    source = RURAL_RECORDS_SOURCE

    def organizations(self, user):
        return records_organizations(user).rural()

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        if data.get("trainings_attended") is None:
            data["trainings_attended"] = 0
        return data


class ReserveCadreEditForm(VersionedFormMixin, ReserveCadreForm):
    pass
