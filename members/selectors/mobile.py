"""Reads over members working away (docs/mobile-members.md): the spells and contacts a user may see, the
members away in a subtree with their last contact, and the counts the branch page shows. Each is one query
whatever the number of members."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.db.models import DateField
from django.db.models import Max
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches.models import Organization
from branches.scope.querysets import subtree_q

from ..models import ON_ROLL
from ..models import OUT_OF_CONTACT_MONTHS
from ..models import AwayContact
from ..models import AwayRecord


def out_of_contact_before(day: dt.date) -> dt.date:
    """A member away whose last contact (or, with none, the day they left) is earlier than this day is out
    of contact on ``day``: six calendar months back, the day clamped to the month's end (31 August → 28 or
    29 February). Contact exactly six months ago is still in time; one day more is not."""
    return day - relativedelta(months=OUT_OF_CONTACT_MONTHS)


def _last_contact():
    contacts = AwayContact.objects.filter(away=OuterRef("pk")).order_by().values("away")
    return Subquery(contacts.annotate(last=Max("contacted_on")).values("last"), output_field=DateField())


def with_last_contact(queryset):
    """Spells with ``last_contact_on`` (null: none yet), ``heard_since`` (the last contact, else the day
    left)."""
    return queryset.annotate(last_contact_on=_last_contact()).annotate(
        heard_since=Coalesce("last_contact_on", "left_on"),
    )


def is_out_of_contact(away, *, on: dt.date) -> bool:
    """The rule for one spell annotated by ``with_last_contact``."""
    return away.back_on is None and away.heard_since < out_of_contact_before(on)


def away_record_list(*, user, action: str = "view"):
    queryset = AwayRecord.objects.restrict(user, action).select_related(
        "member", "member__branch", "recorded_by"
    )
    return with_last_contact(queryset)


def away_contact_list(*, user, action: str = "view"):
    return AwayContact.objects.restrict(user, action).select_related("away", "away__member", "recorded_by")


def members_away(*, user, organization: Organization | None = None, on: dt.date | None = None):
    """The open spells (members away now) the user may see, in ``organization``'s subtree when given, each
    with its last contact; those out of contact first, then by branch and name."""
    on = on or timezone.localdate()
    queryset = away_record_list(user=user).filter(
        back_on__isnull=True, left_on__lte=on, member__status__in=ON_ROLL
    )
    if organization is not None:
        queryset = queryset.filter(member__branch__path__startswith=organization.path)
    return queryset.order_by("heard_since", "member__branch__path", "member__name", "pk")


def away_counts(*, organization: Organization, on: dt.date | None = None) -> dict:
    """How many members of ``organization``'s subtree are away on ``on``, and how many of them are out of
    contact: one query."""
    on = on or timezone.localdate()
    queryset = with_last_contact(
        AwayRecord.objects.filter(
            member__branch__path__startswith=organization.path,
            member__status__in=ON_ROLL,
            back_on__isnull=True,
            left_on__lte=on,
        )
    )
    counts = queryset.aggregate(
        away=Count("pk"), out_of_contact=Count("pk", filter=Q(heard_since__lt=out_of_contact_before(on)))
    )
    return {"away": counts["away"], "out_of_contact": counts["out_of_contact"]}


def away_now_list(*, user, action: str = "view"):
    """The list page's rows: members away now (open spells), each with the last contact."""
    return away_record_list(user=user, action=action).filter(back_on__isnull=True, member__status__in=ON_ROLL)


def _open_spells(on: dt.date):
    return with_last_contact(
        AwayRecord.objects.filter(member__status__in=ON_ROLL, back_on__isnull=True, left_on__lte=on)
    )


def out_of_contact_within(*, paths, on: dt.date):
    """Members away on ``on`` and out of contact, under every path in ``paths`` (None: the whole database),
    each spell with its member and branch, silent longest first: the inbox's items (docs/inbox.md). One
    query."""
    spells = _open_spells(on).filter(heard_since__lt=out_of_contact_before(on))
    if paths is not None:
        spells = spells.filter(subtree_q("member__branch__path", paths))
    return spells.select_related("member", "member__branch").order_by("heard_since", "member__name", "pk")


def away_counts_below(*, organization: Organization, on: dt.date | None = None) -> list[dict]:
    """``away_counts`` of each organization right below ``organization`` (the dashboards, docs/
    mobile-members.md): ``organization``, ``away``, ``out_of_contact``, in the tree's order. Two queries
    whatever the number of organizations and members: the organizations, then the counts per branch, summed
    into the organization each branch lies under."""
    on = on or timezone.localdate()
    below = list(Organization.objects.filter(parent=organization).order_by("path"))
    per_branch = (
        _open_spells(on)
        .filter(member__branch__path__startswith=organization.path)
        .order_by()
        .values("member__branch__path")
        .annotate(
            away=Count("pk"),
            out_of_contact=Count("pk", filter=Q(heard_since__lt=out_of_contact_before(on))),
        )
    )
    rows = {child.path: {"organization": child, "away": 0, "out_of_contact": 0} for child in below}
    for counts in per_branch:
        path = counts["member__branch__path"]
        for child_path, row in rows.items():
            if path.startswith(child_path):
                row["away"] += counts["away"]
                row["out_of_contact"] += counts["out_of_contact"]
                break
    return list(rows.values())
