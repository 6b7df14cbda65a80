"""Every write to member appraisals (民主评议党员, docs/ratings-and-evaluation.md).

Rules:
- a member is appraised once a year, in the branch they belonged to on the day of the appraisal, on whose
  roll they were that day (docs/records.md, "On the roll on a day"; ``branch`` never changes afterwards);
  the appraisal is dated in its year or early in the next one, never in the future;
- probationary members take part but are not graded: a grade for one is refused;
- a full member who took part gets a grade (excellent, qualified, basically qualified, unqualified); one who
  did not take part may be left ungraded;
- **excellent for at most one third of the graded members of the branch that year**, graded meaning full
  members with a grade. It is checked on the set as it stands after the write (the row being saved counted),
  with the branch row locked so two concurrent requests cannot both slip under the cap: 3 of 9 and 3 of 10
  pass, 4 of 9 and 4 of 10 do not, 1 of 3 passes and 2 of 3 does not. Ungrading or deleting a member can
  break the cap too and is refused the same way.

Member stars (``stars``, set here, never entered), from the grade and the member's participation
(docs/ratings-and-evaluation.md):
- excellent 5, qualified 4, basically qualified 2, unqualified 1;
- a qualified member who missed more than half of the year's meetings of their branch (attended × 2 < held)
  gets 3 instead of 4. The meetings counted are those the whole branch is expected at — assemblies, party
  lectures, theme party days, organizational life meetings and appraisal meetings held by the appraisal's
  branch in the appraisal's year, attendance as recorded on each meeting (``Meeting.attendees``);
  committee and party-group meetings are left out, an ordinary member not being expected at them. A branch
  that held none of them has missed nothing;
- probationary members and ungraded full members: 0 (not rated).
Stars are computed when the appraisal is written; writing it again (an edit) recomputes them.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from branches.models.bases import keyed_message
from branches.models.bases import model_errors
from branches.models.bases import raise_errors
from branches.scope.editing import scoped_delete
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import ensure_in_scope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from members.models import Member
from members.models import MemberCategory
from members.selectors.roster import member_branches_on
from members.selectors.roster import rolls_on

from ..models import AppraisalGrade
from ..models import MemberAppraisal
from ..selectors.appraisals import excellent_counts
from ..selectors.appraisals import meeting_attendance

GRADE_STARS = {
    AppraisalGrade.EXCELLENT: 5,
    AppraisalGrade.QUALIFIED: 4,
    AppraisalGrade.BASIC: 2,
    AppraisalGrade.UNQUALIFIED: 1,
}
QUALIFIED_BUT_ABSENT_STARS = 3

MESSAGES = {
    "already_appraised": _(
        "%(member)s already has an appraisal for %(year)s: edit it instead of recording another."
    ),
    "appraised_elsewhere": _("%(member)s was already appraised for %(year)s in %(branch)s."),
    "probationary_graded": _(
        "%(member)s is a probationary member: probationary members take part in the appraisal but are not "
        "graded. Leave the grade empty."
    ),
    "grade_required": _("%(member)s took part in the appraisal as a full member: give the grade."),
    "not_on_roll": _("%(member)s was not on the roll of %(branch)s on %(date)s, the day of the appraisal."),
    "in_future": _("The appraisal date cannot be in the future."),
    "date_outside_year": _(
        "An appraisal for %(year)s is held in %(year)s or early in the following year, not on %(date)s."
    ),
    "future_year": _("Members cannot be appraised for a year that has not begun."),
    "excellent_cap": _(
        "At most one third of the graded members of a branch can be excellent: %(branch)s has %(graded)s "
        "graded members in %(year)s, so at most %(allowed)s can be excellent, and this would make "
        "%(excellent)s."
    ),
    "fixed": _("The member and the year of an appraisal cannot change: delete it and record it again."),
    "no_entries": _("Send at least one member."),
    "duplicate_entry": _("%(member)s appears more than once."),
    "unknown_member": _("There is no party member with id %(id)s among the records you can see."),
    "entry": _("%(member)s: %(message)s"),
}


appraisal_message = partial(keyed_message, MESSAGES)


def require_records(actor, branch: Organization) -> None:
    if not organization_in_scope(actor, branch, Capability.RECORDS):
        raise OutOfScope(NOT_ALLOWED)


def lock_branches(branch_ids) -> None:
    """Serialize writes to the appraisals of these branches (the excellent cap counts a whole branch)."""
    list(Organization.objects.select_for_update().filter(pk__in=sorted(set(branch_ids))).values_list("pk"))


# --- rules ------------------------------------------------------------------------------------------


def appraisal_branch(member: Member, appraised_on):
    """The branch an appraisal recorded now belongs to: the member's on the day of the appraisal."""
    appraisal = MemberAppraisal(member=member, appraised_on=appraised_on)
    appraisal_branches([appraisal])
    return appraisal.branch


def appraisal_branches(appraisals) -> None:
    """Give each appraisal being recorded (its member set) its branch, as ``appraisal_branch`` says, for
    many at once (an import's chunk): a query for the branches on the days, one for those not current."""
    appraisals = [a for a in appraisals if a.member_id is not None]
    on_day = member_branches_on({(a.member_id, a.appraised_on) for a in appraisals if a.appraised_on})
    moved = {
        branch_id
        for a in appraisals
        if (branch_id := on_day.get((a.member_id, a.appraised_on), a.member.branch_id)) != a.member.branch_id
    }
    others = Organization.objects.in_bulk(moved) if moved else {}
    for appraisal in appraisals:
        branch_id = on_day.get((appraisal.member_id, appraisal.appraised_on), appraisal.member.branch_id)
        appraisal.branch = others.get(branch_id) or appraisal.member.branch


def roll_check(appraisal: MemberAppraisal) -> tuple:
    """What the roll is asked for an appraisal: (member id, branch, day)."""
    return (appraisal.member_id, appraisal.branch, appraisal.appraised_on)


def appraisals_on_roll(appraisals) -> dict[tuple, bool]:
    """Whether each appraisal's member was on its branch's roll on its day (by ``roll_check``), for many
    at once: one query. The import passes each answer to ``appraisal_check`` as ``on_roll``."""
    checks = [roll_check(a) for a in appraisals if a.member_id and a.branch_id is not None and a.appraised_on]
    return rolls_on(checks) if checks else {}


def appraisal_rule_errors(
    appraisal: MemberAppraisal, *, recording=True, today=None, on_roll=None
) -> dict[str, list]:
    """The rules one appraisal must follow on its own (the cap is judged on the branch's set). Whether the
    member was on the branch's roll on the day of the appraisal is judged when recording, not when an edit
    comes later; ``on_roll`` gives it when already known (a branch's entries are judged in one query)."""
    today = today or timezone.localdate()
    member = appraisal.member
    errors: dict[str, list] = {}

    def add(field, key, **params):
        errors.setdefault(field, []).append(appraisal_message(key, **params))

    day = appraisal.appraised_on
    if recording and day and on_roll is None:
        on_roll = rolls_on([roll_check(appraisal)])[roll_check(appraisal)]
    if recording and day and not on_roll:
        add("member", "not_on_roll", member=member, branch=appraisal.branch, date=day)
    if member.category == MemberCategory.PROBATIONARY and appraisal.grade:
        add("grade", "probationary_graded", member=member)
    if member.category == MemberCategory.FULL and appraisal.participated and not appraisal.grade:
        add("grade", "grade_required", member=member)
    if appraisal.year and appraisal.year > today.year:
        add("year", "future_year")
    if day and day > today:
        add("appraised_on", "in_future")
    elif day and appraisal.year and day.year not in (appraisal.year, appraisal.year + 1):
        add("appraised_on", "date_outside_year", year=appraisal.year, date=day)
    return errors


def appraisal_check(appraisal: MemberAppraisal, *, recording=True, exclude=(), on_roll=None) -> None:
    """Model validation and the rules above; forms and imports call it too (``exclude``: fields already
    checked, such as a member found by the import)."""
    errors = model_errors(appraisal, exclude=["branch", "stars", *exclude], validate_constraints=False)
    if not errors.keys() & {"member", "year", "appraised_on"}:
        rule_errors = appraisal_rule_errors(appraisal, recording=recording, on_roll=on_roll)
        for field, messages in rule_errors.items():
            errors.setdefault(field, []).extend(messages)
    raise_errors(errors)


def member_stars(appraisal: MemberAppraisal, *, missed_most_meetings: bool) -> int:
    if appraisal.member.category != MemberCategory.FULL or not appraisal.grade:
        return 0
    if appraisal.grade == AppraisalGrade.QUALIFIED and missed_most_meetings:
        return QUALIFIED_BUT_ABSENT_STARS
    return GRADE_STARS[appraisal.grade]


def set_stars(appraisals) -> None:
    """Set ``stars`` on each appraisal; two queries for any number of them."""
    attendance = meeting_attendance(
        branch_years={(a.branch_id, a.year) for a in appraisals},
        member_ids={a.member_id for a in appraisals if a.grade == AppraisalGrade.QUALIFIED},
    )
    for appraisal in appraisals:
        missed = attendance.missed_most(appraisal.member_id, appraisal.branch_id, appraisal.year)
        appraisal.stars = member_stars(appraisal, missed_most_meetings=missed)


def check_excellent_cap(branch_years, *, field: str = "grade") -> None:
    """Refuse when excellent × 3 > graded in any of these (branch, year): run after the write, inside it."""
    errors = []
    for year in sorted({year for _branch, year in branch_years}):
        branch_ids = {branch for branch, y in branch_years if y == year}
        over = {
            branch: (graded, excellent)
            for branch, (graded, excellent) in excellent_counts(branch_ids=branch_ids, year=year).items()
            if 3 * excellent > graded
        }
        names = Organization.objects.in_bulk(list(over)) if over else {}
        for branch, (graded, excellent) in sorted(over.items()):
            errors.append(
                appraisal_message(
                    "excellent_cap",
                    branch=names[branch],
                    graded=graded,
                    year=year,
                    allowed=graded // 3,
                    excellent=excellent,
                )
            )
    if errors:
        raise ValidationError({field: errors})


def predict_excellent_cap(appraisal: MemberAppraisal) -> None:
    """The cap as it would stand once ``appraisal`` is written; forms call it to show the refusal beside the
    grade (the service judges it again after the write, under the branch lock)."""
    graded, excellent = excellent_counts(
        branch_ids=[appraisal.branch_id], year=appraisal.year, excluding=appraisal.pk
    ).get(appraisal.branch_id, (0, 0))
    if appraisal.grade and appraisal.member.category == MemberCategory.FULL:
        graded += 1
        excellent += appraisal.grade == AppraisalGrade.EXCELLENT
    if 3 * excellent > graded:
        message = appraisal_message(
            "excellent_cap",
            branch=appraisal.branch,
            graded=graded,
            year=appraisal.year,
            allowed=graded // 3,
            excellent=excellent,
        )
        raise ValidationError({"grade": message})


# --- one appraisal ----------------------------------------------------------------------------------


@transaction.atomic
def appraisal_record(
    *, actor, member: Member, year: int, grade: str = "", participated: bool = True, appraised_on, note=""
) -> MemberAppraisal:
    branch = appraisal_branch(member, appraised_on)
    require_records(actor, branch)
    lock_branches([branch.pk])
    if MemberAppraisal.objects.filter(member=member, year=year).exists():
        raise ValidationError({"member": appraisal_message("already_appraised", member=member, year=year)})
    appraisal = MemberAppraisal(
        member=member,
        branch=branch,
        year=year,
        grade=grade or "",
        participated=participated,
        appraised_on=appraised_on,
        note=note or "",
    )
    appraisal_check(appraisal)
    set_stars([appraisal])
    appraisal._history_user = actor
    appraisal.save()
    check_excellent_cap({(branch.pk, year)})
    ensure_in_scope(actor, appraisal, "add")
    return appraisal


@transaction.atomic
def appraisal_update(
    *, actor, appraisal: MemberAppraisal, expected_version=None, precondition=False, **changes
) -> MemberAppraisal:

    def check():
        _refuse_fixed_changes(appraisal, changes)
        lock_branches([appraisal.branch_id])

    def blank_texts(appraisal, changes):
        return {
            field: ("" if value is None else value) if field in {"grade", "note"} else value
            for field, value in changes.items()
        }

    def rules(appraisal):
        appraisal_check(appraisal, recording=False)
        set_stars([appraisal])

    return scoped_update(
        actor,
        appraisal,
        expected_version,
        precondition,
        changes,
        check=check,
        prepare=blank_texts,
        rules=rules,
        after_save=_check_cap,
        exclude_clean=["branch", "stars"],
    )


def _check_cap(appraisal: MemberAppraisal) -> None:
    check_excellent_cap({(appraisal.branch_id, appraisal.year)})


def _refuse_fixed_changes(appraisal: MemberAppraisal, changes: dict) -> None:
    member = changes.pop("member", None)
    year = changes.pop("year", None)
    if (member is not None and member.pk != appraisal.member_id) or (
        year is not None and year != appraisal.year
    ):
        raise ValidationError({"member": appraisal_message("fixed")})


@transaction.atomic
def appraisal_delete(*, actor, appraisal: MemberAppraisal) -> None:
    scoped_delete(
        actor,
        appraisal,
        rules=lambda appraisal: lock_branches([appraisal.branch_id]),
        after_delete=_check_cap,
    )
