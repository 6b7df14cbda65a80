"""The members app's records the quota engine counts, and the organizations and years each counts for
(partybuild/changes.py; docs/quotas.md, "Fresh figures")."""

from partybuild.changes import by
from partybuild.changes import counted
from partybuild.changes import dated

from .models import Applicant
from .models import AwayContact
from .models import AwayRecord
from .models import Cadre
from .models import ContactPoint
from .models import DuesBase
from .models import DuesPayment
from .models import Meeting
from .models import Member
from .models import MemberEvent
from .models import ReserveCadre
from .models import StudyRecord
from .models import Training
from .models import VisitLog


def event_organizations(events) -> set:
    """A transfer counts for the branch left and the branch joined."""
    return {event.member.branch_id for event in events} | by("from_branch", "to_branch")(events)


def member_branches(rows) -> set:
    """A dues base or a stretch away counts for its member's branch."""
    return {row.member.branch_id for row in rows}


def register() -> None:
    counted(Member, organizations=by("branch"), years=dated("joined_on"))
    counted(MemberEvent, organizations=event_organizations, years=dated("occurred_on"))
    counted(Applicant, organizations=by("branch"), years=dated("probation_extended_on"))
    counted(Cadre, organizations=by("organization"), years=dated("started_on", "ended_on"))
    counted(ReserveCadre, organizations=by("organization"), years=dated("entered_on"))
    counted(Meeting, organizations=by("organization"), years=dated("held_on"))
    # Attendees come from the organizer's subtree, which the organizer's run covers: their secretaries'
    # training and their members' rotation are counted with it.
    counted(Training, organizations=by("organizer"), years=dated("held_on"))
    counted(VisitLog, organizations=by("organization"), years=dated("visited_on"))
    counted(StudyRecord, organizations=by("organization"), years=dated("year"))
    counted(ContactPoint, organizations=by("organization"), years=dated("year"))
    # A member away and the branch's contacts decide the out-of-contact alert (docs/mobile-members.md).
    counted(AwayRecord, organizations=member_branches)
    counted(AwayContact, organizations=lambda rows: {row.away.member.branch_id for row in rows})
    # Dues paid on time: a payment counts for the branch it was paid to, a base (or its exemption) for the
    # member's branch.
    counted(DuesPayment, organizations=by("organization"), years=dated("month"))
    counted(DuesBase, organizations=member_branches, years=dated("year"))
