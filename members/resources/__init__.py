"""Import/export file formats (django-import-export Resources), split by topic."""

from .cadre_records import ContactPointResource
from .cadre_records import StudyRecordResource
from .cadres import CadreResource
from .cadres import ReserveCadreResource
from .dues import DuesPaymentResource
from .meetings import MeetingResource
from .meetings import TrainingResource
from .roster import MemberResource
from .visits import VisitLogResource

__all__ = [
    "CadreResource",
    "ContactPointResource",
    "DuesPaymentResource",
    "MeetingResource",
    "MemberResource",
    "ReserveCadreResource",
    "StudyRecordResource",
    "TrainingResource",
    "VisitLogResource",
]
