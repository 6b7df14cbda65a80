"""The tables a scale tier fills and, for each, the columns its generator writes, in the order of the
tab-separated lines (``demo.scale.loader.Table`` checks them against the models)."""

from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import Organization
from branches.models import ReviewRecord
from branches.models import StandardizedRoomTarget
from branches.models.records import DISCLOSURE_DETAIL_FIELDS
from branches.models.records import REVIEW_DETAIL_FIELDS
from branches.models.records import ROOM_FIELDS
from members.models import Applicant
from members.models import Cadre
from members.models import ContactPoint
from members.models import Meeting
from members.models import Member
from members.models import MemberEvent
from members.models import ReserveCadre
from members.models import StudyRecord
from members.models import Training
from members.models import VisitLog
from members.models.activities import CONTACT_POINT_FIELDS
from members.models.activities import STUDY_MONTH_FIELDS
from members.models.activities import TRAINING_DETAIL_FIELDS
from members.models.activities import VISIT_LOG_VALUES
from members.models.cadres import CADRE_FIELDS
from members.models.cadres import RESERVE_FIELDS
from members.models.cadres import RESERVE_LIFECYCLE_FIELDS
from members.models.roster import MEMBER_EVENT_MOVE_FIELDS
from members.models.roster import MEMBER_FIELDS
from members.models.roster import PERSON_FIELDS

from .loader import Table
from .tree import ORGANIZATION_FIELDS

VERSIONED = ("id", "version", "created_at", "updated_at")


def all_tables() -> dict[str, Table]:
    """Table name (as ``generate`` labels it) -> the model and the columns its lines carry, in order."""
    through = lambda relation: relation.through  # noqa: E731 - reads better inline
    return {
        "organizations": Table(Organization, ORGANIZATION_FIELDS),
        "members": Table(Member, (*VERSIONED, *MEMBER_FIELDS, "status")),
        "applicants": Table(
            Applicant,
            (
                *VERSIONED,
                "branch",
                *PERSON_FIELDS,
                "stage",
                "status",
                "applied_on",
                "activist_on",
                "political_review_on",
                "training_completed_on",
                "training_days",
                "training_hours",
                "notice_started_on",
                "candidate_on",
                "pre_reviewed_on",
                "assembly_on",
                "votes_entitled",
                "votes_yes",
                "approved_on",
                "probation_extension_months",
                "probation_extended_on",
                "confirmed_on",
                "member",
                "note",
            ),
        ),  # fmt: skip
        "mentors": Table(through(Applicant.mentors), ("id", "applicant", "member")),
        "sponsors": Table(through(Applicant.sponsors), ("id", "applicant", "member")),
        "events": Table(
            MemberEvent,
            (
                "id",
                "member",
                "kind",
                "occurred_on",
                *MEMBER_EVENT_MOVE_FIELDS,
                "reason",
                "recorded_by",
                "recorded_at",
            ),
        ),
        "cadres": Table(Cadre, (*VERSIONED, *CADRE_FIELDS)),
        "reserves": Table(ReserveCadre, (*VERSIONED, *RESERVE_FIELDS, *RESERVE_LIFECYCLE_FIELDS)),
        "visits": Table(VisitLog, (*VERSIONED, "cadre", "organization", *VISIT_LOG_VALUES, "recorded_by")),
        "study": Table(StudyRecord, (*VERSIONED, "cadre", "organization", *STUDY_MONTH_FIELDS)),
        "trainings": Table(Training, (*VERSIONED, "organizer", *TRAINING_DETAIL_FIELDS)),
        "training_members": Table(through(Training.member_attendees), ("id", "training", "member")),
        "training_cadres": Table(through(Training.cadre_attendees), ("id", "training", "cadre")),
        "meetings": Table(
            Meeting,
            (
                *VERSIONED,
                "organization",
                "kind",
                "held_on",
                "topic",
                "speaker",
                "members_expected",
                "attendee_count",
                "minutes",
            ),
        ),  # fmt: skip
        "reviews": Table(ReviewRecord, (*VERSIONED, "organization", *REVIEW_DETAIL_FIELDS)),
        "disclosures": Table(FinancialDisclosure, (*VERSIONED, "organization", *DISCLOSURE_DETAIL_FIELDS)),
        "rooms": Table(ActivityRoom, (*VERSIONED, *ROOM_FIELDS)),
        "room_targets": Table(StandardizedRoomTarget, (*VERSIONED, "organization", "year", "target")),
        "contacts": Table(ContactPoint, (*VERSIONED, *CONTACT_POINT_FIELDS)),
    }
