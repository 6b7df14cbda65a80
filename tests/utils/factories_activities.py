"""Factories for meetings, trainings, study records and contact points. They write rows directly (no
service rules, no derived counters unless given): tests that exercise a rule call the service."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import factory

from branches.models import OrganizationField
from branches.models import OrganizationKind
from members.models import ContactPoint
from members.models import Meeting
from members.models import MeetingKind
from members.models import MeetingTally
from members.models import StudyRecord
from members.models import Training
from members.models import TrainingAudience
from members.models import TrainingLevel
from members.models import TrainingTally
from members.selectors.activities import LEVEL_BY_KIND

from .factories import MemberFactory
from .factories import OrganizationFactory
from .factories_cadres import CadreFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    """``attendees=[...]`` sets the attendees and the attendee count."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    kind = MeetingKind.ASSEMBLY
    held_on = dt.date(2024, 3, 15)
    topic = factory.Sequence(lambda n: f"学习会议精神{n}")

    @factory.post_generation
    def attendees(meeting, create, extracted, **kwargs):
        if create and extracted:
            meeting.attendees.set(extracted)
            Meeting.objects.filter(pk=meeting.pk).update(attendee_count=len(extracted))
            meeting.attendee_count = len(extracted)


class TrainingFactory(factory.django.DjangoModelFactory):
    """The level follows from the organizer, as the service derives it."""

    class Meta:
        model = Training
        skip_postgeneration_save = True

    organizer = factory.SubFactory(OrganizationFactory)
    level = factory.LazyAttribute(lambda o: LEVEL_BY_KIND.get(o.organizer.kind, TrainingLevel.VILLAGE))
    audience = TrainingAudience.MEMBERS
    held_on = dt.date(2024, 5, 10)
    days = 1
    topic = factory.Sequence(lambda n: f"党员培训{n}")

    @factory.post_generation
    def member_attendees(training, create, extracted, **kwargs):
        if create and extracted:
            training.member_attendees.set(extracted)

    @factory.post_generation
    def cadre_attendees(training, create, extracted, **kwargs):
        if create and extracted:
            training.cadre_attendees.set(extracted)


class StudyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyRecord

    cadre = factory.SubFactory(CadreFactory)
    organization = factory.LazyAttribute(lambda o: o.cadre.organization)
    year = 2024
    month = factory.Sequence(lambda n: n % 12 + 1)
    sessions = 1
    note_characters = 500
    articles = 0


def township_organ(township):
    """The township committee's own organ branch (乡镇机关党支部), where its leaders are members."""
    return OrganizationFactory._meta.model.objects.filter(code=f"{township.code}-ORGAN").first() or (
        OrganizationFactory(
            name=f"{township.name}机关党支部",
            code=f"{township.code}-ORGAN",
            parent=township,
            kind=OrganizationKind.BRANCH,
            field=OrganizationField.INSTITUTION,
        )
    )


def township_leader(village, **kwargs):
    """A member of the organ branch of the township above ``village``."""
    return MemberFactory(branch=township_organ(village.parent), **kwargs)


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    organization = factory.SubFactory(OrganizationFactory)
    leader = factory.LazyAttribute(lambda o: township_leader(o.organization))
    year = 2024


def training_tallies_from_facts() -> dict:
    """What ``TrainingTally`` must hold, counted in Python from the trainings, their attendees and the posts
    as they stand: {(member, year): (class hours, last day attended as a member or None)}."""
    through = Training.member_attendees.through.objects
    as_member = {(member, training): True for training, member in through.values_list("training", "member")}
    posts = Training.cadre_attendees.through.objects.filter(cadre__member__isnull=False)
    attended = dict.fromkeys(posts.values_list("cadre__member", "training"), False) | as_member
    trainings = Training.objects.in_bulk({training for _member, training in attended})
    tallies = {}
    for (member, training_id), by_member in attended.items():
        training = trainings[training_id]
        key = (member, training.held_on.year)
        hours, last = tallies.get(key, (Decimal(0), None))
        hours += Decimal(training.hours) if training.hours is not None else training.days * 8  # 24 h / 3 days
        if by_member:
            last = max(last or training.held_on, training.held_on)
        tallies[key] = (hours, last)
    return tallies


def training_tallies_kept() -> dict:
    """What ``TrainingTally`` holds, in the same shape."""
    rows = TrainingTally.objects.values_list("member", "year", "hours", "last_attended_on")
    return {(member, year): (hours, last) for member, year, hours, last in rows}


def meeting_tallies_from_facts() -> dict:
    """What ``MeetingTally`` must hold, counted in Python from the meetings: {(branch, year, kind): n}."""
    rows = Meeting.objects.values_list("organization", "held_on", "kind")
    return dict(Counter((branch, day.year, kind) for branch, day, kind in rows))


def meeting_tallies_kept() -> dict:
    rows = MeetingTally.objects.values_list("organization", "year", "kind", "meetings")
    return {(branch, year, kind): n for branch, year, kind, n in rows}
