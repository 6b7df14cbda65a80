"""Reads over member appraisals: the list, meeting attendance behind member stars, and the rural roll-up of
member stars against the county's target (docs/ratings-and-evaluation.md: 90% of rural members at ≥ 3
stars)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from branches.models import RURAL_FIELDS
from branches.models import Organization
from members.models import WHOLE_BRANCH_MEETINGS
from members.models import Meeting
from members.models import MemberCategory
from members.selectors.archive import ArchiveSection

from ..models import AppraisalGrade
from ..models import MemberAppraisal
from .ratings import rating_policy_for


def member_appraisal_list(*, user):
    return MemberAppraisal.objects.restrict(user, "view").select_related("member", "branch")


def _archive_rows(member, user) -> list[tuple]:
    appraisals = MemberAppraisal.objects.restrict(user, "view").filter(member=member).order_by("-year")
    return [
        (a.year, a.participated, a.get_grade_display(), a.stars, a.appraised_on, a.note) for a in appraisals
    ]


# The member archive's appraisal section (members/selectors/archive.py), added by AssessmentsConfig.ready.
ARCHIVE_SECTION = ArchiveSection(
    key="appraisals",
    title=_("Democratic appraisals"),
    columns=(_("year"), _("took part"), _("grade"), _("member stars"), _("appraised on"), _("note")),
    rows=_archive_rows,
    order=50,
)


@dataclass(frozen=True)
class Attendance:
    """Whole-branch meetings held per (branch, year) and attended per (member, branch, year)."""

    held: dict
    attended: dict

    def missed_most(self, member_id: int, branch_id: int, year: int) -> bool:
        """Missed more than half of the year's meetings of the branch: attended × 2 < held."""
        held = self.held.get((branch_id, year), 0)
        return 2 * self.attended.get((member_id, branch_id, year), 0) < held


def meeting_attendance(*, branch_years, member_ids) -> Attendance:
    """Two queries whatever the number of members, branches and years."""
    branch_years = set(branch_years)
    if not branch_years:
        return Attendance({}, {})
    branch_ids = {branch for branch, _year in branch_years}
    years = {year for _branch, year in branch_years}
    window = {
        "held_on__gte": dt.date(min(years), 1, 1),
        "held_on__lte": dt.date(max(years), 12, 31),
    }
    held = (
        Meeting.objects.filter(organization_id__in=branch_ids, kind__in=WHOLE_BRANCH_MEETINGS, **window)
        .annotate(year=ExtractYear("held_on"))
        .values("organization_id", "year")
        .annotate(n=Count("pk"))
    )
    attended = (
        Meeting.attendees.through.objects.filter(
            member_id__in=set(member_ids),
            meeting__organization_id__in=branch_ids,
            meeting__kind__in=WHOLE_BRANCH_MEETINGS,
            **{f"meeting__{key}": value for key, value in window.items()},
        )
        .annotate(year=ExtractYear("meeting__held_on"))
        .values("member_id", "meeting__organization_id", "year")
        .annotate(n=Count("pk"))
    )
    return Attendance(
        held={(row["organization_id"], row["year"]): row["n"] for row in held},
        attended={
            (row["member_id"], row["meeting__organization_id"], row["year"]): row["n"] for row in attended
        },
    )


def excellent_counts(*, branch_ids, year, excluding=None) -> dict[int, tuple[int, int]]:
    """Per branch: (graded, excellent) for ``year`` — graded are full members with a grade; ``excluding``
    an appraisal's pk leaves that one out."""
    rows = (
        MemberAppraisal.objects.filter(
            branch_id__in=set(branch_ids), year=year, member__category=MemberCategory.FULL
        )
        .exclude(grade="")
        .exclude(pk=excluding)
        .values("branch_id")
        .annotate(graded=Count("pk"), excellent=Count("pk", filter=Q(grade=AppraisalGrade.EXCELLENT)))
    )
    return {row["branch_id"]: (row["graded"], row["excellent"]) for row in rows}


@dataclass
class StarShare:
    organization: Organization
    rated: int
    at_three_or_more: int
    target: int

    @property
    def share(self) -> float | None:
        return round(100 * self.at_three_or_more / self.rated, 2) if self.rated else None

    @property
    def met(self) -> bool | None:
        return None if self.share is None else self.share >= self.target


def member_star_rollup(*, organization: Organization, year: int) -> list[StarShare]:
    """The share of rural members (of village and community branches) at three stars or more among those
    rated (stars > 0), for ``organization`` and every organization under it that has rated rural members:
    branches, general branches, townships and the county. ``organization`` comes first, then by path.

    Three queries whatever the size of the subtree: the per-branch counts, the organizations, the policy.
    """
    per_branch = (
        MemberAppraisal.objects.filter(
            year=year,
            stars__gt=0,
            branch__path__startswith=organization.path,
            branch__field__in=RURAL_FIELDS,
        )
        .values("branch__path")
        .annotate(rated=Count("pk"), high=Count("pk", filter=Q(stars__gte=3)))
    )
    totals: dict[int, list[int]] = {organization.pk: [0, 0]}
    depth = organization.path.count("/") - 2
    for row in per_branch:
        for ancestor in [int(pk) for pk in row["branch__path"].strip("/").split("/")][depth:]:
            counts = totals.setdefault(ancestor, [0, 0])
            counts[0] += row["rated"]
            counts[1] += row["high"]
    target = rating_policy_for(organization=organization, year=year).member_three_star_target
    organizations = Organization.objects.in_bulk(list(totals))
    rows = [
        StarShare(organizations[pk], rated, high, target)
        for pk, (rated, high) in totals.items()
        if pk in organizations
    ]
    rows.sort(key=lambda row: (row.organization.pk != organization.pk, row.organization.path))
    return rows
