from .evaluation import GRADE_POINTS
from .evaluation import CycleState
from .evaluation import EvaluationCycle
from .evaluation import EvaluationGrade
from .evaluation import EvaluationLevel
from .evaluation import EvaluationRater
from .evaluation import EvaluationScore
from .evaluation import RaterGroup
from .evaluation import SecretaryGrade
from .evaluation import Statement
from .inbox import InboxPreference
from .quotas import ACTIVE_STATES
from .quotas import Alert
from .quotas import AlertKind
from .quotas import QuotaPolicy
from .quotas import QuotaPublication
from .quotas import QuotaResult
from .quotas import QuotaRun
from .quotas import RunState
from .ratings import DIMENSIONS
from .ratings import AppraisalGrade
from .ratings import Classification
from .ratings import MemberAppraisal
from .ratings import RatingPolicy
from .ratings import RatingStage
from .ratings import RatingStep
from .ratings import Rectification
from .ratings import RectificationNote
from .ratings import RectificationStatus
from .ratings import StarRating
from .reports import ReportFormat
from .reports import ReportJob
from .reports import ReportKind

__all__ = [
    "ACTIVE_STATES",
    "Alert",
    "InboxPreference",
    "AlertKind",
    "AppraisalGrade",
    "Classification",
    "CycleState",
    "DIMENSIONS",
    "EvaluationCycle",
    "EvaluationGrade",
    "EvaluationLevel",
    "EvaluationRater",
    "EvaluationScore",
    "GRADE_POINTS",
    "MemberAppraisal",
    "QuotaPolicy",
    "QuotaPublication",
    "QuotaResult",
    "QuotaRun",
    "RaterGroup",
    "RatingPolicy",
    "RatingStage",
    "RatingStep",
    "Rectification",
    "RectificationNote",
    "RectificationStatus",
    "ReportFormat",
    "ReportJob",
    "ReportKind",
    "RunState",
    "SecretaryGrade",
    "StarRating",
    "Statement",
]
