"""The audit page (/org/audit/): security events and change history, filtered, paged and exported.

Two tabs as plain links (no script); the export buttons call the API's export actions with the same filters.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import SecurityEventKind
from ..scope.navigation import Requirement
from ..scope.navigation import requires
from ..selectors.audit import AUDIT_CAPABILITY
from ..selectors.audit_detail import security_event_detail_rows

PAGE_SIZE = 50
TABS = ("events", "history")


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    model = forms.ChoiceField(label=_("Record type"), required=False)
    user = forms.CharField(label=_("Username"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, tab, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *SecurityEventKind.choices]
        self.fields["model"].choices = [("", _("All record types"))] + [
            (t.label, t.model._meta.verbose_name) for t in selectors.tracked_models()
        ]
        del self.fields["model" if tab == "events" else "kind"]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date cannot be before the start date."))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        if "user" in data:
            data["username"] = data.pop("user")
        return data


@login_required
@requires(Requirement(AUDIT_CAPABILITY))
def audit(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "events"
    form = AuditFilterForm(request.GET or None, tab=tab)
    filters = form.filters()
    if tab == "events":
        queryset = selectors.security_event_list(user=request.user, **filters)
    else:
        queryset = selectors.change_history_list(user=request.user, **filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    if tab == "events":
        rows = [{"event": e, "detail": security_event_detail_rows(e.detail)} for e in page.object_list]
    else:
        rows = selectors.change_history_rows(page.object_list)
    query = {k: v for k, v in request.GET.items() if k not in ("page", "tab") and v}
    export_name = "security-events-export" if tab == "events" else "change-history-export"
    context = {
        "tab": tab,
        "form": form,
        "page": page,
        "rows": rows,
        "query": urlencode(query),
        "export_url": f"{reverse(export_name)}?{urlencode(query)}",
        "tab_urls": {name: f"{reverse('branches:audit')}?{urlencode({'tab': name})}" for name in TABS},
    }
    return render(request, "branches/audit/page.html", context)


urlpatterns = [path("audit/", audit, name="audit")]
