"""The rules each pipeline step checks before it is taken or corrected (docs/members-and-pipeline.md):
what is refused, on which field, and from when the step is possible."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import pipeline_rules as rules
from ..models import Applicant
from ..models import MemberCategory
from ..models import MemberStatus


def refuse(field: str, message: str):
    raise ValidationError({field: [message]})


def day_text(value: dt.date) -> str:
    return date_format(value, "Y-m-d")


def refuse_unreal_dates(applicant: Applicant):
    """Dates outside Applicant.date_errors' range are refused before any rule computes with them."""
    errors = applicant.date_errors()
    if errors:
        raise ValidationError(errors)


def check_full_members(members, field: str):
    for member in members:
        if member.category != MemberCategory.FULL or member.status != MemberStatus.NORMAL:
            refuse(field, _("%(name)s is not a full party member in good standing.") % {"name": member.name})


def check_activist(applicant: Applicant, on: dt.date):
    if on < applicant.applied_on:
        refuse(
            "on",
            _("An activist is designated after the application (%(date)s).")
            % {"date": day_text(applicant.applied_on)},
        )
    count = applicant.mentors.count()
    if not rules.MENTORS_MIN <= count <= rules.MENTORS_MAX:
        refuse("mentors", _("An activist needs one or two mentors (培养联系人) who are full members."))


def check_candidate(applicant: Applicant, on: dt.date):
    earliest = rules.candidate_from_activist(applicant.activist_on)
    if on < earliest:
        refuse(
            "on",
            _("A candidate is designated one full year after becoming an activist: possible from %(date)s.")
            % {"date": day_text(earliest)},
        )
    if not applicant.political_review_on or applicant.political_review_on > on:
        refuse(
            "political_review_on",
            _("The political review must be completed before designation as a candidate."),
        )
    if not applicant.training_completed_on or applicant.training_completed_on > on:
        refuse("training_completed_on", _("The centralized training must be completed before designation."))
    if not rules.training_is_sufficient(applicant.training_days, applicant.training_hours):
        refuse("training_days", _("Centralized training must last at least 3 days or 24 class hours."))
    if not applicant.notice_started_on:
        refuse("notice_started_on", _("A public notice must be posted before designation."))
    notice_over = rules.notice_over_from(applicant.notice_started_on)
    if on < notice_over:
        refuse(
            "on",
            _("The public notice runs %(days)d working days: designation is possible from %(date)s.")
            % {"days": rules.notice_days(), "date": day_text(notice_over)},
        )


def check_admission(applicant: Applicant, on: dt.date):
    if not applicant.pre_reviewed_on:
        refuse(
            "pre_reviewed_on",
            _("The township committee's pre-review is required before the branch assembly."),
        )
    if not applicant.assembly_on:
        refuse("assembly_on", _("Record the branch assembly that voted on the admission."))
    if not applicant.candidate_on <= applicant.pre_reviewed_on <= applicant.assembly_on:
        refuse(
            "pre_reviewed_on",
            _("The pre-review comes after designation as a candidate and before the assembly."),
        )
    if applicant.sponsors.count() != rules.SPONSORS_REQUIRED:
        refuse("sponsors", _("Admission needs exactly two sponsors (入党介绍人) who are full members."))
    check_vote(applicant)
    if on < applicant.assembly_on:
        refuse(
            "on",
            _("Approval comes after the branch assembly (%(date)s).")
            % {"date": day_text(applicant.assembly_on)},
        )
    deadline = rules.approval_deadline(applicant.assembly_on)
    if on > deadline:
        refuse(
            "on",
            _("Approval must come within three months of the branch assembly, by %(date)s.")
            % {"date": day_text(deadline)},
        )


def check_vote(applicant: Applicant):
    entitled, yes = applicant.votes_entitled, applicant.votes_yes
    if entitled is None or yes is None:
        refuse("votes_yes", _("Record the number of full members entitled to vote and the votes in favour."))
    if yes > entitled:
        refuse("votes_yes", _("There cannot be more votes in favour than members entitled to vote."))
    if not rules.assembly_passes(yes, entitled):
        refuse(
            "votes_yes",
            _(
                "Admission needs more than half of the %(entitled)d full members entitled to vote: "
                "at least %(needed)d votes in favour."
            )
            % {"entitled": entitled, "needed": entitled // 2 + 1},
        )


def check_confirmation(applicant: Applicant, on: dt.date):
    earliest = rules.probation_ends(applicant.assembly_on, applicant.probation_extension_months)
    if on < earliest:
        refuse(
            "on",
            _(
                "The probation (one year from the branch assembly, plus any extension) ends: full "
                "membership is possible from %(date)s."
            )
            % {"date": day_text(earliest)},
        )


def check_extension(applicant: Applicant, months: int, on: dt.date, fields=("months", "on")):
    if not rules.EXTENSION_MIN_MONTHS <= months <= rules.EXTENSION_MAX_MONTHS:
        refuse(fields[0], _("An extension lasts from 6 to 12 months."))
    ends = rules.probation_ends(applicant.assembly_on, None)
    if not applicant.assembly_on <= on < ends:
        refuse(
            fields[1],
            _("The extension is decided during the probation, before %(date)s.") % {"date": day_text(ends)},
        )
