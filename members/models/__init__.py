from .activities import WHOLE_BRANCH_MEETINGS
from .activities import ContactPoint
from .activities import Meeting
from .activities import MeetingKind
from .activities import StudyRecord
from .activities import Training
from .activities import TrainingAudience
from .activities import TrainingLevel
from .activities import VisitLog
from .cadres import Cadre
from .cadres import CadrePost
from .cadres import ReserveCadre
from .cadres import ReserveSource
from .cadres import ReserveStatus
from .dues import DuesBase
from .dues import DuesCategory
from .dues import DuesPayment
from .dues import DuesPolicy
from .dues import PaymentMethod
from .mobile import OUT_OF_CONTACT_MONTHS
from .mobile import AwayContact
from .mobile import AwayRecord
from .mobile import ContactWay
from .pipeline import Applicant
from .pipeline import ApplicantStage
from .pipeline import ApplicantStatus
from .pipeline import PoliticalStatus
from .roster import ID_NUMBER_MESSAGES
from .roster import MEMBER_MOVE_KINDS
from .roster import ON_ROLL
from .roster import Education
from .roster import Gender
from .roster import Member
from .roster import MemberCategory
from .roster import MemberEvent
from .roster import MemberEventKind
from .roster import MemberStatus
from .roster import Occupation
from .roster import validate_id_number
from .tallies import AdmissionCredit
from .tallies import MeetingTally
from .tallies import TrainingTally
from .tallies import VisitedHousehold
from .tallies import VisitTally
from .terms import ELECTED_POSTS
from .terms import Candidate
from .terms import Election
from .terms import ElectionStatus
from .terms import Term
from .terms import TermKind
from .transfers import EXPIRED
from .transfers import LetterDirection
from .transfers import LetterStatus
from .transfers import TransferLetter

__all__ = [
    "OUT_OF_CONTACT_MONTHS",
    "AwayContact",
    "AwayRecord",
    "ContactWay",
    "EXPIRED",
    "LetterDirection",
    "LetterStatus",
    "TransferLetter",
    "ELECTED_POSTS",
    "Candidate",
    "Election",
    "ElectionStatus",
    "Term",
    "TermKind",
    "WHOLE_BRANCH_MEETINGS",
    "DuesBase",
    "DuesCategory",
    "DuesPayment",
    "DuesPolicy",
    "PaymentMethod",
    "ContactPoint",
    "Meeting",
    "MeetingKind",
    "StudyRecord",
    "Training",
    "TrainingAudience",
    "TrainingLevel",
    "VisitLog",
    "AdmissionCredit",
    "MeetingTally",
    "TrainingTally",
    "VisitTally",
    "VisitedHousehold",
    "ID_NUMBER_MESSAGES",
    "MEMBER_MOVE_KINDS",
    "ON_ROLL",
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
