"""A year of branch activity for the demo county (``manage.py seed_demo``): meetings with attendance
(三会一课), trainings at county, township and village level, household visit logs of the village two
committees, the secretaries' monthly study records and township leaders' contact points — for the whole
previous year and the current one up to ``today``, deterministic per seed and day.

Every record keeps the rules the services enforce: attendees are on the roll of the meeting's branch (and had
joined by then), training attendees lie within the organizer's subtree, visits fall within the cadre's term,
no date is in the future. Most branches and cadres meet the quotas; some fall short (a missed quarter's
assembly or lecture, a township with one training, a cadre below 50 households, a leader under 90 days in
the village) so the alerts have something to show. Meetings, trainings, visits and study records go through
``demo.bulk.insert_with_history``: the rows ``bulk_create_with_history`` would write, faster.

One module per kind of activity (``meetings``, ``trainings``, ``visits``, ``study``, ``contact_points``),
each a part of ``ActivityBuilder`` drawing from the county's rolls and posts read once in ``rolls``.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from simple_history.utils import bulk_create_with_history

from members.models import ContactPoint
from members.models import Meeting
from members.models import StudyRecord
from members.models import Training
from members.models import VisitLog

from ..bulk import insert_m2m_with_history
from ..bulk import insert_with_history
from ..members import BATCH_SIZE
from ..organizations import DemoTree
from .contact_points import ContactPoints
from .meetings import Meetings
from .study import Study
from .trainings import Trainings
from .visits import Visits


@dataclass
class ActivityCounts:
    meetings: int = 0
    attendances: int = 0
    trainings: int = 0
    visits: int = 0
    study_records: int = 0
    contact_points: int = 0
    roll_counts: dict[int, int] = field(default_factory=dict)


class ActivityBuilder(Meetings, Trainings, Visits, Study, ContactPoints):
    """Every kind of activity of the county, over the same rolls and posts."""


def create_demo_activities(*, actor, tree: DemoTree, seed: int, today: date) -> ActivityCounts:
    """Meetings, trainings, visits, study records and contact points, one history row each (with the
    attendees in the first one). Returns the numbers and each branch's roll today."""
    builder = ActivityBuilder(tree=tree, seed=seed, today=today)
    counts = ActivityCounts(roll_counts={pk: len(roll.members) for pk, roll in builder.roll.items()})
    for model, batch, attribute in (
        (Meeting, builder.meetings(), "meetings"),
        (Training, builder.trainings(), "trainings"),
    ):
        pks = insert_with_history(model, batch.rows, actor=actor)
        for name, pairs in batch.pairs.items():
            inserted = insert_m2m_with_history(model, name, [(pks[i], pk) for i, pk in pairs], pks[0])
            if model is Meeting:
                counts.attendances += inserted
        setattr(counts, attribute, len(pks))
    counts.visits = len(insert_with_history(VisitLog, builder.visits(actor), actor=actor))
    counts.study_records = len(insert_with_history(StudyRecord, builder.study_records(), actor=actor))
    points = bulk_create_with_history(
        builder.contact_points(), ContactPoint, batch_size=BATCH_SIZE, default_user=actor
    )
    counts.contact_points = len(points)
    return counts
