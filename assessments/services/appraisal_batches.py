"""A branch's appraisal meeting recorded at once, and a file of appraisals (docs/ratings-and-evaluation.md):
the members' entries checked together against the rules of assessments/services/appraisals.py."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from simple_history.utils import bulk_update_with_history

from branches.models import Organization
from members.models import Member
from members.selectors.roster import off_roll_on
from partybuild.exceptions import StaleWrite

from ..models import MemberAppraisal
from .appraisals import appraisal_check
from .appraisals import appraisal_message
from .appraisals import check_excellent_cap
from .appraisals import lock_branches
from .appraisals import require_records
from .appraisals import set_stars

# --- a whole branch's meeting at once ---------------------------------------------------------------


@transaction.atomic
def appraisal_record_many(
    *, actor, branch: Organization, year: int, appraised_on, entries: list[dict]
) -> list[MemberAppraisal]:
    """Record the appraisal meeting of a branch in one go: each entry names a ``member`` (a Member or its
    id) with ``grade``, ``participated`` (default true), ``note`` and, to update an appraisal already
    recorded, optionally the ``version`` read. All entries are written or none; the excellent cap is judged
    on the branch's set as it stands after all of them."""
    require_records(actor, branch)
    if not entries:
        raise ValidationError({"entries": appraisal_message("no_entries")})
    lock_branches([branch.pk])
    members = _entry_members(actor, entries)
    off_roll = (
        {member.pk for member in off_roll_on(branch, appraised_on, list(members))} if appraised_on else set()
    )
    existing = {
        a.member_id: a
        for a in MemberAppraisal.objects.select_for_update()
        .select_related("branch")
        .filter(year=year, member_id__in=list(members))
    }
    appraisals, errors = [], []
    for entry in entries:
        member = members[_member_id(entry["member"])]
        appraisal = existing.get(member.pk) or MemberAppraisal(member=member, branch=branch, year=year)
        appraisal.member = member
        on_roll = member.pk not in off_roll
        errors += _apply_entry(
            appraisal, entry, branch=branch, year=year, appraised_on=appraised_on, on_roll=on_roll
        )
        appraisals.append(appraisal)
    if errors:
        raise ValidationError({"entries": errors})
    set_stars(appraisals)
    _write_entries(appraisals, actor)
    check_excellent_cap({(branch.pk, year)}, field="entries")
    return appraisals


def _member_id(value) -> int:
    return value.pk if isinstance(value, Member) else int(value)


def _entry_members(actor, entries) -> dict[int, Member]:
    ids = [_member_id(entry["member"]) for entry in entries]
    members = Member.objects.restrict(actor, "view").select_related("branch").in_bulk(ids)
    errors = [appraisal_message("unknown_member", id=pk) for pk in dict.fromkeys(ids) if pk not in members]
    seen = set()
    for pk in ids:
        if pk in seen and pk in members:
            errors.append(appraisal_message("duplicate_entry", member=members[pk]))
        seen.add(pk)
    if errors:
        raise ValidationError({"entries": errors})
    return members


def _apply_entry(appraisal, entry, *, branch, year, appraised_on, on_roll) -> list:
    member = appraisal.member
    if appraisal.pk is not None and appraisal.branch_id != branch.pk:
        return [appraisal_message("appraised_elsewhere", member=member, year=year, branch=appraisal.branch)]
    version = entry.get("version")
    if appraisal.pk is not None and version is not None and version != appraisal.version:
        raise StaleWrite(current_version=appraisal.version)
    appraisal.grade = entry.get("grade") or ""
    appraisal.participated = entry.get("participated", True)
    appraisal.note = entry.get("note") or ""
    appraisal.appraised_on = appraised_on
    try:
        # The members were loaded, and judged against the roll, above in one query each for all entries.
        appraisal_check(appraisal, exclude=["member"], on_roll=on_roll)
    except ValidationError as error:
        messages = [str(m) for texts in error.message_dict.values() for m in texts]
        # Rule messages name the member already; model messages get the name in front.
        return [
            m if str(member) in m else appraisal_message("entry", member=member, message=m) for m in messages
        ]
    return []


def _write_entries(appraisals, actor) -> None:
    fresh = [a for a in appraisals if a.pk is None]
    changed = [a for a in appraisals if a.pk is not None]
    now = timezone.now()
    for appraisal in changed:
        appraisal.version += 1
        appraisal.updated_at = now
    if fresh:
        bulk_create_with_history(fresh, MemberAppraisal, default_user=actor)
    if changed:
        bulk_update_with_history(
            changed,
            MemberAppraisal,
            ["grade", "participated", "note", "appraised_on", "stars", "version", "updated_at"],
            default_user=actor,
        )


# --- a file of appraisals ---------------------------------------------------------------------------


def appraisals_import(appraisals, *, actor) -> None:
    """Write the rows of an import file, each already checked on its own: stars, then the excellent cap on
    the set each branch has with them (a ValidationError rolls the whole import back)."""
    keys = {(appraisal.branch_id, appraisal.year) for appraisal in appraisals}
    lock_branches({branch for branch, _year in keys})
    set_stars(appraisals)
    bulk_create_with_history(appraisals, MemberAppraisal, default_user=actor)
    check_excellent_cap(keys, field="file")
