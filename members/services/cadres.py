"""Every write to cadre posts (Cadre) and village reserve rosters (ReserveCadre).

Rules a post holding must follow beyond the model's own ``clean()`` live here, each refused with a message
naming who or what stands in the way. Cross-appointment is never written: it is derived by the selectors.
"""

import datetime as dt
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.models.bases import keyed_error
from branches.models.bases import model_errors
from branches.models.bases import raise_errors
from branches.models.bases import refuse_record_date
from branches.scope.editing import scoped_update
from branches.selectors.tree import committee_above
from branches.services.writing import require_capability
from branches.services.writing import save_new

from ..models import Cadre
from ..models import CadrePost
from ..models import Member
from ..models import MemberCategory
from ..models import PoliticalStatus
from ..models import ReserveCadre
from ..models import ReserveStatus
from ..models.cadres import MEMBER_ONLY_POSTS
from ..models.cadres import RESERVE_LIFECYCLE_FIELDS
from ..models.cadres import VILLAGE_COMMITTEE_POSTS
from ..selectors.cadres import TWO_COMMITTEE_POSTS
from ..selectors.cadres import overlapping
from ..selectors.cadres import same_person_as
from ..selectors.roster import roll_on

IDENTITY_FIELDS = ("name", "gender", "birth_date", "education")
# One holder at a time per organization.
SINGLE_HOLDER_POSTS = frozenset(
    {CadrePost.SECRETARY, CadrePost.VILLAGE_DIRECTOR, CadrePost.SUPERVISION_CHAIR}
)
# Held by people from outside the branch's roll: dispatched from a unit, or sent by the township.
ROLL_EXEMPT_POSTS = frozenset({CadrePost.FIRST_SECRETARY, CadrePost.INSTRUCTOR})
ROLL_POSTS = MEMBER_ONLY_POSTS - ROLL_EXEMPT_POSTS
VILLAGE_POSTS = VILLAGE_COMMITTEE_POSTS | {CadrePost.SUPERVISION_CHAIR}

MESSAGES = {
    "member_not_visible": _("There is no such party member among the records you can see."),
    "starts_in_future": _("The term cannot start in the future."),
    "village_post_place": _(
        "Village committee posts and the supervision committee chair belong to a village or community "
        "party branch."
    ),
    "not_on_roll": _(
        "%(member)s is not on the roll of %(organization)s or a branch under it on %(day)s, when the term "
        "starts; a branch post is held by one of its own members (transfer the membership first)."
    ),
    "instructor_place": _("A party-building instructor is assigned to a party branch."),
    "instructor_no_committee": _(
        "%(organization)s has no township or street party committee above it to send an instructor."
    ),
    "instructor_member": _(
        "A party-building instructor comes from %(committee)s: choose a member of a branch within it."
    ),
    "holder_serving": _(
        "Only one person at a time can hold this post: %(name)s has held it since %(started)s and is still "
        "serving. End that term first."
    ),
    "holder_ended": _(
        "Only one person at a time can hold this post: %(name)s holds it from %(started)s until %(ended)s, "
        "and the terms overlap."
    ),
    "supervision_independent": _(
        "The chair of the village affairs supervision committee must be independent of the two committees: "
        "%(name)s holds the post of %(post)s here %(term)s."
    ),
    "term_open": _("since %(started)s"),
    "term_closed": _("from %(started)s to %(ended)s"),
    "already_ended": _("This term already ended on %(ended)s."),
    "ends_before_start": _("The term cannot end before it started (%(started)s)."),
    "reason_required": _("Give the reason."),
    "reserve_place": _("A reserve cadre roster is kept by a village or community party branch."),
    "entered_in_future": _("The roster date cannot be in the future."),
    "already_in_roster": _("%(name)s is already on this village's reserve roster."),
    "lifecycle_field": _("This changes only through promotion or removal."),
    "not_in_roster": _(
        "Only someone on the roster can be promoted or removed; this reserve cadre is %(status)s."
    ),
    "before_entry": _("The date cannot come before the roster entry (%(entered)s)."),
    "member_only_reserve": _(
        "Only a party member can hold this post: link the reserve cadre to their member record first."
    ),
}


_error = partial(keyed_error, MESSAGES)


def _require_visible_member(actor, member) -> None:
    if member is not None and not Member.objects.restrict(actor, "view").filter(pk=member.pk).exists():
        raise _error("member", "member_not_visible")


def member_identity(member: Member) -> dict:
    """What a post holding copies from the member record (forms use it to prefill)."""
    return {field: getattr(member, field) for field in IDENTITY_FIELDS}


def reserve_identity(member: Member) -> dict:
    full = member.category == MemberCategory.FULL
    political_status = PoliticalStatus.MEMBER if full else PoliticalStatus.PROBATIONARY
    return {**member_identity(member), "political_status": political_status}


def _fill_from_member(record, identity: dict) -> None:
    """A record of a member carries the member's own identity; the phone only when none is given."""
    for field, value in identity.items():
        setattr(record, field, value)
    if not record.phone:
        record.phone = record.member.phone


def _edit_rules(actor, changes: dict, identity, check):
    """The rules of an edit to a post holding or a roster entry: a member it is given must be one the actor
    can see, and a member's record carries the member's identity."""

    def rules(record):
        if "member" in changes:
            _require_visible_member(actor, changes["member"])
        if record.member_id is not None:
            _fill_from_member(record, identity(record.member))
        check(record)

    return rules


# --- cadre rules ------------------------------------------------------------------------------------


def _term(row: Cadre) -> str:
    if row.ended_on is None:
        return MESSAGES["term_open"] % {"started": row.started_on}
    return MESSAGES["term_closed"] % {"started": row.started_on, "ended": row.ended_on}


def _check_dates(cadre: Cadre):
    if cadre.started_on > timezone.localdate():
        yield "started_on", MESSAGES["starts_in_future"]


def _check_place(cadre: Cadre):
    organization = cadre.organization
    if cadre.post in VILLAGE_POSTS and not organization.is_rural:
        yield "organization", MESSAGES["village_post_place"]


def _on_roll_when_starting(cadre: Cadre, organization: Organization) -> bool:
    """Whether the post's member is on the roll of ``organization``'s subtree on the first day of the term
    (docs/records.md, "On the roll on a day"), however late the post is entered."""
    return roll_on(organization, cadre.started_on).filter(pk=cadre.member_id).exists()


def _check_roll(cadre: Cadre):
    if cadre.post not in ROLL_POSTS or cadre.member_id is None:
        return
    if not _on_roll_when_starting(cadre, cadre.organization):
        params = {"member": cadre.member, "organization": cadre.organization, "day": cadre.started_on}
        yield "member", MESSAGES["not_on_roll"] % params


def _check_instructor(cadre: Cadre):
    if cadre.post != CadrePost.INSTRUCTOR:
        return
    organization = cadre.organization
    if not organization.is_branch:
        yield "organization", MESSAGES["instructor_place"]
        return
    committee = committee_above(organization)
    if committee is None:
        yield "organization", MESSAGES["instructor_no_committee"] % {"organization": organization}
    elif cadre.member_id is not None and not cadre.member.branch.path.startswith(committee.path):
        yield "member", MESSAGES["instructor_member"] % {"committee": committee}


def _others_in_post(cadre: Cadre, posts):
    return (
        Cadre.objects.filter(overlapping(cadre.started_on, cadre.ended_on))
        .filter(organization_id=cadre.organization_id, post__in=posts)
        .exclude(pk=cadre.pk)
        .order_by("started_on", "pk")
    )


def _check_single_holder(cadre: Cadre):
    if cadre.post not in SINGLE_HOLDER_POSTS:
        return
    holder = _others_in_post(cadre, [cadre.post]).first()
    if holder is None:
        return
    params = {"name": holder.name, "started": holder.started_on, "ended": holder.ended_on}
    key = "holder_serving" if holder.ended_on is None else "holder_ended"
    yield "started_on", MESSAGES[key] % params


def _check_independent_supervision(cadre: Cadre):
    if cadre.post == CadrePost.SUPERVISION_CHAIR:
        conflicting = TWO_COMMITTEE_POSTS
    elif cadre.post in TWO_COMMITTEE_POSTS:
        conflicting = {CadrePost.SUPERVISION_CHAIR}
    else:
        return
    other = _others_in_post(cadre, conflicting).filter(same_person_as(cadre)).first()
    if other is not None:
        params = {"name": other.name, "post": other.get_post_display(), "term": _term(other)}
        yield "post", MESSAGES["supervision_independent"] % params


CADRE_CHECKS = (
    _check_dates,
    _check_place,
    _check_roll,
    _check_instructor,
    _check_single_holder,
    _check_independent_supervision,
)


# The rules read these fields, so they run once the model finds them valid.
CADRE_RULE_INPUTS = frozenset({"organization", "post", "member", "started_on", "ended_on"})


def cadre_check(cadre: Cadre) -> None:
    """Every rule a post holding must follow; forms call it too, to show the errors beside the fields."""
    errors = model_errors(cadre)
    if not errors.keys() & CADRE_RULE_INPUTS:
        for check in CADRE_CHECKS:
            for field, message in check(cadre):
                errors.setdefault(field, []).append(message)
    raise_errors(errors)


# --- cadre writes -----------------------------------------------------------------------------------


@transaction.atomic
def cadre_appoint(*, actor, organization: Organization, post: str, member: Member | None = None, **data):
    require_capability(actor, organization)
    _require_visible_member(actor, member)
    cadre = Cadre(organization=organization, post=post, member=member, **data)
    if member is not None:
        _fill_from_member(cadre, member_identity(cadre.member))
    cadre_check(cadre)
    return save_new(actor, cadre)


@transaction.atomic
def cadre_update(*, actor, cadre: Cadre, expected_version=None, precondition=False, **changes) -> Cadre:
    rules = _edit_rules(actor, changes, member_identity, cadre_check)
    return scoped_update(actor, cadre, expected_version, precondition, changes, rules=rules)


@transaction.atomic
def cadre_end_term(*, actor, cadre: Cadre, on: dt.date, reason: str, expected_version=None) -> Cadre:
    reason = (reason or "").strip()

    def prepare(cadre, changes):
        if cadre.ended_on is not None:
            raise _error("on", "already_ended", ended=cadre.ended_on)
        if not reason:
            raise _error("reason", "reason_required")
        if on < cadre.started_on:
            raise _error("on", "ends_before_start", started=cadre.started_on)
        return changes

    return scoped_update(
        actor, cadre, expected_version, False, {"ended_on": on, "note": reason}, prepare=prepare
    )


# --- reserve roster ---------------------------------------------------------------------------------


def _refuse_lifecycle_fields(data: dict) -> None:
    touched = [field for field in RESERVE_LIFECYCLE_FIELDS if field in data]
    if touched:
        raise ValidationError(dict.fromkeys(touched, MESSAGES["lifecycle_field"]))


def reserve_check(reserve: ReserveCadre, *, entering: bool = False) -> None:
    """Every rule a roster entry must follow; forms call it too, to show the errors beside the fields."""
    errors = model_errors(reserve)
    organization = reserve.organization if "organization" not in errors else None
    if organization is not None and not organization.is_rural:
        errors.setdefault("organization", []).append(MESSAGES["reserve_place"])
    if "entered_on" not in errors and reserve.entered_on > timezone.localdate():
        errors.setdefault("entered_on", []).append(MESSAGES["entered_in_future"])
    if entering and not errors and _already_in_roster(reserve):
        errors["name"] = [MESSAGES["already_in_roster"] % {"name": reserve.name}]
    raise_errors(errors)


def _already_in_roster(reserve: ReserveCadre) -> bool:
    same = ReserveCadre.objects.filter(organization_id=reserve.organization_id).filter(
        status=ReserveStatus.IN_ROSTER
    )
    same_person = same.filter(name=reserve.name, birth_date=reserve.birth_date)
    if reserve.member_id is not None:
        same_person |= same.filter(member_id=reserve.member_id)
    return same_person.exists()


@transaction.atomic
def reserve_enter(*, actor, organization: Organization, **data) -> ReserveCadre:
    require_capability(actor, organization)
    _refuse_lifecycle_fields(data)
    _require_visible_member(actor, data.get("member"))
    reserve = ReserveCadre(organization=organization, **data)
    if reserve.member is not None:
        _fill_from_member(reserve, reserve_identity(reserve.member))
    reserve_check(reserve, entering=True)
    return save_new(actor, reserve)


@transaction.atomic
def reserve_update(
    *, actor, reserve: ReserveCadre, expected_version=None, precondition=False, **changes
) -> ReserveCadre:
    return scoped_update(
        actor,
        reserve,
        expected_version,
        precondition,
        changes,
        check=lambda: _refuse_lifecycle_fields(changes),
        rules=_edit_rules(actor, changes, reserve_identity, reserve_check),
    )


def _check_lifecycle_step(reserve: ReserveCadre, on: dt.date) -> None:
    if reserve.status != ReserveStatus.IN_ROSTER:
        raise _error("status", "not_in_roster", status=reserve.get_status_display())
    if on < reserve.entered_on:
        raise _error("on", "before_entry", entered=reserve.entered_on)
    refuse_record_date("on", on)


def _appoint_promoted(*, actor, reserve: ReserveCadre, post: str, on: dt.date) -> Cadre:
    if reserve.member is not None:
        person = {"member": reserve.member}
    elif post in MEMBER_ONLY_POSTS:
        raise _error("post", "member_only_reserve")
    else:
        person = {field: getattr(reserve, field) for field in (*IDENTITY_FIELDS, "phone")}
    try:
        return cadre_appoint(
            actor=actor, organization=reserve.organization, post=post, started_on=on, **person
        )
    except ValidationError as error:
        # The promotion form has "on" where the post has "started_on".
        messages = error.message_dict
        raise ValidationError(
            {("on" if field == "started_on" else field): texts for field, texts in messages.items()}
        ) from error


@transaction.atomic
def reserve_promote(*, actor, reserve: ReserveCadre, post: str, on: dt.date, expected_version=None):
    """Promote to a post and appoint the post holding with it: a refused appointment changes nothing."""

    def prepare(reserve, changes):
        _check_lifecycle_step(reserve, on)
        _appoint_promoted(actor=actor, reserve=reserve, post=post, on=on)
        return changes

    changes = {"status": ReserveStatus.PROMOTED, "promoted_post": post, "promoted_on": on}
    return scoped_update(actor, reserve, expected_version, False, changes, prepare=prepare)


@transaction.atomic
def reserve_remove(*, actor, reserve: ReserveCadre, on: dt.date, reason: str, expected_version=None):
    reason = (reason or "").strip()

    def prepare(reserve, changes):
        if not reason:
            raise _error("reason", "reason_required")
        _check_lifecycle_step(reserve, on)
        return changes

    changes = {"status": ReserveStatus.REMOVED, "removed_on": on, "removed_reason": reason}
    return scoped_update(actor, reserve, expected_version, False, changes, prepare=prepare)
