"""Every write to household visit logs (走访日志).

A visit is logged under the post row of the cadre who made it and belongs to that cadre's village branch;
the household is kept as typed and as a normalized key, so the yearly count of distinct households is one
COUNT(DISTINCT). ``visit_check`` holds the rules; the import (set-based) and the admin form call it too.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models.bases import model_errors
from branches.models.bases import raise_errors
from branches.scope.editing import scoped_delete
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.services.writing import save_new

from ..models import Cadre
from ..models import VisitLog
from ..selectors.visits import own_secretary_post
from .checks import _existing

# What an edit may change; the branch, the household key and who recorded it follow from these.
EDITABLE_FIELDS = frozenset(
    {"cadre", "household_name", "village_group", "visited_on", "concerns", "follow_up", "resolved_on"}
)

MESSAGES = {
    "cadre_required": _("Choose the cadre who made the visit."),
    "no_serving_secretary": _(
        "No branch secretary of %(branch)s is recorded as serving today; choose the cadre who made the visit."
    ),
    "cadre_place": _("Household visits are logged by the cadres of a village or community party branch."),
    "before_term": _(
        "The visit cannot come before %(name)s took up the post of %(post)s: the term runs %(term)s."
    ),
    "after_term": _("The visit cannot come after %(name)s left the post of %(post)s: the term ran %(term)s."),
    "term_open": _("since %(started)s"),
    "term_closed": _("from %(started)s to %(ended)s"),
    "nothing_to_resolve": _("This visit raised no concern to resolve."),
    "already_resolved": _("This concern was already resolved on %(resolved)s."),
    "follow_up_required": _("Say how the concern was handled."),
    "duplicate": _(
        "%(name)s already logged a visit to the household of %(household)s on %(day)s: record no. %(id)s, "
        "%(url)s. Edit that one instead; a household visited twice in a day is one visit."
    ),
}
# What makes a visit the same visit: who, which household (its normalized key) and the day.
VISIT_KEY = ("cadre_id", "visited_on", "household_key")


def _require_records(actor, cadre: Cadre) -> None:
    if not organization_in_scope(actor, cadre.organization, Capability.RECORDS):
        raise OutOfScope(NOT_ALLOWED)


def term_text(cadre: Cadre) -> str:
    if cadre.ended_on is None:
        return MESSAGES["term_open"] % {"started": cadre.started_on}
    return MESSAGES["term_closed"] % {"started": cadre.started_on, "ended": cadre.ended_on}


def term_error(cadre: Cadre, visited_on: dt.date | None):
    """The message refusing a visit outside the cadre's term, or None when the day lies within it."""
    if visited_on is None:
        return None
    params = {"name": cadre.name, "post": cadre.get_post_display(), "term": term_text(cadre)}
    if visited_on < cadre.started_on:
        return MESSAGES["before_term"] % params
    if cadre.ended_on is not None and visited_on > cadre.ended_on:
        return MESSAGES["after_term"] % params
    return None


def place_error(organization):
    """The message refusing visits logged in ``organization`` (the cadre's), or None for a village branch."""
    if not organization.is_rural:
        return MESSAGES["cadre_place"]
    return None


def derive(visit: VisitLog) -> None:
    """Fill what follows from the entered fields: the branch and the household's identity."""
    visit.household_name = (visit.household_name or "").strip()
    visit.village_group = (visit.village_group or "").strip()
    visit.household_key = VisitLog.key_for(visit.village_group, visit.household_name)
    if visit.cadre_id is not None:
        visit.organization = visit.cadre.organization


def duplicate_error(visit: VisitLog):
    """The message refusing a visit already logged (docs/records.md, "Entered twice"), or None."""
    if not visit.household_key or (existing := _existing(visit, *VISIT_KEY)) is None:
        return None
    params = {
        "name": visit.cadre.name,
        "household": existing.household_name,
        "day": existing.visited_on,
        "id": existing.pk,
        "url": reverse("members:visit-edit", args=[existing.pk]),
    }
    return MESSAGES["duplicate"] % params


def visit_check(visit: VisitLog, *, exclude=None) -> None:
    """Every rule a visit must follow (the model's own, the cadre's place and term, not logged twice); forms
    call it too. The import checks the same key set-based (``VisitLogResource.existing_keys``)."""
    exclude = set(exclude or ())
    if visit.cadre_id is None:
        exclude.add("organization")  # follows from the cadre, whose own error says what to do
    errors = model_errors(visit, exclude=exclude, validate_unique=False, validate_constraints=False)
    if visit.cadre_id is not None and "cadre" not in errors:
        if message := place_error(visit.cadre.organization):
            errors.setdefault("cadre", []).append(message)
        if "visited_on" not in errors and (message := term_error(visit.cadre, visit.visited_on)):
            errors.setdefault("visited_on", []).append(message)
    if not errors and (message := duplicate_error(visit)):
        errors["household_name"] = [message]
    raise_errors(errors)


def _default_cadre(actor, today: dt.date) -> Cadre:
    """A branch secretary of one branch logs their own visits: the quick entry needs no cadre."""
    own = own_secretary_post(actor, today)
    if own.branch is None:
        raise ValidationError({"cadre": MESSAGES["cadre_required"]})
    if own.cadre is None:
        raise ValidationError({"cadre": MESSAGES["no_serving_secretary"] % {"branch": own.branch}})
    return own.cadre


@transaction.atomic
def visit_record(
    *,
    actor,
    cadre: Cadre | None = None,
    household_name: str,
    village_group: str = "",
    visited_on: dt.date | None = None,
    concerns: str = "",
    follow_up: str = "",
    resolved_on: dt.date | None = None,
) -> VisitLog:
    """Log one visit in one request, as on a phone: the date defaults to today and, for the secretary of one
    branch, the cadre to that branch's serving secretary post."""
    today = timezone.localdate()
    cadre = cadre or _default_cadre(actor, today)
    _require_records(actor, cadre)
    visit = VisitLog(
        cadre=cadre,
        household_name=household_name,
        village_group=village_group,
        visited_on=visited_on or today,
        concerns=concerns,
        follow_up=follow_up,
        resolved_on=resolved_on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    derive(visit)
    visit_check(visit)
    return save_new(actor, visit)


@transaction.atomic
def visit_update(*, actor, visit: VisitLog, expected_version=None, precondition=False, **changes) -> VisitLog:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"visit_update cannot change {sorted(unknown)}")

    def rules(visit):
        if changes.get("cadre") is not None:
            _require_records(actor, changes["cadre"])
        derive(visit)
        visit_check(visit)

    return scoped_update(actor, visit, expected_version, precondition, changes, rules=rules)


@transaction.atomic
def visit_resolve(
    *, actor, visit: VisitLog, resolved_on: dt.date, follow_up: str, expected_version=None
) -> VisitLog:
    """Close the concern a visit raised: the day it was resolved and how it was handled."""
    follow_up = (follow_up or "").strip()

    def prepare(visit, changes):
        if not visit.concerns.strip():
            raise ValidationError({"concerns": MESSAGES["nothing_to_resolve"]})
        if visit.resolved_on is not None:
            raise ValidationError(
                {"resolved_on": MESSAGES["already_resolved"] % {"resolved": visit.resolved_on}}
            )
        if not follow_up:
            raise ValidationError({"follow_up": MESSAGES["follow_up_required"]})
        return changes

    changes = {"resolved_on": resolved_on, "follow_up": follow_up}
    return scoped_update(actor, visit, expected_version, False, changes, prepare=prepare, rules=visit_check)


@transaction.atomic
def visit_delete(*, actor, visit: VisitLog) -> None:
    """Remove a visit logged by mistake; history keeps the deleted row and who deleted it."""
    scoped_delete(actor, visit)
