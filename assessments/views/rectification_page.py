"""The page of one rectification (软弱涣散党组织整顿, docs/ratings-and-evaluation.md): its fields, status,
reasons, progress notes and history, and the steps the user may take at its status — each a small form
posting to its own URL through the service (``EntryView``: the service's errors beside the fields, every
error in one round, a stale version answered with the conflict message).

Who may take which step is the service's module docstring: a progress note needs ``records`` (the branch's
secretary too), asking for the close ``review`` (the township), verifying and reopening ``policy`` (the
county). A step the user may not take is not shown, and posting it anyway is refused with 403.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.views.entry import EntryView
from branches.views.entry import branch_page_url
from branches.views.entry import error_summary

from ..forms.rectifications import NoteForm
from ..forms.rectifications import ReopenForm
from ..forms.rectifications import RequestCloseForm
from ..forms.rectifications import VerifyForm
from ..models import Rectification
from ..models import RectificationStatus
from ..selectors.rectification_detail import rectification_get
from ..selectors.rectification_detail import rectification_notes
from ..selectors.rectification_detail import rectification_steps
from ..selectors.rectification_detail import user_name
from ..services import rectifications as services

OPEN = RectificationStatus.OPEN
CLOSE_REQUESTED = RectificationStatus.CLOSE_REQUESTED
VERIFIED = RectificationStatus.VERIFIED
STATUS_BADGES = {OPEN: "text-bg-warning", CLOSE_REQUESTED: "text-bg-info", VERIFIED: "text-bg-success"}


@dataclass(frozen=True)
class Step:
    name: str
    title: object
    button: object
    done: object
    capability: str
    statuses: frozenset
    form_class: type
    service: object

    def offered(self, user, rectification: Rectification) -> bool:
        return rectification.status in self.statuses and self.allowed(user, rectification)

    def allowed(self, user, rectification: Rectification) -> bool:
        return organization_in_scope(user, rectification.organization, self.capability)


STEPS = (
    Step(
        "note",
        _("Add a progress note"),
        _("Add the note"),
        _("The progress note was added."),
        Capability.RECORDS,
        frozenset({OPEN, CLOSE_REQUESTED}),
        NoteForm,
        services.rectification_note,
    ),
    Step(
        "request-close",
        _("Request the close"),
        _("Request the close"),
        _("The close was requested; the county verifies it."),
        Capability.REVIEW,
        frozenset({OPEN}),
        RequestCloseForm,
        services.rectification_request_close,
    ),
    Step(
        "verify",
        _("Verify the close"),
        _("Verify and close"),
        _("The rectification was verified and closed."),
        Capability.POLICY,
        frozenset({CLOSE_REQUESTED}),
        VerifyForm,
        services.rectification_verify,
    ),
    Step(
        "reopen",
        _("Reopen with a reason"),
        _("Reopen"),
        _("The rectification was reopened."),
        Capability.POLICY,
        frozenset({CLOSE_REQUESTED, VERIFIED}),
        ReopenForm,
        services.rectification_reopen,
    ),
)
STEP_NAMES = {step.name: step for step in STEPS}


def detail_url(rectification) -> str:
    return reverse("assessments:rectification-detail", args=[rectification.pk])


def step_boxes(request, rectification, bound=None, conflict=None) -> list[dict]:
    """The steps to show: those the user may take at this status, and the one just posted (with its
    errors) whatever the status has become."""
    boxes = []
    for step in STEPS:
        form = bound if bound is not None and bound.prefix == step.name else None
        if form is None:
            if not step.offered(request.user, rectification):
                continue
            form = step.form_class(rectification=rectification, prefix=step.name)
        form.mark_invalid()
        boxes.append(
            {
                "step": step,
                "form": form,
                "url": reverse(f"assessments:rectification-{step.name}", args=[rectification.pk]),
                "error_summary": error_summary(form),
                "conflict": conflict if form is bound else None,
            }
        )
    return boxes


def render_page(request, rectification, *, bound=None, conflict=None):
    user = request.user
    may_edit = rectification.status == OPEN and organization_in_scope(
        user, rectification.organization, Capability.REVIEW
    )
    context = {
        "rectification": rectification,
        "status_badge": STATUS_BADGES.get(rectification.status, "text-bg-secondary"),
        "overdue": rectification.status == OPEN and rectification.deadline < timezone.localdate(),
        "verified_by": user_name(rectification.verified_by),
        "notes": rectification_notes(rectification=rectification),
        "history": rectification_steps(rectification=rectification),
        "steps": step_boxes(request, rectification, bound, conflict),
        "edit_url": reverse("assessments:rectification-edit", args=[rectification.pk]) if may_edit else None,
        "branch_url": branch_page_url(rectification.organization),
        "reload_url": detail_url(rectification),
    }
    return render(request, "assessments/rectifications/detail.html", context)


@login_required
@require_GET
def rectification_detail(request, pk):
    return render_page(request, rectification_get(user=request.user, pk=pk))


class RectificationStep(EntryView):
    """One step posted from the page; back to the page, with a message when done or the errors if not."""

    model = Rectification
    step: Step = None
    http_method_names = ["post"]

    def get_object(self):
        return rectification_get(user=self.request.user, pk=self.kwargs["pk"])

    def make_form(self, data=None):
        return self.step.form_class(data, rectification=self.object, prefix=self.step.name)

    def check_access(self, form) -> None:
        if not self.step.allowed(self.request.user, self.object):
            raise PermissionDenied

    def save(self, form):
        """The service with the form's fields (a field that did not parse stands in blank, so that the
        service's other errors are said in the same round) and the version read as ``expected_version``."""
        data = {name: form.cleaned_data.get(name, "") for name in form.fields}
        if "version" in data:
            data["expected_version"] = data.pop("version") or None
        return self.step.service(actor=self.request.user, rectification=self.object, **data)

    @property
    def success_message(self):
        return self.step.done

    def success_url(self, record) -> str:
        return detail_url(self.object)

    def render(self, form, conflict=None):
        # Read again with the list's annotations: the page shows the record as it now stands.
        rectification = rectification_get(user=self.request.user, pk=self.object.pk)
        return render_page(self.request, rectification, bound=form, conflict=conflict)


def _step_view(step: Step):
    return RectificationStep.as_view(step=step)


urlpatterns = [
    path("rectifications/<int:pk>/", rectification_detail, name="rectification-detail"),
    *(
        path(f"rectifications/<int:pk>/{step.name}/", _step_view(step), name=f"rectification-{step.name}")
        for step in STEPS
    ),
]
