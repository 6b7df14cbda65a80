"""A member with a history of a given length in every section of the archive (members/selectors/archive.py):
a transfer, status changes, meetings attended and missed, trainings, a post with study records, contact
points, appraisals and the development record that admitted them."""

import datetime as dt

from members.models import CadrePost
from members.models import MeetingKind
from members.models import MemberStatus

from .factories import MemberFactory
from .factories_activities import ContactPointFactory
from .factories_activities import MeetingFactory
from .factories_activities import StudyRecordFactory
from .factories_activities import TrainingFactory
from .factories_assessments import MemberAppraisalFactory
from .factories_cadres import CadreFactory
from .factories_pipeline import admitted
from .factories_roster import MemberEventFactory
from .factories_roster import transfer

JOINED = dt.date(2010, 7, 1)
TRANSFERRED = dt.date(2015, 3, 1)
FULL_PHONE = "13912345678"
FULL_ADDRESS = "甲县东镇东一村三组十二号院"


def member_with_history(branch, old_branch, size: int, *, name="档案党员"):
    """A member of ``branch`` (since ``TRANSFERRED``, from ``old_branch``, a village of the same township)
    with ``size`` records of each kind: a meeting attended and a theme day missed a month, trainings,
    appraisals, contact points in ``old_branch`` and study records of the secretary post."""
    member = MemberFactory(branch=branch, name=name, joined_on=JOINED, phone=FULL_PHONE, address=FULL_ADDRESS)
    transfer(member, from_branch=old_branch, to_branch=branch, occurred_on=TRANSFERRED, reason="工作调动")
    for n in range(size):
        for day, before, after in ((1, "normal", "lost_contact"), (2, "lost_contact", "normal")):
            MemberEventFactory(
                member=member, occurred_on=dt.date(2016 + n, day, 1), from_status=before, to_status=after
            )
        MeetingFactory(organization=branch, held_on=dt.date(2021, n + 1, 10), attendees=[member])
        MeetingFactory(organization=branch, kind=MeetingKind.THEME_DAY, held_on=dt.date(2021, n + 1, 20))
        TrainingFactory(organizer=branch, held_on=dt.date(2022, n + 1, 5), member_attendees=[member])
        MemberAppraisalFactory(member=member, year=2015 + n, appraised_on=dt.date(2015 + n, 12, 20))
        ContactPointFactory(organization=old_branch, leader=member, year=2018 + n, days_spent=90)
    post = CadreFactory(organization=branch, post=CadrePost.SECRETARY, member=member)
    for n in range(size):
        StudyRecordFactory(cadre=post, year=2023, month=n + 1)
    admitted(branch=branch, member=member)
    assert member.status == MemberStatus.NORMAL
    return member
