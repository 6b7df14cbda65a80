"""The organization picker: search-as-you-type in place of a select box of every organization in scope,
which at the province tier is 52,000 options and megabytes of HTML on every list page (docs/scale.md).

The widget renders a text box and a hidden input named after the field. While typing, htmx asks
``branches:organization-pick`` for a few matching organizations of the user's scope (``static/js/picker.js``
puts a clicked one's id into the hidden input). Without script, the text box is sent as ``<name>_text``:
a code or an exact name chooses the organization on submit. Either way the form's own queryset validates the
choice, so the search only helps: it can never widen what a form accepts.

``PickerSource`` names the organizations offered (a capability, kinds, fields, only active ones); the form's
queryset and the search both start from ``restrict(user, capability)``.
"""

from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .scope.roles import Capability

TEXT_SUFFIX = "_text"


@dataclass(frozen=True)
class PickerSource:
    capability: str = Capability.VIEW
    kinds: tuple = ()
    fields: tuple = ()
    active: bool = False

    def query(self) -> str:
        params = [("capability", self.capability)]
        params += [("kind", kind) for kind in sorted(self.kinds)]
        params += [("field", field) for field in sorted(self.fields)]
        if self.active:
            params.append(("active", "1"))
        return urlencode(params)


def names(queryset, text: str):
    """The organizations of ``queryset`` whose code or name is ``text``."""
    return queryset.filter(Q(code=text) | Q(name=text))


def text_match(queryset, text: str):
    """The organizations of ``queryset`` whose code is ``text``, else whose name is exactly ``text``."""
    text = text.strip()
    by_code = queryset.filter(code=text)
    return by_code if by_code.exists() else queryset.filter(name=text)


class SearchPicker(forms.Widget):
    """A ModelChoiceField's widget searching as one types (``self.choices`` is the field's
    ModelChoiceIterator, so ``.queryset`` is what the field accepts). A subclass names its search
    (``search_url``), what a typed text names (``names`` and ``text_match``) and the label's column."""

    template_name = "branches/_organization_picker.html"
    placeholder = _("Type a name or code")
    label_column = "name"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = ()

    def search_url(self) -> str:
        raise NotImplementedError

    def names(self, queryset, text: str):
        return queryset.filter(**{self.label_column: text})

    def text_match(self, queryset, text: str):
        return self.names(queryset, text.strip())

    def _queryset(self):
        return getattr(self.choices, "queryset", None)

    def value_from_datadict(self, data, files, name):
        """The chosen id; else (no script) the record the typed text names. An id whose record the text no
        longer names was left over from before the text was edited or emptied. Without the text box (the
        API's ``?organization=<id>``) the id alone."""
        chosen = data.get(name)
        if name + TEXT_SUFFIX not in data:
            return chosen
        typed = data[name + TEXT_SUFFIX].strip()
        queryset = self._queryset()
        if not typed or queryset is None:
            return None if not typed else chosen
        if str(chosen or "").isdigit() and self.names(queryset.filter(pk=chosen), typed).exists():
            return chosen
        found = list(self.text_match(queryset, typed).values_list("pk", flat=True)[:2])
        # Several records of one name: the text stays and fails validation as not a valid choice.
        return found[0] if len(found) == 1 else typed

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    def render(self, name, value, attrs=None, renderer=None):
        """With the project's template engine: the widget's template lives with the other templates."""
        return render_to_string(self.template_name, self.get_context(name, value, attrs))  # a SafeString

    def label_of(self, value) -> str:
        if value in (None, ""):
            return ""
        queryset = self._queryset()
        if not str(value).isdigit() or queryset is None:
            return str(value)
        # Through the field's own (scoped) queryset: an id out of scope shows no name.
        return queryset.filter(pk=value).values_list(self.label_column, flat=True).first() or ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # htmx attributes a form gives its field (members/views/entry.py reloads the checklists on
        # "change") belong to the hidden input, which static/js/picker.js changes on a choice.
        typed_attrs = context["widget"]["attrs"]
        hidden_attrs = {key: typed_attrs.pop(key) for key in list(typed_attrs) if key.startswith("hx-")}
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        chosen = str(value) if value not in (None, "") and str(value).isdigit() else ""
        context["widget"].update(
            {
                "chosen": chosen,
                "hidden_attrs": hidden_attrs,
                "label": self.label_of(value),
                "text_name": name + TEXT_SUFFIX,
                "search_url": self.search_url(),
                "results_id": f"{attrs.get('id') or name}-choices",
                "placeholder": self.placeholder,
            }
        )
        return context


class OrganizationPicker(SearchPicker):
    def __init__(self, source: PickerSource | None = None, attrs=None):
        super().__init__(attrs)
        self.source = source or PickerSource()

    def search_url(self) -> str:
        return f"{reverse('branches:organization-pick')}?{self.source.query()}"

    def names(self, queryset, text: str):
        return names(queryset, text)

    def text_match(self, queryset, text: str):
        return text_match(queryset, text)


def pick_from(field, queryset, source: PickerSource) -> None:
    """Make the ModelChoiceField ``field`` accept ``queryset`` through the picker searching ``source``."""
    field.widget = OrganizationPicker(source, attrs={"class": "form-control"})
    field.queryset = queryset  # after the widget: the field hands its queryset to the widget
