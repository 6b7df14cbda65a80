"""Import/export file formats (django-import-export Resources), split by topic."""

from .activities import ContactPointResource, MeetingResource, StudyRecordResource, TrainingResource
from .roster import CadreResource, MemberResource, ReserveCadreResource
from .visits import VisitLogResource

__all__ = [
    "CadreResource",
    "ContactPointResource",
    "MeetingResource",
    "MemberResource",
    "ReserveCadreResource",
    "StudyRecordResource",
    "TrainingResource",
    "VisitLogResource",
]
