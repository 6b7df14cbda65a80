"""The branches app's records the quota engine counts, and the organizations and years each counts for
(partybuild/changes.py; docs/quotas.md, "Fresh figures")."""

from partybuild.changes import by
from partybuild.changes import counted
from partybuild.changes import dated

from .models import ActivityRoom
from .models import FinancialDisclosure
from .models import Organization
from .models import ReviewRecord
from .models import StandardizedRoomTarget


def register() -> None:
    # An organization's kind, field, parent and dissolution decide which indicators it gets and where.
    counted(Organization, organizations=lambda organizations: {row.pk for row in organizations})
    counted(ActivityRoom, organizations=by("organization"), years=dated("standardized_on"))
    counted(StandardizedRoomTarget, organizations=by("organization"), years=dated("year"))
    counted(ReviewRecord, organizations=by("organization"), years=dated("held_on"))
    counted(FinancialDisclosure, organizations=by("organization"), years=dated("year"))
