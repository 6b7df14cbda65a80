"""Cadre posts and the village reserve roster. A person who is a member is chosen from the roll; the
service copies their name, gender, birth date and education, so those may stay empty here."""

from branches.forms import (
    ServiceModelForm,
    VersionedFormMixin,
    hide_single_choice,
    limit_organization_field,
    records_organizations,
)

from ..models import Cadre, Member, ReserveCadre

FILLED_FROM_MEMBER = ("name", "gender", "birth_date", "education", "political_status")


def _member_choices(form, user) -> None:
    field = form.fields["member"]
    current = getattr(form.instance, "member", None)
    queryset = Member.objects.restrict(user, "view").order_by("name", "pk")
    if current is not None:
        queryset = (queryset | Member.objects.filter(pk=current.pk)).distinct().order_by("name", "pk")
    field.queryset = queryset
    field.label_from_instance = lambda member: member.name


def _optional_when_member(form) -> None:
    for name in FILLED_FROM_MEMBER:
        if name in form.fields:
            form.fields[name].required = False
            form.fields[name].widget.is_required = False


class CadreForm(ServiceModelForm):
    single_organization = None

    class Meta:
        model = Cadre
        fields = [
            "organization",
            "post",
            "member",
            "name",
            "gender",
            "birth_date",
            "education",
            "phone",
            "started_on",
            "ended_on",
            "sending_unit",
            "note",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.organization if self.instance.pk else None
        limit_organization_field(self.fields["organization"], records_organizations(user), current=current)
        hide_single_choice(self, "organization")
        _member_choices(self, user)
        _optional_when_member(self)

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in ("name", "gender", "education", "phone", "sending_unit", "note"):
            if data.get(name) is None:
                data[name] = ""
        return data


class CadreEditForm(VersionedFormMixin, CadreForm):
    pass


class ReserveCadreForm(ServiceModelForm):
    single_organization = None

    class Meta:
        model = ReserveCadre
        fields = [
            "organization",
            "member",
            "name",
            "gender",
            "birth_date",
            "education",
            "phone",
            "political_status",
            "source",
            "entered_on",
            "mentor",
            "trainings_attended",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.organization if self.instance.pk else None
        villages = records_organizations(user).rural()
        limit_organization_field(self.fields["organization"], villages, current=current)
        hide_single_choice(self, "organization")
        _member_choices(self, user)
        _optional_when_member(self)

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in ("name", "gender", "education", "phone", "political_status", "mentor"):
            if data.get(name) is None:
                data[name] = ""
        if data.get("trainings_attended") is None:
            data["trainings_attended"] = 0
        return data


class ReserveCadreEditForm(VersionedFormMixin, ReserveCadreForm):
    pass
