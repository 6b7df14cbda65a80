"""Reads of one rectification (软弱涣散党组织整顿, docs/ratings-and-evaluation.md) for its page: the record,
its progress notes, the steps of its history, and the instructors a township may name for a branch."""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.selectors.tree import committee_above
from members.models import Cadre
from members.models import CadrePost

from ..models import Rectification
from ..models import RectificationNote
from ..models import RectificationStatus
from .rectifications import rectification_list

STEP_LABELS = {
    "opened": _("Opened"),
    "edited": _("Plan edited"),
    RectificationStatus.CLOSE_REQUESTED: _("Close requested"),
    RectificationStatus.VERIFIED: _("Verified and closed"),
    "reopened": _("Reopened"),
}


def rectification_get(*, user, pk) -> Rectification:
    """Fetch and authorize at once: a missing rectification and one out of scope are both 404."""
    try:
        return rectification_list(user=user).select_related("instructor__organization").get(pk=pk)
    except (Rectification.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def open_rectification(*, user, organization: Organization) -> Rectification | None:
    """The branch's latest rectification not yet verified, if the user may read it (one query)."""
    rectifications = rectification_list(user=user).filter(organization=organization)
    return rectifications.exclude(status=RectificationStatus.VERIFIED).order_by("-year", "-pk").first()


def rectification_notes(*, rectification: Rectification) -> list[RectificationNote]:
    """The progress notes, oldest first (one query)."""
    notes = RectificationNote.objects.filter(rectification=rectification).select_related("author")
    return list(notes.order_by("written_on", "pk"))


def user_name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


def rectification_steps(*, rectification: Rectification) -> list[dict]:
    """Each change of the record from its history, oldest first: opened, edited, close requested, verified,
    reopened — with who and when (one query)."""
    rows = rectification.history.select_related("history_user").order_by("history_date", "history_id")
    steps, status = [], None
    for row in rows:
        if status is None:
            key = "opened"
        elif row.status == status:
            key = "edited"
        else:
            key = "reopened" if row.status == RectificationStatus.OPEN else row.status
        status = row.status
        steps.append(
            {"key": key, "label": STEP_LABELS[key], "by": user_name(row.history_user), "at": row.history_date}
        )
    return steps


def instructor_area(branch: Organization) -> Organization:
    """Where a branch's instructor may serve: its township (the branch itself when none stands above)."""
    return committee_above(branch) or branch


def instructor_choices(*, user, branch: Organization | None, current: Cadre | None = None):
    """The party-building instructors serving today in ``branch``'s township that the user can see (plus the
    rectification's current one), for the form's list: one query when evaluated."""
    condition = Q(pk__in=[])
    if branch is not None:
        condition = Q(organization__path__startswith=instructor_area(branch).path)
    visible = Cadre.objects.restrict(user, "view").serving_on(timezone.localdate())
    chosen = visible.filter(condition, post=CadrePost.INSTRUCTOR)
    if current is not None:
        chosen = chosen | Cadre.objects.filter(pk=current.pk)
    return chosen.select_related("organization").order_by("organization__path", "name", "pk")
