"""Checklists of people (the branch roll for attendance) shared by the meeting and training forms."""

from django import forms
from django.db.models import Q

from ..models import ON_ROLL, Cadre, Member


def member_label(member: Member) -> str:
    return member.name


def set_checklist(field, *, validate_against, shown) -> None:
    """A checkbox list showing ``shown`` (evaluated once, here) and accepting any of ``validate_against``:
    whether a ticked person may attend is the service's rule, so its message — not "select a valid choice" —
    is what the user reads."""
    field.queryset = validate_against
    field.widget.choices = [(person.pk, field.label_from_instance(person)) for person in shown]


def roll_of(organization, *, recorded=None):
    """Members on the roll of ``organization``'s subtree, plus those already recorded on the record."""
    condition = Q(pk__in=[])
    if organization is not None:
        condition |= Q(branch__path__startswith=organization.path, status__in=ON_ROLL)
    if recorded is not None:
        condition |= Q(pk__in=recorded)
    return Member.objects.filter(condition).only("pk", "name").order_by("name", "pk")


def cadres_of(organization, *, on, recorded=None):
    """Post rows in ``organization``'s subtree serving on ``on``, plus those already recorded."""
    condition = Q(pk__in=[])
    if organization is not None:
        condition |= Q(organization__path__startswith=organization.path, started_on__lte=on) & (
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )
    if recorded is not None:
        condition |= Q(pk__in=recorded)
    return Cadre.objects.filter(condition).order_by("name", "pk")


class Checklist(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=Member.objects.none(), **kwargs)
