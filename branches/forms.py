"""Browser forms over an organization's own records, and the parts every data-entry form shares.

A form here never decides a rule: it collects what the user typed, the view hands it to the service, and the
service's ValidationError is put back onto the fields it names (``apply_service_errors``). Models give the
labels, choices and lengths (``ServiceModelForm`` skips the model validation a ModelForm would run: the
service runs it, with its own rules, in one place). Edit forms carry the record's ``version`` for
optimistic locking.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import BRANCH_KINDS
from .models import RURAL_FIELDS
from .models import ActivityRoom
from .models import Organization
from .models.records import ROOM_FIELDS
from .picker import PickerSource
from .picker import pick_from
from .scope.roles import Capability

CONFLICT_WHO_WHEN = _(
    "%(who)s changed this record at %(when)s, after you opened it. Nothing of yours was saved: reload the "
    "record to see their version, then make your change again."
)
CONFLICT_UNKNOWN = _(
    "This record was changed by someone else after you opened it. Nothing of yours was saved: reload the "
    "record to see the current version, then make your change again."
)


class DateInput(forms.DateInput):
    """The phone's own date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def conflict_message(stale) -> str:
    """What a stale write tells the user: who changed the record, and when (from ``StaleWrite``)."""
    payload = getattr(stale, "payload", {}) or {}
    who, when = payload.get("changed_by"), payload.get("changed_at")
    if who and when:
        return CONFLICT_WHO_WHEN % {"who": who, "when": date_format(timezone.localtime(when), "Y-m-d H:i")}
    return str(CONFLICT_UNKNOWN)


class EntryFormMixin:
    """Bootstrap classes on every widget, the phone's date picker, and a service's errors on the fields."""

    # Fields of a service's error that a form shows under another name (e.g. the service's "on").
    error_aliases: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self._style(field)

    @staticmethod
    def _style(field) -> None:
        widget = field.widget
        if isinstance(field, forms.DateField) and not isinstance(widget, (forms.HiddenInput, DateInput)):
            widget = field.widget = DateInput(attrs=widget.attrs)
            widget.is_required = field.required
        if isinstance(widget, forms.HiddenInput):
            return
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if isinstance(widget, forms.Textarea):
            widget.attrs["rows"] = 3
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def visible_field(self, name: str) -> bool:
        field = self.fields.get(name)
        return field is not None and not isinstance(field.widget, forms.HiddenInput)

    def apply_service_errors(self, error: ValidationError) -> None:
        """Put each message of ``error`` beside the field it names, the others at the top of the form."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for field, messages in error.message_dict.items():
            name = self.error_aliases.get(field, field)
            target = name if self.visible_field(name) else None
            for message in messages:
                self.add_error(target, message)

    def mark_invalid(self) -> None:
        """Bootstrap's red outline on every field with an error."""
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and "is-invalid" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} is-invalid".strip()


class ServiceModelForm(EntryFormMixin, forms.ModelForm):
    """A ModelForm for its fields only: it neither validates nor writes the instance (the service does)."""

    def _post_clean(self):
        pass


class VersionedFormMixin(forms.Form):
    """Edit forms: the version the user opened, handed to the service as ``expected_version``."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and instance.pk:
            self.initial.setdefault("version", instance.version)

    def pop_version(self) -> int | None:
        return self.cleaned_data.pop("version", None)


def records_organizations(user, *, kinds=None):
    """Organizations ``user`` may enter records for (the "records" capability's subtrees), active, in tree
    order. For a secretary of one branch that is the branch alone (what the quick entry's ``own_branch``
    falls back on), so the form presets and hides it (``hide_single_choice``); a user who also holds a
    township role keeps the township's branches to choose from."""
    queryset = Organization.objects.restrict(user, Capability.RECORDS).active().order_by("path")
    if kinds is not None:
        queryset = queryset.filter(kind__in=kinds)
    return queryset


# What the organization picker of an entry form searches (branches/picker.py): the organizations the user
# enters records for, as ``records_organizations`` gives them; the form's queryset is what it accepts.
RECORDS_SOURCE = PickerSource(Capability.RECORDS, active=True)
BRANCH_RECORDS_SOURCE = PickerSource(Capability.RECORDS, kinds=tuple(BRANCH_KINDS), active=True)
RURAL_RECORDS_SOURCE = PickerSource(
    Capability.RECORDS, kinds=tuple(BRANCH_KINDS), fields=tuple(RURAL_FIELDS), active=True
)


def limit_organization_field(field, queryset, *, current=None, source=RECORDS_SOURCE) -> None:
    """Offer ``queryset`` (plus the record's current organization) through the organization picker that
    searches ``source``; one choice is chosen and hidden (``hide_single_choice``)."""
    if current is not None:
        queryset = (queryset | Organization.objects.filter(pk=current.pk)).distinct().order_by("path")
    pick_from(field, queryset, source)
    field.empty_label = None
    field.label_from_instance = lambda organization: organization.name


def hide_single_choice(form, name: str) -> None:
    """A secretary of one branch does not choose it: the field becomes hidden and preset."""
    field = form.fields[name]
    choices = list(field.queryset[:2])
    if len(choices) == 1:
        field.widget = forms.HiddenInput()
        if not form.is_bound and not form.initial.get(name):
            form.initial[name] = choices[0].pk
        form.single_organization = choices[0]


# --- activity rooms ---------------------------------------------------------------------------------------


class ActivityRoomForm(ServiceModelForm):
    single_organization = None

    class Meta:
        model = ActivityRoom
        fields = ROOM_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.organization if self.instance.pk else None
        limit_organization_field(self.fields["organization"], records_organizations(user), current=current)
        hide_single_choice(self, "organization")


class ActivityRoomEditForm(VersionedFormMixin, ActivityRoomForm):
    pass
