"""The tables a scale tier fills and, for each, the columns its generator writes, in the order of the
tab-separated lines (``demo.scale.loader.Table`` checks them against the models)."""

from branches.models import (
    ActivityRoom,
    FinancialDisclosure,
    Organization,
    ReviewRecord,
    StandardizedRoomTarget,
)
from members.models import (
    Applicant,
    Cadre,
    ContactPoint,
    Meeting,
    Member,
    MemberEvent,
    ReserveCadre,
    StudyRecord,
    Training,
    VisitLog,
)

from .loader import Table
from .tree import ORGANIZATION_FIELDS

VERSIONED = ("id", "version", "created_at", "updated_at")


def all_tables() -> dict[str, Table]:
    """Table name (as ``generate`` labels it) -> the model and the columns its lines carry, in order."""
    through = lambda relation: relation.through  # noqa: E731 - reads better inline
    return {
        "organizations": Table(Organization, ORGANIZATION_FIELDS),
        "members": Table(
            Member,
            (
                *VERSIONED,
                "name",
                "gender",
                "ethnicity",
                "id_number",
                "birth_date",
                "education",
                "category",
                "branch",
                "joined_on",
                "confirmed_on",
                "occupation",
                "phone",
                "address",
                "status",
                "is_mobile",
                "mobile_destination",
                "mobile_contact_person",
                "mobile_last_contact_on",
                "post_duty",
            ),
        ),  # fmt: skip
        "applicants": Table(
            Applicant,
            (
                *VERSIONED,
                "branch",
                "name",
                "gender",
                "ethnicity",
                "id_number",
                "birth_date",
                "education",
                "occupation",
                "phone",
                "address",
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
                "from_branch",
                "to_branch",
                "from_status",
                "to_status",
                "reason",
                "recorded_by",
                "recorded_at",
            ),
        ),  # fmt: skip
        "cadres": Table(
            Cadre,
            (
                *VERSIONED,
                "organization",
                "post",
                "member",
                "name",
                "gender",
                "birth_date",
                "education",
                "phone",
                "started_on",
                "ended_on",
                "sending_unit",
                "note",
            ),
        ),  # fmt: skip
        "reserves": Table(
            ReserveCadre,
            (
                *VERSIONED,
                "organization",
                "member",
                "name",
                "gender",
                "birth_date",
                "education",
                "phone",
                "political_status",
                "source",
                "entered_on",
                "mentor",
                "trainings_attended",
                "status",
                "promoted_post",
                "promoted_on",
                "removed_on",
                "removed_reason",
            ),
        ),  # fmt: skip
        "visits": Table(
            VisitLog,
            (
                *VERSIONED,
                "cadre",
                "organization",
                "household_name",
                "village_group",
                "household_key",
                "visited_on",
                "concerns",
                "follow_up",
                "resolved_on",
                "recorded_by",
            ),
        ),  # fmt: skip
        "study": Table(
            StudyRecord,
            (*VERSIONED, "cadre", "organization", "year", "month", "sessions", "note_characters", "articles"),
        ),
        "trainings": Table(
            Training,
            (
                *VERSIONED,
                "organizer",
                "level",
                "audience",
                "held_on",
                "days",
                "hours",
                "topic",
                "villager_count",
            ),
        ),
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
        "reviews": Table(
            ReviewRecord,
            (*VERSIONED, "organization", "kind", "held_on", "topic", "participants", "satisfied", "summary"),
        ),
        "disclosures": Table(
            FinancialDisclosure,
            (
                *VERSIONED,
                "organization",
                "year",
                "period",
                "disclosed_on",
                "income_yuan",
                "expenditure_yuan",
                "content",
            ),
        ),  # fmt: skip
        "rooms": Table(
            ActivityRoom,
            (
                *VERSIONED,
                "organization",
                "name",
                "address",
                "area_m2",
                "built_year",
                "renovated_year",
                "is_standardized",
                "standardized_on",
                "has_audio_visual",
                "has_remote_education",
                "has_tables_chairs",
                "has_signage",
                "has_rules_on_wall",
                "has_archive_cabinet",
            ),
        ),  # fmt: skip
        "room_targets": Table(StandardizedRoomTarget, (*VERSIONED, "organization", "year", "target")),
        "contacts": Table(
            ContactPoint,
            (
                *VERSIONED,
                "leader",
                "organization",
                "year",
                "lecture_on",
                "check_on",
                "activity_on",
                "days_spent",
                "note",
            ),
        ),  # fmt: skip
    }
