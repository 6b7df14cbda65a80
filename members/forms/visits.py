"""Household visits: the quick entry a secretary reaches in two taps, and the edit of a logged visit."""

from django.db.models import Q
from django.utils import timezone

from branches.forms import ServiceModelForm
from branches.forms import VersionedFormMixin

from ..models import Cadre
from ..models import VisitLog
from ..models.activities import VISIT_FIELDS
from ..picker import VisitCadrePicker
from ..picker import search_when_many
from ..selectors.visits import own_secretary_post


def cadre_label(cadre: Cadre) -> str:
    organization = cadre.organization
    return f"{cadre.name} · {cadre.get_post_display()} · {organization.short_name or organization.name}"


def visit_cadres(user, *, on, current=None):
    """Post rows a visit may be logged under: serving village cadres of the branches ``user`` keeps records
    for (plus the visit's own cadre when editing). One query when evaluated."""
    condition = Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    if current is not None:
        condition |= Q(pk=current.pk)
    return (
        Cadre.objects.restrict(user, "change")
        .filter(condition)
        .select_related("organization")
        .order_by("organization__path", "post", "name", "pk")
    )


class VisitForm(ServiceModelForm):
    """Who visited (the secretary's own post preselected), which household, when, what was raised."""

    class Meta:
        model = VisitLog
        fields = VISIT_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        current = self.instance.cadre if self.instance.pk else None
        cadres = visit_cadres(user, on=today, current=current)
        field = self.fields["cadre"]
        field.queryset = cadres
        field.label_from_instance = cadre_label
        search_when_many(field, VisitCadrePicker())
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("visited_on", today)
            own = own_secretary_post(user, today)
            if own.cadre is not None:
                self.initial.setdefault("cadre", own.cadre.pk)
        self.fields["household_name"].widget.attrs.update(
            {"autocomplete": "off", "list": "households-visited"}
        )


class VisitEditForm(VersionedFormMixin, VisitForm):
    pass
