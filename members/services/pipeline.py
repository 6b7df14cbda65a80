"""Every write to the development pipeline. Each refused step says which rule and from when it is possible."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models.bases import refuse_record_date
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import ensure_in_scope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.services.writing import save_new
from partybuild.changes import note
from partybuild.versioning import lock_for_edit

from ..models import Applicant
from ..models import ApplicantStage
from ..models import ApplicantStatus
from ..models import Member
from ..models import MemberCategory
from ..models import MemberEvent
from ..models import MemberEventKind
from ..models.pipeline import EARLIEST_DATE
from ..models.pipeline import STAGE_ORDER
from ..models.roster import PERSON_FIELDS
from .identity import id_number_check
from .pipeline_checks import check_activist
from .pipeline_checks import check_admission
from .pipeline_checks import check_candidate
from .pipeline_checks import check_confirmation
from .pipeline_checks import check_extension
from .pipeline_checks import check_full_members
from .pipeline_checks import refuse
from .pipeline_checks import refuse_unreal_dates

ON_THE_ROLL = gettext_lazy("A party member with this ID number is already on the roll.")

# Facts only the township (or county) may record: they are its decisions, not the branch's.
REVIEW_FACTS = frozenset({"pre_reviewed_on", "approved_on"})
STEP_FACTS = {
    ApplicantStage.ACTIVIST: ("mentors",),
    ApplicantStage.CANDIDATE: (
        "political_review_on",
        "training_completed_on",
        "training_days",
        "training_hours",
        "notice_started_on",
    ),
    ApplicantStage.PROBATIONARY: (
        "pre_reviewed_on",
        "assembly_on",
        "votes_entitled",
        "votes_yes",
        "sponsors",
    ),
    ApplicantStage.FULL: (),
}
STEP_CAPABILITY = {
    ApplicantStage.ACTIVIST: Capability.RECORDS,
    ApplicantStage.CANDIDATE: Capability.RECORDS,
    ApplicantStage.PROBATIONARY: Capability.REVIEW,
    ApplicantStage.FULL: Capability.REVIEW,
}


def require_capability(actor, organization, capability):
    if not organization_in_scope(actor, organization, capability):
        raise OutOfScope(NOT_ALLOWED)


def save_step(actor, record):
    """Save a record a step or a correction has set, its version bumped and ``actor`` in its history."""
    record.version += 1
    record._history_user = actor
    record.save()
    return record


# Every fact the pipeline records, with the step that records it (docs/members-and-pipeline.md, "Pipeline
# facts and corrections"): set by that step, changed afterwards only by a correction.
APPLICATION, EXTENSION = "application", "extension"
FACT_STEPS = {
    "applied_on": APPLICATION,
    "activist_on": ApplicantStage.ACTIVIST,
    "candidate_on": ApplicantStage.CANDIDATE,
    "approved_on": ApplicantStage.PROBATIONARY,
    "confirmed_on": ApplicantStage.FULL,
    "probation_extension_months": EXTENSION,
    "probation_extended_on": EXTENSION,
    **{fact: stage for stage, facts in STEP_FACTS.items() for fact in facts},
}
PIPELINE_FACTS = frozenset(FACT_STEPS)
# Where the record stands: moved only by the steps themselves, never corrected.
STATE_FIELDS = ("stage", "status", "member", "branch")
STEP_DATE = {
    ApplicantStage.ACTIVIST: "activist_on",
    ApplicantStage.CANDIDATE: "candidate_on",
    ApplicantStage.PROBATIONARY: "approved_on",
    ApplicantStage.FULL: "confirmed_on",
}


def step_label(step: str) -> str:
    if step == APPLICATION:
        return _("the application")
    if step == EXTENSION:
        return _("the probation extension")
    return _("the step to “%(stage)s”") % {"stage": ApplicantStage(step).label}


def step_capability(step: str) -> str:
    if step == APPLICATION:
        return Capability.RECORDS
    if step == EXTENSION:
        return Capability.REVIEW
    return STEP_CAPABILITY[step]


def step_taken(applicant: Applicant, step: str) -> bool:
    if step == APPLICATION:
        return True
    if step == EXTENSION:
        return bool(applicant.probation_extension_months)
    return STAGE_ORDER.index(applicant.stage) >= STAGE_ORDER.index(step)


def _pk(value):
    return getattr(value, "pk", value)


def same_value(applicant: Applicant, name: str, value) -> bool:
    """Whether ``value`` is what the record holds (a full form or PUT sends the facts back unchanged)."""
    if name in ("mentors", "sponsors"):
        given = {_pk(member) for member in value or ()}
        held = set(getattr(applicant, name).values_list("pk", flat=True)) if applicant.pk else set()
        return given == held
    return _pk(value) == _pk(getattr(applicant, name))


def _refuse_changed_facts(applicant: Applicant, changes: dict) -> dict:
    """Refuse a changed pipeline fact or state, naming the step that records it; drop those sent unchanged."""
    errors = {}
    for name, value in changes.items():
        if name in PIPELINE_FACTS and not same_value(applicant, name, value):
            errors[name] = _(
                "This is recorded by %(step)s; to change it afterwards, record a correction with the reason."
            ) % {"step": step_label(FACT_STEPS[name])}
        elif name in STATE_FIELDS and not same_value(applicant, name, value):
            errors[name] = _("This field changes only through the pipeline steps.")
    if errors:
        raise ValidationError(errors)
    return {name: value for name, value in changes.items() if name not in PIPELINE_FACTS | set(STATE_FIELDS)}


@transaction.atomic
def applicant_register(*, actor, branch, applied_on: dt.date, **person) -> Applicant:
    """Record an application to join the party (入党申请); the later steps' facts come with those steps."""
    require_capability(actor, branch, Capability.RECORDS)
    person = _refuse_changed_facts(Applicant(), person)
    if not branch.is_branch:
        refuse("branch", _("Applications are made to a party branch."))
    id_number_check(
        actor=actor,
        id_number=person.get("id_number"),
        models=(Applicant, Member),
        visible_messages={Member: ON_THE_ROLL},
    )
    applicant = Applicant(branch=branch, applied_on=applied_on, **person)
    applicant.fill_from_id_number()
    applicant.full_clean()  # the applicant's rules: Applicant.clean (ID number, dates, age)
    return save_new(actor, applicant)


@transaction.atomic
def applicant_update(*, actor, applicant: Applicant, expected_version=None, precondition=False, **changes):
    """Correct personal details; the pipeline's facts change only through their step or a correction
    (``applicant_correct``), and the stage only through ``applicant_advance``."""

    def prepare(applicant, changes):
        changes = _refuse_changed_facts(applicant, changes)
        if "id_number" in changes:
            id_number_check(
                actor=actor,
                id_number=changes["id_number"],
                models=(Applicant, Member),
                exclude=applicant,
                visible_messages={Member: ON_THE_ROLL},
            )
            # A new number brings its own birth date and gender unless they are given with it.
            for name in ("birth_date", "gender"):
                if not changes.get(name):
                    changes[name] = Applicant._meta.get_field(name).get_default()
        return changes

    def derive(applicant):
        applicant.fill_from_id_number()

    return scoped_update(
        actor, applicant, expected_version, precondition, changes, prepare=prepare, rules=derive
    )


@transaction.atomic
def applicant_advance(*, actor, applicant: Applicant, to_stage: str, on: dt.date, **facts) -> Applicant:
    """Move ``applicant`` one stage on, on date ``on``, after recording the step's ``facts``."""
    applicant = lock_for_edit(applicant, facts.pop("expected_version", None))
    ensure_in_scope(actor, applicant, "change", NOT_ALLOWED)
    require_capability(actor, applicant.branch, STEP_CAPABILITY.get(to_stage, Capability.REVIEW))
    if applicant.status != ApplicantStatus.ACTIVE:
        refuse(
            "to_stage",
            _("This development record is closed (%(status)s).") % {"status": applicant.get_status_display()},
        )
    expected = (
        STAGE_ORDER[STAGE_ORDER.index(applicant.stage) + 1]
        if applicant.stage != ApplicantStage.FULL
        else None
    )
    if to_stage != expected:
        refuse(
            "to_stage",
            _("The next step from “%(stage)s” is “%(next)s”.")
            % {
                "stage": applicant.get_stage_display(),
                "next": ApplicantStage(expected).label if expected else _("none: already a full member"),
            },
        )
    refuse_record_date("on", on)
    unexpected = sorted(set(facts) - set(STEP_FACTS[to_stage]))
    if unexpected:
        refuse(
            unexpected[0],
            _("This fact is not recorded at the step to “%(next)s”.")
            % {"next": ApplicantStage(to_stage).label},
        )
    if on < EARLIEST_DATE:
        refuse("on", _("Enter a date from %(year)d on.") % {"year": EARLIEST_DATE.year})
    _record_facts(applicant, facts)
    refuse_unreal_dates(applicant)
    STEP_CHECKS[to_stage](applicant, on)
    STEP_EFFECTS[to_stage](applicant, on, actor)
    applicant.stage = to_stage
    return save_step(actor, applicant)


def _record_facts(applicant: Applicant, facts: dict):
    people = {name: facts.pop(name) for name in ("mentors", "sponsors") if name in facts}
    for field, value in facts.items():
        setattr(applicant, field, value)
    for name, members in people.items():
        check_full_members(members, name)
        getattr(applicant, name).set(members)


def _set_activist(applicant, on, actor):
    applicant.activist_on = on


def _set_candidate(applicant, on, actor):
    applicant.candidate_on = on


def _admit(applicant: Applicant, on: dt.date, actor):
    """Approval makes the applicant a probationary member, a member since the branch assembly."""
    applicant.approved_on = on
    id_number_check(actor=actor, id_number=applicant.id_number, models=(Member,))
    member = Member(
        branch=applicant.branch,
        category=MemberCategory.PROBATIONARY,
        joined_on=applicant.assembly_on,
        **{field: getattr(applicant, field) for field in PERSON_FIELDS},
    )
    member.full_clean()
    member._history_user = actor
    member.save()
    note([member])
    applicant.member = member
    MemberEvent.objects.create(
        member=member,
        kind=MemberEventKind.ADMISSION,
        occurred_on=on,
        to_branch=applicant.branch,
        recorded_by=actor,
    )


def _confirm(applicant: Applicant, on: dt.date, actor):
    applicant.confirmed_on = on
    member = applicant.member
    member.category = MemberCategory.FULL
    member.confirmed_on = on
    member.version += 1
    member._history_user = actor
    member.full_clean()
    member.save()
    note([member])
    MemberEvent.objects.create(
        member=member, kind=MemberEventKind.CONFIRMATION, occurred_on=on, recorded_by=actor
    )


STEP_CHECKS = {
    ApplicantStage.ACTIVIST: check_activist,
    ApplicantStage.CANDIDATE: check_candidate,
    ApplicantStage.PROBATIONARY: check_admission,
    ApplicantStage.FULL: check_confirmation,
}
STEP_EFFECTS = {
    ApplicantStage.ACTIVIST: _set_activist,
    ApplicantStage.CANDIDATE: _set_candidate,
    ApplicantStage.PROBATIONARY: _admit,
    ApplicantStage.FULL: _confirm,
}


@transaction.atomic
def probation_extend(*, actor, applicant: Applicant, months: int, on: dt.date) -> Applicant:
    """Extend a probation once, by 6 to 12 months, decided before it ends."""
    applicant = lock_for_edit(applicant, None)
    ensure_in_scope(actor, applicant, "change", NOT_ALLOWED)
    require_capability(actor, applicant.branch, Capability.REVIEW)
    if applicant.stage != ApplicantStage.PROBATIONARY:
        refuse("months", _("Only a probationary member's probation can be extended."))
    # The member's own step (members/services/roster.py) may have extended it already.
    if applicant.probation_extension_months or (applicant.member and applicant.member.probation_extension):
        refuse("months", _("A probation can be extended only once."))
    refuse_record_date("on", on)
    check_extension(applicant, months, on)
    applicant.probation_extension_months = months
    applicant.probation_extended_on = on
    return save_step(actor, applicant)


@transaction.atomic
def applicant_close(*, actor, applicant: Applicant, status: str, reason: str) -> Applicant:
    """Withdraw or disqualify a development record that has not reached membership."""
    applicant = lock_for_edit(applicant, None)
    ensure_in_scope(actor, applicant, "change", NOT_ALLOWED)
    if status not in (ApplicantStatus.WITHDRAWN, ApplicantStatus.DISQUALIFIED):
        refuse("status", _("Choose withdrawn or disqualified."))
    if applicant.stage in (ApplicantStage.PROBATIONARY, ApplicantStage.FULL):
        refuse("status", _("A member's record is closed through the member's status, not here."))
    if not reason.strip():
        refuse("reason", _("Give the reason."))
    applicant.status = status
    applicant.note = f"{applicant.note}\n{reason}".strip()
    return save_step(actor, applicant)
