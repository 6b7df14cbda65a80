"""Import/export file formats (django-import-export Resources), split by topic."""

from .cadre_records import ContactPointResource, StudyRecordResource
from .cadres import CadreResource, ReserveCadreResource
from .dues import DuesPaymentResource
from .meetings import MeetingResource, TrainingResource
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
