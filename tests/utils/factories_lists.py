"""One record of every kind the browser lists show, in one branch: for tests of the list pages (scope, every
list answering) that need a row of each."""

import datetime as dt

from assessments.models import Alert
from assessments.models import AlertKind
from assessments.models import QuotaResult

from .factories import MemberFactory
from .factories_activities import MeetingFactory
from .factories_activities import StudyRecordFactory
from .factories_activities import TrainingFactory
from .factories_cadres import CadreFactory
from .factories_cadres import ReserveCadreFactory
from .factories_pipeline import ApplicantFactory
from .factories_quotas import published_run
from .factories_ratings import StarRatingFactory
from .factories_records import ActivityRoomFactory
from .factories_transfers import letter_row
from .factories_visits import VisitLogFactory

# URL name of each list → the record kind it shows.
LIST_NAMES = [
    "members:member-list",
    "members:transferletter-list",
    "members:visit-list",
    "members:meeting-list",
    "members:training-list",
    "members:applicant-list",
    "members:cadre-list",
    "members:reservecadre-list",
    "members:studyrecord-list",
    "branches:activityroom-list",
    "assessments:quotaresult-list",
    "assessments:alert-list",
    "assessments:starrating-list",
]


def one_of_each(branch, *, tag: str = "") -> dict:
    """A record of every listed kind in ``branch``, keyed by its list's URL name. ``tag`` goes into the
    names so that a page's text tells the branches apart."""
    cadre = CadreFactory(organization=branch, name=f"干部{tag}")
    run = published_run(branch)  # one run: publishing a second would hide the first one's rows
    member = MemberFactory(branch=branch, name=f"党员{tag}")
    return {
        "members:member-list": member,
        # The same member: the member list holds one row per branch.
        "members:transferletter-list": letter_row(branch, member=member),
        "members:visit-list": VisitLogFactory(cadre=cadre, household_name=f"户主{tag}"),
        "members:meeting-list": MeetingFactory(organization=branch, topic=f"会议{tag}"),
        "members:training-list": TrainingFactory(organizer=branch, topic=f"培训{tag}"),
        "members:applicant-list": ApplicantFactory(branch=branch, name=f"申请人{tag}"),
        "members:cadre-list": cadre,
        "members:reservecadre-list": ReserveCadreFactory(organization=branch, name=f"后备{tag}"),
        "members:studyrecord-list": StudyRecordFactory(cadre=cadre, year=2024, month=3),
        "branches:activityroom-list": ActivityRoomFactory(organization=branch, name=f"活动室{tag}"),
        "assessments:quotaresult-list": QuotaResult.objects.create(
            run=run, organization=branch, year=run.year, code="meet.assembly", target=4, actual=3, met=False
        ),
        "assessments:alert-list": Alert.objects.create(
            run=run, organization=branch, year=run.year, kind=AlertKind.MEETINGS_OVERDUE
        ),
        "assessments:starrating-list": StarRatingFactory(organization=branch),
    }


def visits(cadre, count: int, *, start=dt.date(2024, 3, 1), **fields) -> list:
    """``count`` visits by ``cadre`` on consecutive days from ``start``."""
    return [
        VisitLogFactory(cadre=cadre, visited_on=start + dt.timedelta(days=n), **fields) for n in range(count)
    ]
