"""Checklists of people (the branch roll for attendance) shared by the meeting, training and dues forms."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from ..models import Cadre
from ..models import Member
from ..selectors.roster import roll_on


def member_label(member: Member) -> str:
    return member.name


def set_checklist(field, *, validate_against, shown) -> None:
    """A checkbox list showing ``shown`` (evaluated once, here) and accepting any of ``validate_against``:
    whether a ticked person may attend is the service's rule, so its message — not "select a valid choice" —
    is what the user reads."""
    field.queryset = validate_against
    field.widget.choices = [(person.pk, field.label_from_instance(person)) for person in shown]


def record_day(form, field_name: str, asked=None):
    """The day a record's checklists show its people on: the day posted, asked for (a reload) or stored,
    else today while it is not yet known or not a date."""
    if form.is_bound:
        value = form.data.get(form.add_prefix(field_name))
        try:
            value = form.fields[field_name].to_python(value)
        except forms.ValidationError:
            value = None
    else:
        value = asked or getattr(form.instance, field_name, None)
    return value or timezone.localdate()


def chosen_organization(form, field_name: str, asked=None):
    """The organization whose people a record's checklists show: the one posted in ``field_name``, or asked
    for (a reload), else None; None too for one outside the field's choices or not a number."""
    pk = form.data.get(form.add_prefix(field_name)) if form.is_bound else asked
    if not pk:
        return None
    try:
        return form.fields[field_name].queryset.filter(pk=pk).first()
    except (ValueError, TypeError):
        return None


def roll_of(organization, *, on, recorded=None):
    """Members on the roll of ``organization``'s subtree on ``on``, the record's day (docs/records.md, "On the
    roll on a day"), plus those already recorded on the record."""
    condition = Q(pk__in=[])
    if organization is not None:
        condition |= Q(pk__in=roll_on(organization, on).values("pk"))
    if recorded is not None:
        condition |= Q(pk__in=recorded)
    return Member.objects.filter(condition).only("pk", "name").order_by("name", "pk")


def set_roll_checklist(form, name: str, *, user, on) -> None:
    """The record's checklist ``name`` of members: the roll of ``form.organization`` on ``on`` and the members
    the record already has, shown by name; any member ``user`` may view is accepted (``set_checklist``)."""
    field = form.fields[name]
    field.label_from_instance = member_label
    recorded = getattr(form.instance, name).values("pk") if form.instance.pk else None
    set_checklist(
        field,
        validate_against=Member.objects.restrict(user, "view"),
        shown=roll_of(form.organization, on=on, recorded=recorded),
    )


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
