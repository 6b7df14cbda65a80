"""Terms and elections in the browser (docs/terms.md): an organization's history of terms and elections,
the election entry form (candidates and votes on one screen), the township's approval, and the list of terms
ending soon."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from branches.scope.columns import Column
from branches.scope.lists import ScopedListView
from branches.scope.navigation import SIGNED_IN
from branches.scope.navigation import Requirement
from branches.scope.navigation import requires
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.selectors import organization_get
from branches.views.columns import organization_column

from ..filters.terms import TermFilter
from ..models import ELECTED_POSTS
from ..models import Term
from ..selectors.roster import roll_on
from ..selectors.terms import election_list
from ..selectors.terms import organization_history
from ..selectors.terms import stage_of
from ..selectors.terms import terms_ending
from ..services.terms import election_approve
from ..services.terms import election_record
from ..terms_rules import Stage

STAGE_LABELS = {
    Stage.CLOSED: _("closed"),
    Stage.RUNNING: _("running"),
    Stage.ENDS_6M: _("ends within 6 months"),
    Stage.ENDS_3M: _("ends within 3 months"),
    Stage.OVERDUE: _("overdue"),
}
STAGE_BADGES = {
    Stage.CLOSED: "text-bg-light",
    Stage.RUNNING: "text-bg-success",
    Stage.ENDS_6M: "text-bg-info",
    Stage.ENDS_3M: "text-bg-warning",
    Stage.OVERDUE: "text-bg-danger",
}
RECORDS = Requirement(Capability.RECORDS)


def _stage(term, today=None) -> dict:
    stage = stage_of(term, today)
    return {"code": stage, "label": STAGE_LABELS[stage], "badge": STAGE_BADGES[stage]}


class TermsEndingListView(ScopedListView):
    """Current terms ending within six months, overdue ones first: the elections a township prepares."""

    model = Term
    list_selector = staticmethod(lambda *, user: terms_ending(user=user))
    title = _("Terms ending soon")
    filterset_class = TermFilter
    filter_fields = ("within", "kind")
    search_fields = ("organization__name",)
    search_label = _("Search by organization")
    default_ordering = ("ends_on", "organization__path")
    columns = (
        organization_column(_("organization")),
        Column("kind", _("kind"), "get_kind_display"),
        Column("starts_on", _("starts on"), sort="starts_on"),
        Column("ends_on", _("ends on"), sort="ends_on"),
        Column("stage", _("stage"), lambda term, v: STAGE_LABELS[stage_of(term)]),
        Column("extended_to", _("extended to"), lambda term, v: term.extended_to or ""),
    )


@login_required
@requires(SIGNED_IN)
def organization_terms(request, pk):
    """An organization's terms and elections, latest first, with the approval action for reviewers."""
    organization = organization_get(user=request.user, pk=pk)
    terms, elections = organization_history(user=request.user, organization=organization)
    today = timezone.localdate()
    context = {
        "organization": organization,
        "terms": [(term, _stage(term, today)) for term in terms],
        "elections": list(elections),
        "can_record": organization.is_branch
        and organization_in_scope(request.user, organization, Capability.RECORDS),
        "can_approve": organization_in_scope(request.user, organization, Capability.REVIEW),
        "today": today,
    }
    return render(request, "members/terms/organization.html", context)


def _candidates_from(request, people) -> list[dict]:
    rows = []
    for member in people:
        raw_votes = request.POST.get(f"votes-{member.pk}", "").strip()
        post = request.POST.get(f"post-{member.pk}", "")
        if not raw_votes and not post:
            continue
        if not raw_votes.isdigit():
            raise ValidationError(
                {"candidates": _("Give %(name)s's yes votes as a whole number.") % {"name": member.name}}
            )
        rows.append({"member": member, "yes_votes": int(raw_votes), "elected_post": post})
    return rows


def _number(request, field: str, label) -> int:
    raw = request.POST.get(field, "").strip()
    if not raw.isdigit():
        raise ValidationError({field: _("Give %(label)s as a whole number.") % {"label": label}})
    return int(raw)


def _day(raw: str):
    try:
        return parse_date(raw.strip())
    except ValueError:  # well formed but no such day (2026-02-30)
        return None


def _election_data(request, people, held_on) -> tuple[dict, dict]:
    """(what cannot be read, by field; the service's arguments): every field is read before any is refused,
    so that all the mistakes of a form show at once, each beside its box."""
    errors, data = {}, {"held_on": held_on, "note": request.POST.get("note", "")[:200]}
    if held_on is None:
        errors["held_on"] = [_("Give the day the election was held.")]
    readers = {
        "entitled_voters": lambda: _number(request, "entitled_voters", _("the entitled voters")),
        "present_voters": lambda: _number(request, "present_voters", _("the voters present")),
        "candidates": lambda: _candidates_from(request, people),
    }
    for name, read in readers.items():
        try:
            data[name] = read()
        except ValidationError as error:
            errors.update(error.message_dict)
    return errors, data


@login_required
@requires(RECORDS)
def election_create(request, pk):
    """Record an election: turnout, then every member on the roll with a yes-votes box and a post."""
    organization = organization_get(user=request.user, pk=pk)
    if not organization_in_scope(request.user, organization, Capability.RECORDS):
        raise OutOfScope
    posted_day = _day(request.POST.get("held_on", "")) if request.method == "POST" else None
    held_on = posted_day or _day(request.GET.get("held_on", "")) or timezone.localdate()
    people = list(roll_on(organization, held_on).order_by("name", "pk")) if organization.is_branch else []
    errors = {}
    if request.method == "POST":
        errors, data = _election_data(request, people, posted_day)
        if not errors:
            try:
                election = election_record(actor=request.user, organization=organization, **data)
            except ValidationError as error:
                errors = dict(error.message_dict)
            else:
                messages.success(request, _("The election was recorded; it awaits the township's approval."))
                return redirect(
                    f"{reverse('members:organization-terms', args=[organization.pk])}#election-{election.pk}"
                )
    context = {
        "organization": organization,
        "held_on": held_on,
        "rows": [
            (m, request.POST.get(f"votes-{m.pk}", ""), request.POST.get(f"post-{m.pk}", "")) for m in people
        ],
        "people_count": len(people),
        "posts": ELECTED_POSTS,
        "errors": errors,
        "error_list": [text for texts in errors.values() for text in texts],
        "values": request.POST,
        "title": _("Record an election"),
    }
    return render(request, "members/terms/election_form.html", context, status=400 if errors else 200)


@login_required
@requires(Requirement(Capability.REVIEW))
def election_approve_view(request, pk):
    election = get_object_or_404(election_list(user=request.user), pk=pk)
    back = f"{reverse('members:organization-terms', args=[election.organization_id])}#election-{election.pk}"
    if request.method != "POST":
        return redirect(back)
    on = parse_date(request.POST.get("on", "") or "")
    try:
        if on is None:
            raise ValidationError({"on": _("Give the approval date.")})
        election_approve(actor=request.user, election=election, on=on)
    except ValidationError as error:
        for texts in error.message_dict.values():
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, _("Approved: the elected hold their posts and the new term has started."))
    return redirect(back)


urlpatterns = [
    *TermsEndingListView.urls("terms"),
    path("organizations/<int:pk>/terms/", organization_terms, name="organization-terms"),
    path("organizations/<int:pk>/elections/new/", election_create, name="election-new"),
    path("elections/<int:pk>/approve/", election_approve_view, name="election-approve"),
]
