"""Every write to the development pipeline. Each refused step says which rule and from when it is possible."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models.bases import refuse_future
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED, OutOfScope, ensure_in_scope, organization_in_scope
from branches.scope.roles import Capability
from branches.services.writing import save_new
from partybuild.changes import note
from partybuild.versioning import lock_for_edit

from .. import pipeline_rules as rules
from ..models import (
    Applicant,
    ApplicantStage,
    ApplicantStatus,
    Member,
    MemberCategory,
    MemberEvent,
    MemberEventKind,
    MemberStatus,
)
from ..models.pipeline import EARLIEST_DATE, STAGE_ORDER
from ..models.roster import PERSON_FIELDS
from .identity import id_number_check

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


def _day(value: dt.date) -> str:
    return date_format(value, "Y-m-d")


def _require(actor, organization, capability):
    if not organization_in_scope(actor, organization, capability):
        raise OutOfScope(NOT_ALLOWED)


def _save_step(actor, record):
    """Save a record a step or a correction has set, its version bumped and ``actor`` in its history."""
    record.version += 1
    record._history_user = actor
    record.save()
    return record


def _refuse(field: str, message: str):
    raise ValidationError({field: [message]})


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


def _step_capability(step: str) -> str:
    if step == APPLICATION:
        return Capability.RECORDS
    if step == EXTENSION:
        return Capability.REVIEW
    return STEP_CAPABILITY[step]


def _step_taken(applicant: Applicant, step: str) -> bool:
    if step == APPLICATION:
        return True
    if step == EXTENSION:
        return bool(applicant.probation_extension_months)
    return STAGE_ORDER.index(applicant.stage) >= STAGE_ORDER.index(step)


def _pk(value):
    return getattr(value, "pk", value)


def _same(applicant: Applicant, name: str, value) -> bool:
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
        if name in PIPELINE_FACTS and not _same(applicant, name, value):
            errors[name] = _(
                "This is recorded by %(step)s; to change it afterwards, record a correction with the reason."
            ) % {"step": step_label(FACT_STEPS[name])}
        elif name in STATE_FIELDS and not _same(applicant, name, value):
            errors[name] = _("This field changes only through the pipeline steps.")
    if errors:
        raise ValidationError(errors)
    return {name: value for name, value in changes.items() if name not in PIPELINE_FACTS | set(STATE_FIELDS)}


@transaction.atomic
def applicant_register(*, actor, branch, applied_on: dt.date, **person) -> Applicant:
    """Record an application to join the party (入党申请); the later steps' facts come with those steps."""
    _require(actor, branch, Capability.RECORDS)
    person = _refuse_changed_facts(Applicant(), person)
    if not branch.is_branch:
        _refuse("branch", _("Applications are made to a party branch."))
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
    _require(actor, applicant.branch, STEP_CAPABILITY.get(to_stage, Capability.REVIEW))
    if applicant.status != ApplicantStatus.ACTIVE:
        _refuse(
            "to_stage",
            _("This development record is closed (%(status)s).") % {"status": applicant.get_status_display()},
        )
    expected = (
        STAGE_ORDER[STAGE_ORDER.index(applicant.stage) + 1]
        if applicant.stage != ApplicantStage.FULL
        else None
    )
    if to_stage != expected:
        _refuse(
            "to_stage",
            _("The next step from “%(stage)s” is “%(next)s”.")
            % {
                "stage": applicant.get_stage_display(),
                "next": ApplicantStage(expected).label if expected else _("none: already a full member"),
            },
        )
    refuse_future("on", on)
    unexpected = sorted(set(facts) - set(STEP_FACTS[to_stage]))
    if unexpected:
        _refuse(
            unexpected[0],
            _("This fact is not recorded at the step to “%(next)s”.")
            % {"next": ApplicantStage(to_stage).label},
        )
    if on < EARLIEST_DATE:
        _refuse("on", _("Enter a date from %(year)d on.") % {"year": EARLIEST_DATE.year})
    _record_facts(applicant, facts)
    _refuse_unreal_dates(applicant)
    STEP_CHECKS[to_stage](applicant, on)
    STEP_EFFECTS[to_stage](applicant, on, actor)
    applicant.stage = to_stage
    return _save_step(actor, applicant)


def _refuse_unreal_dates(applicant: Applicant):
    """Dates outside Applicant.date_errors' range are refused before any rule computes with them."""
    errors = applicant.date_errors()
    if errors:
        raise ValidationError(errors)


def _record_facts(applicant: Applicant, facts: dict):
    people = {name: facts.pop(name) for name in ("mentors", "sponsors") if name in facts}
    for field, value in facts.items():
        setattr(applicant, field, value)
    for name, members in people.items():
        _check_full_members(members, name)
        getattr(applicant, name).set(members)


def _check_full_members(members, field: str):
    for member in members:
        if member.category != MemberCategory.FULL or member.status != MemberStatus.NORMAL:
            _refuse(field, _("%(name)s is not a full party member in good standing.") % {"name": member.name})


def _check_activist(applicant: Applicant, on: dt.date):
    if on < applicant.applied_on:
        _refuse(
            "on",
            _("An activist is designated after the application (%(date)s).")
            % {"date": _day(applicant.applied_on)},
        )
    count = applicant.mentors.count()
    if not rules.MENTORS_MIN <= count <= rules.MENTORS_MAX:
        _refuse("mentors", _("An activist needs one or two mentors (培养联系人) who are full members."))


def _check_candidate(applicant: Applicant, on: dt.date):
    earliest = rules.candidate_from_activist(applicant.activist_on)
    if on < earliest:
        _refuse(
            "on",
            _("A candidate is designated one full year after becoming an activist: possible from %(date)s.")
            % {"date": _day(earliest)},
        )
    if not applicant.political_review_on or applicant.political_review_on > on:
        _refuse(
            "political_review_on",
            _("The political review must be completed before designation as a candidate."),
        )
    if not applicant.training_completed_on or applicant.training_completed_on > on:
        _refuse("training_completed_on", _("The centralized training must be completed before designation."))
    if not rules.training_is_sufficient(applicant.training_days, applicant.training_hours):
        _refuse("training_days", _("Centralized training must last at least 3 days or 24 class hours."))
    if not applicant.notice_started_on:
        _refuse("notice_started_on", _("A public notice must be posted before designation."))
    notice_over = rules.notice_over_from(applicant.notice_started_on)
    if on < notice_over:
        _refuse(
            "on",
            _("The public notice runs %(days)d working days: designation is possible from %(date)s.")
            % {"days": rules.notice_days(), "date": _day(notice_over)},
        )


def _check_admission(applicant: Applicant, on: dt.date):
    if not applicant.pre_reviewed_on:
        _refuse(
            "pre_reviewed_on",
            _("The township committee's pre-review is required before the branch assembly."),
        )
    if not applicant.assembly_on:
        _refuse("assembly_on", _("Record the branch assembly that voted on the admission."))
    if not applicant.candidate_on <= applicant.pre_reviewed_on <= applicant.assembly_on:
        _refuse(
            "pre_reviewed_on",
            _("The pre-review comes after designation as a candidate and before the assembly."),
        )
    if applicant.sponsors.count() != rules.SPONSORS_REQUIRED:
        _refuse("sponsors", _("Admission needs exactly two sponsors (入党介绍人) who are full members."))
    _check_vote(applicant)
    if on < applicant.assembly_on:
        _refuse(
            "on",
            _("Approval comes after the branch assembly (%(date)s).") % {"date": _day(applicant.assembly_on)},
        )
    deadline = rules.approval_deadline(applicant.assembly_on)
    if on > deadline:
        _refuse(
            "on",
            _("Approval must come within three months of the branch assembly, by %(date)s.")
            % {"date": _day(deadline)},
        )


def _check_vote(applicant: Applicant):
    entitled, yes = applicant.votes_entitled, applicant.votes_yes
    if entitled is None or yes is None:
        _refuse("votes_yes", _("Record the number of full members entitled to vote and the votes in favour."))
    if yes > entitled:
        _refuse("votes_yes", _("There cannot be more votes in favour than members entitled to vote."))
    if not rules.assembly_passes(yes, entitled):
        _refuse(
            "votes_yes",
            _(
                "Admission needs more than half of the %(entitled)d full members entitled to vote: "
                "at least %(needed)d votes in favour."
            )
            % {"entitled": entitled, "needed": entitled // 2 + 1},
        )


def _check_confirmation(applicant: Applicant, on: dt.date):
    earliest = rules.probation_ends(applicant.assembly_on, applicant.probation_extension_months)
    if on < earliest:
        _refuse(
            "on",
            _(
                "The probation (one year from the branch assembly, plus any extension) ends: full "
                "membership is possible from %(date)s."
            )
            % {"date": _day(earliest)},
        )


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
    ApplicantStage.ACTIVIST: _check_activist,
    ApplicantStage.CANDIDATE: _check_candidate,
    ApplicantStage.PROBATIONARY: _check_admission,
    ApplicantStage.FULL: _check_confirmation,
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
    _require(actor, applicant.branch, Capability.REVIEW)
    if applicant.stage != ApplicantStage.PROBATIONARY:
        _refuse("months", _("Only a probationary member's probation can be extended."))
    # The member's own step (members/services/roster.py) may have extended it already.
    if applicant.probation_extension_months or (applicant.member and applicant.member.probation_extension):
        _refuse("months", _("A probation can be extended only once."))
    refuse_future("on", on)
    _check_extension(applicant, months, on)
    applicant.probation_extension_months = months
    applicant.probation_extended_on = on
    return _save_step(actor, applicant)


def _check_extension(applicant: Applicant, months: int, on: dt.date, fields=("months", "on")):
    if not rules.EXTENSION_MIN_MONTHS <= months <= rules.EXTENSION_MAX_MONTHS:
        _refuse(fields[0], _("An extension lasts from 6 to 12 months."))
    ends = rules.probation_ends(applicant.assembly_on, None)
    if not applicant.assembly_on <= on < ends:
        _refuse(
            fields[1],
            _("The extension is decided during the probation, before %(date)s.") % {"date": _day(ends)},
        )


@transaction.atomic
def applicant_close(*, actor, applicant: Applicant, status: str, reason: str) -> Applicant:
    """Withdraw or disqualify a development record that has not reached membership."""
    applicant = lock_for_edit(applicant, None)
    ensure_in_scope(actor, applicant, "change", NOT_ALLOWED)
    if status not in (ApplicantStatus.WITHDRAWN, ApplicantStatus.DISQUALIFIED):
        _refuse("status", _("Choose withdrawn or disqualified."))
    if applicant.stage in (ApplicantStage.PROBATIONARY, ApplicantStage.FULL):
        _refuse("status", _("A member's record is closed through the member's status, not here."))
    if not reason.strip():
        _refuse("reason", _("Give the reason."))
    applicant.status = status
    applicant.note = f"{applicant.note}\n{reason}".strip()
    return _save_step(actor, applicant)


# --- corrections (docs/members-and-pipeline.md, "Pipeline facts and corrections") ---------------------------


@transaction.atomic
def applicant_correct(
    *, actor, applicant: Applicant, reason: str, expected_version=None, **facts
) -> Applicant:
    """Correct facts that steps already recorded, with the capability of those steps. The rules of each step
    the corrected facts belong to, and of the step after it, are checked again against the rest of the
    record; the record's history keeps what changed from what to what, and why."""
    applicant = lock_for_edit(applicant, expected_version)
    ensure_in_scope(actor, applicant, "change", NOT_ALLOWED)
    unknown = sorted(set(facts) - PIPELINE_FACTS)
    if unknown:
        _refuse(
            unknown[0],
            _(
                "A correction changes facts recorded by the pipeline's steps; "
                "edit other details on the record."
            ),
        )
    not_taken = sorted(name for name in facts if not _step_taken(applicant, FACT_STEPS[name]))
    if not_taken:
        _refuse(
            not_taken[0],
            _("%(step)s has not been taken yet: this fact is recorded with it.")
            % {"step": capfirst(step_label(FACT_STEPS[not_taken[0]]))},
        )
    changes = {name: value for name, value in facts.items() if not _same(applicant, name, value)}
    for capability in {_step_capability(FACT_STEPS[name]) for name in changes}:
        _require(actor, applicant.branch, capability)
    if not (reason or "").strip():
        _refuse("reason", _("Give the reason."))
    if not changes:
        raise ValidationError(_("Nothing to correct: every value given is the one recorded."))
    before = {name: _shown(applicant, name) for name in changes}
    people = {name: changes.pop(name) for name in ("mentors", "sponsors") if name in changes}
    for field, value in changes.items():
        setattr(applicant, field, value)
    applicant.full_clean()  # real dates and the application's rules (Applicant.clean)
    applicant.skip_history_when_saving = True  # one history row for the whole correction: the save below
    for name, members in people.items():
        _check_full_members(members, name)
        getattr(applicant, name).set(members)
    del applicant.skip_history_when_saving
    _recheck_steps(applicant, {FACT_STEPS[name] for name in [*changes, *people]})
    _mirror_on_member(actor, applicant, changes.keys())
    applicant.version += 1
    applicant._history_user = actor
    applicant._change_reason = _correction_note(applicant, before, reason.strip())
    applicant.save()
    return applicant


def correctable_facts(applicant: Applicant) -> list[str]:
    """The facts of the steps this record has taken, in the record's order: what a correction may change."""
    fields = [f.name for f in Applicant._meta.get_fields() if f.concrete or f.many_to_many]
    return [name for name in fields if name in FACT_STEPS and _step_taken(applicant, FACT_STEPS[name])]


def _shown(applicant: Applicant, name: str) -> str:
    if name in ("mentors", "sponsors"):
        return "、".join(member.name for member in getattr(applicant, name).order_by("name", "pk")) or "—"
    value = getattr(applicant, name)
    if isinstance(value, dt.date):
        return _day(value)
    return "—" if value is None else str(value)


def _correction_note(applicant: Applicant, before: dict, reason: str) -> str:
    changed = "; ".join(
        f"{Applicant._meta.get_field(name).verbose_name}: {old} → {_shown(applicant, name)}"
        for name, old in before.items()
    )
    return _("Correction: %(changes)s. Reason: %(reason)s") % {"changes": changed, "reason": reason}


NEXT_CHECKED = {
    APPLICATION: ApplicantStage.ACTIVIST,
    ApplicantStage.ACTIVIST: ApplicantStage.CANDIDATE,
    ApplicantStage.CANDIDATE: ApplicantStage.PROBATIONARY,
    ApplicantStage.PROBATIONARY: ApplicantStage.FULL,
    EXTENSION: ApplicantStage.FULL,
}


def _recheck_steps(applicant: Applicant, steps: set):
    """Each corrected step's rules, and those of the step after it (whose dates count from this one)."""
    checked = {*steps, *(NEXT_CHECKED[step] for step in steps if step in NEXT_CHECKED)}
    if EXTENSION in checked and applicant.probation_extension_months:
        _check_extension(
            applicant,
            applicant.probation_extension_months,
            applicant.probation_extended_on,
            fields=("probation_extension_months", "probation_extended_on"),
        )
    for stage in STAGE_ORDER[1:]:
        if stage in checked and _step_taken(applicant, stage):
            try:
                STEP_CHECKS[stage](applicant, getattr(applicant, STEP_DATE[stage]))
            except ValidationError as error:
                # The step's own date is this record's date field, not the step form's "on".
                raise ValidationError(
                    {
                        STEP_DATE[stage] if key == "on" else key: value
                        for key, value in error.message_dict.items()
                    }
                ) from error


def _mirror_on_member(actor, applicant: Applicant, changed):
    """The member record repeats three of the pipeline's dates: they follow a correction."""
    member = applicant.member
    if member is None or not {"assembly_on", "approved_on", "confirmed_on"} & set(changed):
        return
    member.joined_on = applicant.assembly_on
    if applicant.confirmed_on:
        member.confirmed_on = applicant.confirmed_on
    member.full_clean()
    _save_step(actor, member)
    note([member])
    dates = {
        MemberEventKind.ADMISSION: applicant.approved_on,
        MemberEventKind.CONFIRMATION: applicant.confirmed_on,
    }
    for kind, on in dates.items():
        if on:
            MemberEvent.objects.filter(member=member, kind=kind).update(occurred_on=on)
