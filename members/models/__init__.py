from .cadres import Cadre, CadrePost, ReserveCadre, ReserveSource, ReserveStatus
from .pipeline import Applicant, ApplicantStage, ApplicantStatus, PoliticalStatus
from .roster import (
    ID_NUMBER_MESSAGES,
    Education,
    Gender,
    Member,
    MemberCategory,
    MemberEvent,
    MemberEventKind,
    MemberStatus,
    Occupation,
    validate_id_number,
)

__all__ = [
    "ID_NUMBER_MESSAGES",
    "Applicant",
    "ApplicantStage",
    "ApplicantStatus",
    "Cadre",
    "CadrePost",
    "Education",
    "Gender",
    "Member",
    "MemberCategory",
    "MemberEvent",
    "MemberEventKind",
    "MemberStatus",
    "Occupation",
    "PoliticalStatus",
    "ReserveCadre",
    "ReserveSource",
    "ReserveStatus",
    "validate_id_number",
]
