"""Factories for meetings, trainings, study records and contact points. They write rows directly (no
service rules, no derived counters unless given): tests that exercise a rule call the service."""

import datetime as dt

import factory

from branches.models import OrganizationField
from branches.models import OrganizationKind
from members.models import ContactPoint
from members.models import Meeting
from members.models import MeetingKind
from members.models import StudyRecord
from members.models import Training
from members.models import TrainingAudience
from members.models import TrainingLevel
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
