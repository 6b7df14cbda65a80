"""A member's archive (党员档案): the record, the membership events, the development record the member came
from, and every record that names the member — meetings attended and missed, trainings, posts, study,
contact points and, registered by the apps above, appraisals. Each section is one query (two more for the
development record's mentors and sponsors) whatever the length of the history, and each reads through the
reader's own scope (docs/scope-and-roles.md): a record held outside it is left out, as in every list."""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.scope.columns import display

from ..models import WHOLE_BRANCH_MEETINGS
from ..models import Applicant
from ..models import AwayContact
from ..models import AwayRecord
from ..models import Cadre
from ..models import ContactPoint
from ..models import Meeting
from ..models import Member
from ..models import MemberEvent
from ..models import MemberEventKind
from ..models import StudyRecord
from ..models import Training
from .mobile import with_last_contact
from .roster import member_events
from .roster import member_list
from .roster import roll_on

ATTENDED = _("attended")
MISSED = _("missed")
JOINED = _("Joined the party")
CONFIRMED = _("Confirmed as full member")
MONTHS = _("%(months)s months")
# Words, not an arrow: the PDF's font (partybuild/pdf.py) has no glyph for "→".
MOVED = _("from %(before)s into %(after)s")
CHANGED = _("from %(before)s to %(after)s")


@dataclass(frozen=True)
class Table:
    """One section of the archive: a title, column labels and rows of plain values (dates, text, numbers)."""

    key: str
    title: object
    columns: tuple
    rows: list

    def cells(self) -> list[list[tuple]]:
        """Each row as (column label, the value as a list cell prints it) pairs, for pages and the PDF."""
        return [
            [(label, display(value)) for label, value in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]


@dataclass(frozen=True)
class ArchiveSection:
    """A section another app adds (``archive_section_register`` in its AppConfig.ready): ``rows(member,
    user)`` answers in one query, through the user's scope."""

    key: str
    title: object
    columns: tuple
    rows: Callable
    order: int = 100


_SECTIONS: dict[str, ArchiveSection] = {}


def archive_section_register(section: ArchiveSection) -> None:
    _SECTIONS[section.key] = section


@dataclass
class MemberArchive:
    member: Member
    tables: list = field(default_factory=list)


def member_archive_get(*, user, pk):
    """The member whose archive ``user`` may read, or None (the page answers 404, like a missing one)."""
    return member_list(user=user).filter(pk=pk).first()


def member_archive(*, user, member: Member) -> MemberArchive:
    events = list(member_events(member=member))
    steps = development_steps(_development(user, member))
    tables = [
        Table("events", _("Membership events"), EVENT_COLUMNS, _timeline(member, events)),
        Table("development", _("Development record"), STEP_COLUMNS, steps),
        _meetings(user, member, _branch_paths(member, events)),
        _trainings(user, member),
        _posts(user, member),
        _study(user, member),
        _contact_points(user, member),
        _away(user, member),
        _away_contacts(user, member),
    ]
    extra = sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))
    tables += [Table(s.key, s.title, s.columns, s.rows(member, user)) for s in extra]
    return MemberArchive(member, tables)


# --- membership events ------------------------------------------------------------------------------------

EVENT_COLUMNS = (_("date"), _("event"), _("change"), _("reason"), _("recorded by"))


def _timeline(member: Member, events: list[MemberEvent]) -> list[tuple]:
    """The events in order, with joining and confirmation for records entered without the pipeline's
    admission and confirmation events."""
    kinds = {event.kind for event in events}
    rows = [(event.occurred_on, event.pk, _event_row(member, event)) for event in events]
    if MemberEventKind.ADMISSION not in kinds and member.joined_on:
        transfers = [e for e in events if e.kind == MemberEventKind.TRANSFER]
        first_branch = transfers[0].from_branch if transfers else member.branch
        rows.append((member.joined_on, 0, (member.joined_on, JOINED, _name(first_branch), "", "")))
    if MemberEventKind.CONFIRMATION not in kinds and member.confirmed_on:
        rows.append((member.confirmed_on, 0, (member.confirmed_on, CONFIRMED, "", "", "")))
    return [row for _day, _pk, row in sorted(rows, key=lambda row: (row[0], row[1]))]


def _event_row(member: Member, event: MemberEvent) -> tuple:
    if event.kind == MemberEventKind.TRANSFER:
        change = MOVED % {"before": _name(event.from_branch), "after": _name(event.to_branch)}
    elif event.kind == MemberEventKind.STATUS_CHANGE:
        change = CHANGED % {"before": event.get_from_status_display(), "after": event.get_to_status_display()}
    elif event.kind == MemberEventKind.EXTENSION and member.probation_extension:
        change = MONTHS % {"months": member.probation_extension}
    else:
        change = ""
    who = (event.recorded_by.get_full_name() or event.recorded_by.get_username()) if event.recorded_by else ""
    return (event.occurred_on, event.get_kind_display(), change, event.reason, who)


def _name(organization) -> str:
    return organization.name if organization is not None else ""


# --- the development record -------------------------------------------------------------------------------

STEP_COLUMNS = (_("step"), _("date"), _("details"))
VOTES = _("%(yes)s of %(entitled)s full members in favour")
DAYS = _("%(n)s days")
CLASS_HOURS = _("%(n)s class hours")


def _development(user, member: Member) -> Applicant | None:
    """The development record that admitted the member, when the reader may see it (it stays with the branch
    the member applied to)."""
    return (
        Applicant.objects.restrict(user, "view")
        .filter(member=member)
        .select_related("branch")
        .prefetch_related(
            *(Prefetch(name, Member.objects.only("pk", "name")) for name in ("mentors", "sponsors"))
        )
        .first()
    )


def development_steps(applicant: Applicant | None) -> list[tuple]:
    """(step, date, details) of each step the record has taken, in pipeline order."""
    if applicant is None:
        return []
    a = applicant

    def people(name):
        names = "、".join(person.name for person in getattr(a, name).all())
        return f"{Applicant._meta.get_field(name).verbose_name}: {names}" if names else ""

    votes = VOTES % {"yes": a.votes_yes, "entitled": a.votes_entitled} if a.votes_yes is not None else ""
    training = "，".join(
        text % {"n": n} for text, n in ((DAYS, a.training_days), (CLASS_HOURS, a.training_hours)) if n
    )
    steps = [
        ("applied_on", a.branch.name),
        ("activist_on", people("mentors")),
        ("political_review_on", ""),
        ("training_completed_on", training),
        ("notice_started_on", ""),
        ("candidate_on", ""),
        ("pre_reviewed_on", ""),
        ("assembly_on", "；".join(text for text in (votes, people("sponsors")) if text)),
        ("approved_on", ""),
        ("probation_extended_on", MONTHS % {"months": a.probation_extension_months}),
        ("confirmed_on", ""),
    ]
    return [
        (Applicant._meta.get_field(name).verbose_name, getattr(a, name), detail)
        for name, detail in steps
        if getattr(a, name)
    ]


# --- records naming the member ----------------------------------------------------------------------------


def _branch_paths(member: Member, events: list[MemberEvent]) -> set[str]:
    """Every branch the member has belonged to, and the organizations above them: where a meeting could have
    expected the member."""
    paths = {member.branch.path}
    paths |= {e.from_branch.path for e in events if e.kind == MemberEventKind.TRANSFER and e.from_branch}
    prefixes = set()
    for path in paths:
        parts = path.strip("/").split("/")
        prefixes |= {"/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)}
    return prefixes


def _meetings(user, member: Member, organization_paths: set[str]) -> Table:
    """Meetings the member attended, and whole-branch meetings held while the member was on the roll of the
    holding branch's subtree (docs/records.md, "On the roll on a day") that the member did not attend."""
    attended_ids = Meeting.attendees.through.objects.filter(member_id=member.pk).values("meeting_id")
    expected = Exists(roll_on(OuterRef("organization__path"), OuterRef("held_on")).filter(pk=member.pk))
    candidates = Q(pk__in=attended_ids) | Q(
        organization__path__in=organization_paths,
        held_on__gte=member.joined_on,
        kind__in=WHOLE_BRANCH_MEETINGS,
    )
    meetings = (
        Meeting.objects.restrict(user, "view")
        .filter(candidates)
        .annotate(attended=Exists(attended_ids.filter(meeting_id=OuterRef("pk"))), expected=expected)
        .filter(Q(attended=True) | Q(expected=True, kind__in=WHOLE_BRANCH_MEETINGS))
        .select_related("organization")
        .order_by("-held_on", "-pk")
    )
    rows = [
        (m.held_on, m.get_kind_display(), m.topic, m.organization.name, ATTENDED if m.attended else MISSED)
        for m in meetings
    ]
    columns = (_("held on"), _("kind"), _("topic"), _("organization"), _("attendance"))
    return Table("meetings", _("Meetings"), columns, rows)


def _visible(model, user, related: str, order: tuple, **filters):
    """The records of ``model`` that ``user`` may view and that match ``filters``, with ``related`` joined,
    in ``order``: the query every section of the archive starts from."""
    return model.objects.restrict(user, "view").filter(**filters).select_related(related).order_by(*order)


def _trainings(user, member: Member) -> Table:
    trainings = _visible(Training, user, "organizer", ("-held_on", "-pk"), member_attendees=member)
    rows = [(t.held_on, t.topic, t.get_level_display(), t.organizer.name, t.days, t.hours) for t in trainings]
    columns = (_("first day"), _("topic"), _("level"), _("organizer"), _("days"), _("class hours"))
    return Table("trainings", _("Trainings"), columns, rows)


def _away(user, member: Member) -> Table:
    """Spells working away (docs/mobile-members.md), the latest first, each with its last contact."""
    spells = with_last_contact(AwayRecord.objects.restrict(user, "view").filter(member=member))
    rows = [
        (
            a.left_on,
            a.back_on,
            a.destination,
            a.work_unit,
            a.host_organization,
            a.contact_name,
            a.last_contact_on,
        )
        for a in spells.order_by("-left_on", "-pk")
    ]
    columns = (
        _("left on"),
        _("back on"),
        _("working away in"),
        _("work unit"),
        _("party organization attended there"),
        _("contact person"),
        _("last contact"),
    )
    return Table("away", _("Working away"), columns, rows)


def _away_contacts(user, member: Member) -> Table:
    contacts = _visible(AwayContact, user, "recorded_by", ("-contacted_on", "-pk"), away__member=member)
    rows = [
        (c.contacted_on, c.get_way_display(), c.note, c.recorded_by.username if c.recorded_by else "")
        for c in contacts
    ]
    columns = (_("contacted on"), _("way"), _("note"), _("contact made by"))
    return Table("away_contacts", _("Contacts while away"), columns, rows)


def _posts(user, member: Member) -> Table:
    posts = _visible(Cadre, user, "organization", ("-started_on", "-pk"), member=member)
    rows = [(c.organization.name, c.get_post_display(), c.started_on, c.ended_on) for c in posts]
    columns = (_("organization"), _("post"), _("term started on"), _("term ended on"))
    return Table("posts", _("Posts held"), columns, rows)


def _study(user, member: Member) -> Table:
    records = _visible(StudyRecord, user, "cadre", ("-year", "-month", "-pk"), cadre__member=member)
    rows = [
        (f"{r.year}-{r.month:02d}", r.cadre.get_post_display(), r.sessions, r.note_characters, r.articles)
        for r in records
    ]
    columns = (
        _("month"),
        _("post"),
        _("study sessions"),
        _("characters of study notes"),
        _("articles written"),
    )
    return Table("study", _("Study records"), columns, rows)


def _contact_points(user, member: Member) -> Table:
    points = _visible(ContactPoint, user, "organization", ("-year", "organization__path"), leader=member)
    rows = [
        (p.year, p.organization.name, p.lecture_on, p.check_on, p.activity_on, p.days_spent) for p in points
    ]
    columns = (
        _("year"),
        _("contact village"),
        _("lecture given on"),
        _("check made on"),
        _("activity held on"),
        _("days spent in the village"),
    )
    return Table("contact_points", _("Contact points"), columns, rows)
