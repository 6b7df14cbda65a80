"""Corrections of pipeline facts (docs/members-and-pipeline.md, "Pipeline facts and corrections"): a fact
recorded by a step changed afterwards, with a reason, the corrected step and the next one checked again."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import ensure_in_scope
from partybuild.changes import note
from partybuild.versioning import lock_for_edit

from ..models import Applicant
from ..models import ApplicantStage
from ..models import MemberEvent
from ..models import MemberEventKind
from ..models.pipeline import STAGE_ORDER
from .pipeline import APPLICATION
from .pipeline import EXTENSION
from .pipeline import FACT_STEPS
from .pipeline import PIPELINE_FACTS
from .pipeline import STEP_CHECKS
from .pipeline import STEP_DATE
from .pipeline import require_capability
from .pipeline import same_value
from .pipeline import save_step
from .pipeline import step_capability
from .pipeline import step_label
from .pipeline import step_taken
from .pipeline_checks import check_extension
from .pipeline_checks import check_full_members
from .pipeline_checks import day_text
from .pipeline_checks import refuse


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
        refuse(
            unknown[0],
            _(
                "A correction changes facts recorded by the pipeline's steps; "
                "edit other details on the record."
            ),
        )
    not_taken = sorted(name for name in facts if not step_taken(applicant, FACT_STEPS[name]))
    if not_taken:
        refuse(
            not_taken[0],
            _("%(step)s has not been taken yet: this fact is recorded with it.")
            % {"step": capfirst(step_label(FACT_STEPS[not_taken[0]]))},
        )
    changes = {name: value for name, value in facts.items() if not same_value(applicant, name, value)}
    for capability in {step_capability(FACT_STEPS[name]) for name in changes}:
        require_capability(actor, applicant.branch, capability)
    if not (reason or "").strip():
        refuse("reason", _("Give the reason."))
    if not changes:
        raise ValidationError(_("Nothing to correct: every value given is the one recorded."))
    before = {name: _shown(applicant, name) for name in changes}
    people = {name: changes.pop(name) for name in ("mentors", "sponsors") if name in changes}
    for field, value in changes.items():
        setattr(applicant, field, value)
    applicant.full_clean()  # real dates and the application's rules (Applicant.clean)
    applicant.skip_history_when_saving = True  # one history row for the whole correction: the save below
    for name, members in people.items():
        check_full_members(members, name)
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
    return [name for name in fields if name in FACT_STEPS and step_taken(applicant, FACT_STEPS[name])]


def _shown(applicant: Applicant, name: str) -> str:
    if name in ("mentors", "sponsors"):
        return "、".join(member.name for member in getattr(applicant, name).order_by("name", "pk")) or "—"
    value = getattr(applicant, name)
    if isinstance(value, dt.date):
        return day_text(value)
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
        check_extension(
            applicant,
            applicant.probation_extension_months,
            applicant.probation_extended_on,
            fields=("probation_extension_months", "probation_extended_on"),
        )
    for stage in STAGE_ORDER[1:]:
        if stage in checked and step_taken(applicant, stage):
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
    save_step(actor, member)
    note([member])
    dates = {
        MemberEventKind.ADMISSION: applicant.approved_on,
        MemberEventKind.CONFIRMATION: applicant.confirmed_on,
    }
    for kind, on in dates.items():
        if on:
            MemberEvent.objects.filter(member=member, kind=kind).update(occurred_on=on)
