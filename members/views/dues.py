"""A secretary records the month's dues of the whole branch on one screen (docs/dues.md)."""

import datetime as dt

from django.urls import path
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.views.entry import EntryView
from branches.views.entry import asked_number

from ..forms.dues import DuesBaseForm
from ..forms.dues import DuesMonthForm
from ..models import DuesBase
from ..selectors.dues import arrears_of
from ..services.dues import dues_base_declare
from ..services.dues import dues_month_record


def _asked(request) -> dict:
    """``?organization=`` and ``?month=`` (YYYY-MM), each None when missing or malformed."""
    try:
        month = dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = None
    return {"organization": asked_number(request, "organization"), "month": month}


class DuesMonthEntry(EntryView):
    form_class = DuesMonthForm
    template_name = "members/entry/dues.html"
    title = _("Record this month's dues")
    create_service = staticmethod(dues_month_record)
    list_url_name = "members:duespayment-list"
    checklists = ("paid",)

    def form_kwargs(self):
        return {**super().form_kwargs(), **_asked(self.request)}

    def created_model(self, form):
        """The month's payments are written all or none, so one idempotency key stands for the whole
        submission: it is claimed for the branch (docs/offline.md, "The month's dues"), and a repeat answers
        with the branch's page like the first save, recording nothing again."""
        return Organization

    def context(self, form):
        rows = [(row, arrears_of(row)) for row in form.rows]
        return {
            "recorded": [(row, owed) for row, owed in rows if row.paid is not None or row.exempt],
            "undeclared": [row for row in form.rows if row.due is None and row.paid is None],
            "year": form.chosen_month().year,
        }


def month_page_url(branch) -> str:
    return f"{reverse('members:dues-month')}?organization={branch.pk}"


class DuesBaseEntry(EntryView):
    """Declare a member's base for a year, or revise it (docs/dues.md, "The amount"), from the browser."""

    form_class = DuesBaseForm
    template_name = "members/entry/dues_base.html"
    title = _("Declare a dues base")
    create_service = staticmethod(dues_base_declare)
    list_url_name = "members:duespayment-list"

    def form_kwargs(self):
        year = asked_number(self.request, "year")
        return {
            **super().form_kwargs(),
            "member": asked_number(self.request, "member"),
            "year": year if year is not None and 2000 <= year <= 2100 else None,
        }

    def created_model(self, form):
        return DuesBase

    def success_url(self, record) -> str:
        return month_page_url(record.member.branch)

    def context(self, form):
        return {"existing": form.existing}


urlpatterns = [
    path("dues/month/", DuesMonthEntry.as_view(), name="dues-month"),
    path("dues/base/", DuesBaseEntry.as_view(), name="dues-base"),
]
