"""Rectification of weak branches (软弱涣散党组织整顿, docs/ratings-and-evaluation.md) in the browser: the
list (the API's selector and FilterSet, exported to xlsx), the year's candidate list of a county or
township with an "open" link per branch, and opening and editing one through ``EntryView``. The
rectification's own page and its steps are in ``rectification_page``.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from branches.models import COMMITTEE_OR_COUNTY_KINDS
from branches.models import Organization
from branches.picker import PickerSource
from branches.scope.columns import Column
from branches.scope.lists import ScopedListView
from branches.scope.navigation import Requirement
from branches.scope.navigation import RequirementMixin
from branches.scope.navigation import requires
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.views.columns import DESKTOP_ONLY
from branches.views.columns import PHONE_ONLY_WIDE
from branches.views.columns import organization_column
from branches.views.entry import EntryView
from branches.views.entry import reload_on_change
from partybuild.years import YearFormField

from ..filters.rectifications import RectificationFilter
from ..forms.rectifications import RectificationEditForm
from ..forms.rectifications import RectificationForm
from ..forms.rectifications import openable_branches
from ..models import Rectification
from ..resources.appraisals import RectificationResource
from ..selectors.rectification_detail import rectification_get
from ..selectors.rectifications import rectification_candidates
from ..selectors.rectifications import rectification_list
from ..services.rectifications import rectification_open
from ..services.rectifications import rectification_update
from .organization_year import OrganizationYearForm
from .rectification_page import detail_url

LISTING_KINDS = COMMITTEE_OR_COUNTY_KINDS
TOWNSHIP_STEPS = Requirement(Capability.REVIEW)
CANDIDATES = _("Weak-branch candidates")
BACK_TO_PAGE = _("The rectification")


class RectificationListView(ScopedListView):
    model = Rectification
    list_selector = staticmethod(rectification_list)
    filterset_class = RectificationFilter
    filter_fields = ("within", "year", "status", "overdue")
    search_fields = ("organization__name", "responsible_leader")
    search_label = _("Search by branch or leader")
    resource_class = RectificationResource
    importable = False  # opened and closed through their workflow, never imported
    default_ordering = ("organization__path", "-year", "pk")
    columns = (
        organization_column(_("branch"), link=True),
        Column("year", _("year"), sort="year"),
        Column("status", _("status"), "get_status_display", sort="status"),
        Column("deadline", _("deadline"), sort="deadline"),
        Column("responsible_leader", _("responsible leader"), classes=PHONE_ONLY_WIDE),
        Column("instructor", _("instructor"), "instructor.name", classes=DESKTOP_ONLY),
        Column("note_count", _("progress notes"), sort="note_count", classes=DESKTOP_ONLY),
    )

    def edit_url(self, obj) -> str:
        """Every row leads to the rectification's page, where each role finds the steps it may take."""
        return detail_url(obj)

    def user_may_write(self) -> bool:
        return TOWNSHIP_STEPS.allows(self.request.user)

    def list_context(self, filterset, queryset, ordering) -> dict:
        context = super().list_context(filterset, queryset, ordering)
        context["create_url"] = None  # opened from the candidate list, whose link the page shows
        return context


# --- the candidate list ---------------------------------------------------------------------------------


def listing_organizations(user):
    """Counties and townships (streets) whose candidates the user may read, in tree order."""
    organizations = Organization.objects.restrict(user, "view").active().filter(kind__in=LISTING_KINDS)
    return organizations.order_by("path")


class CandidateQuery(OrganizationYearForm):
    picker_source = PickerSource(Capability.VIEW, kinds=tuple(LISTING_KINDS), active=True)

    def organizations(self, user):
        return listing_organizations(user)


def _candidate_query(request) -> CandidateQuery:
    """The query as asked, with the user's first county or township and this year for what is missing."""
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(timezone.localdate().year)
    if not data.get("organization"):
        first = listing_organizations(request.user).values_list("pk", flat=True).first()
        data["organization"] = "" if first is None else str(first)
    return CandidateQuery(data, user=request.user)


def candidate_rows(user, candidates, year: int) -> list[dict]:
    this_year = timezone.localdate().year
    rows = []
    for candidate in candidates:
        branch = candidate.organization
        may_open = year <= this_year and organization_in_scope(user, branch, Capability.REVIEW)
        opened = candidate.rectification_id
        rows.append(
            {
                "candidate": candidate,
                "detail_url": reverse("assessments:rectification-detail", args=[opened]) if opened else None,
                "open_url": (
                    f"{reverse('assessments:rectification-open')}?organization={branch.pk}&year={year}"
                    if may_open and not opened
                    else None
                ),
            }
        )
    return rows


@login_required
@require_GET
@requires(Requirement(Capability.VIEW, kinds=LISTING_KINDS))
def candidate_list(request):
    query = _candidate_query(request)
    rows, organization, year = [], None, None
    if not query.is_valid() and "organization" in query.errors and query.data["organization"]:
        raise Http404  # a county or township the user cannot read, as though it did not exist
    if query.is_valid():
        organization, year = query.cleaned_data["organization"], query.cleaned_data["year"]
        candidates = rectification_candidates(organization=organization, year=year)
        rows = candidate_rows(request.user, candidates, year)
    context = {"form": query, "rows": rows, "organization": organization, "year": year}
    return render(request, "assessments/rectifications/candidates.html", context)


# --- opening and editing --------------------------------------------------------------------------------


class OpenQuery(forms.Form):
    organization = forms.IntegerField(required=False)
    year = YearFormField(required=False)


class RectificationOpen(RequirementMixin, EntryView):
    requirement = TOWNSHIP_STEPS
    form_class = RectificationForm
    template_name = "assessments/rectifications/open.html"
    title = _("Open a rectification")
    list_url_name = "assessments:rectification-list"
    create_service = staticmethod(rectification_open)

    def asked(self) -> dict:
        """The branch and year of the candidate list's link; a branch the user may not open for is 404."""
        query = OpenQuery(self.request.GET)
        if not query.is_valid():
            return {}
        pk = query.cleaned_data["organization"]
        branch = None
        if pk is not None:
            branch = openable_branches(self.request.user).filter(pk=pk).first()
            if branch is None:
                raise Http404
        return {"organization": branch, "year": query.cleaned_data["year"]}

    def form_kwargs(self):
        kwargs = super().form_kwargs()
        return kwargs if self.request.method == "POST" else {**kwargs, **self.asked()}

    def success_url(self, record) -> str:
        return detail_url(record)

    def check_access(self, form) -> None:
        """The requirement has said who may open; anyone else never gets here."""

    def render(self, form, conflict=None):
        # The reasons the branch is listed for and its township's instructors follow the branch and year.
        targets = ("listed-reasons", "field-reasons", "field-instructor")
        reload_on_change(form, self.request, ("organization", "year"), targets)
        return super().render(form, conflict)

    def context(self, form) -> dict:
        back = reverse("assessments:rectification-candidates")
        return {
            "branch": form.branch,
            "year": form.year,
            "listed": form.listed,
            "back_url": back,
            "back_label": CANDIDATES,
        }


class RectificationEdit(RectificationOpen):
    form_class = RectificationEditForm
    model = Rectification
    title = _("Edit the rectification")
    update_service = staticmethod(rectification_update)

    def get_object(self):
        """Read in the user's scope (else 404); whether they may edit it is the service's to say."""
        return rectification_get(user=self.request.user, pk=self.kwargs["pk"])

    def form_kwargs(self):
        return EntryView.form_kwargs(self)

    def context(self, form) -> dict:
        return {**super().context(form), "back_url": detail_url(self.object), "back_label": BACK_TO_PAGE}


urlpatterns = [
    *RectificationListView.urls("rectifications"),
    path("rectifications/candidates/", candidate_list, name="rectification-candidates"),
    path("rectifications/new/", RectificationOpen.as_view(), name="rectification-open"),
    path("rectifications/<int:pk>/edit/", RectificationEdit.as_view(), name="rectification-edit"),
]
