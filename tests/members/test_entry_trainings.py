"""The training entry pages: attendees from the organizer's roll, a service rule beside its field, the edit
conflict, scope."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Training
from members.models import TrainingAudience
from members.services.activities import training_record
from members.services.activities import training_update
from tests.utils.factories import MemberFactory
from tests.utils.factories_entry import assert_conflict
from tests.utils.factories_entry import assert_off_roll_refusal
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import training_form

pytestmark = pytest.mark.django_db
CREATE = reverse("members:training-create")
OFF_ROLL = (
    "Not on the roll of %(organization)s, which organizes this training, or a branch under it on "
    "%(day)s, so cannot be recorded as attending: %(names)s."
)


def payload(world, **data):
    return training_form(world.branch_a1) | data


def test_a_training_is_recorded_with_members_and_cadres(secretary, world, branch):
    response = secretary.get(CREATE)
    form = response.context["form"]
    assert form.fields["organizer"].widget.input_type == "hidden"
    assert {pk for pk, _ in form.fields["member_attendees"].widget.choices} == {m.pk for m in branch.members}
    response = secretary.post(
        CREATE,
        payload(world, member_attendees=[branch.members[1].pk], cadre_attendees=[branch.committee.pk]),
    )
    assert response.status_code == 302
    training = Training.objects.get()
    assert training.level == "village"
    assert list(training.member_attendees.all()) == [branch.members[1]]
    assert list(training.cadre_attendees.all()) == [branch.committee]


def test_a_member_who_left_the_party_is_refused_beside_the_checklist(secretary, world, branch):
    MemberFactory(branch=world.branch_a2)
    departed = MemberFactory(branch=world.branch_a1, status="left")
    response = secretary.post(CREATE, payload(world, member_attendees=[departed.pk]))
    assert_off_roll_refusal(response, "member_attendees", OFF_ROLL, world.branch_a1, departed)
    assert not Training.objects.exists()


def test_half_a_day_less_than_the_minimum_is_refused_beside_days(secretary, world, branch):
    response = secretary.post(CREATE, payload(world, days="0.4"))
    assert field_errors(response, "days")
    assert not Training.objects.exists()


def test_a_secretary_cannot_organize_for_the_township(secretary, world, branch):
    response = secretary.post(CREATE, payload(world, organizer=world.township_a.pk))
    assert response.context["form"].errors["organizer"]
    assert not Training.objects.exists()


def todays_training(actor, organizer, topic):
    """A one-day members' training held today, recorded through the service."""
    return training_record(
        actor=actor, organizer=organizer, audience=TrainingAudience.MEMBERS, held_on=timezone.localdate(),
        days=1, topic=topic,
    )  # fmt: skip


def test_a_stale_edit_is_a_conflict_and_a_current_one_saves(secretary, world, branch):
    training = todays_training(world.users["secretary_a1"], world.branch_a1, "冬训")
    url = reverse("members:training-edit", args=[training.pk])
    assert secretary.get(url).context["form"].initial["version"] == 1
    response = secretary.post(url, payload(world, topic="冬训二", version=1))
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.topic, training.version) == ("冬训二", 2)
    staff = world.users["staff_a"]
    training_update(actor=staff, training=training, expected_version=2, topic="冬训三")
    response = secretary.post(url, payload(world, topic="我的", version=2))
    assert_conflict(response, staff, url)
    training.refresh_from_db()
    assert training.topic == "冬训三"


def test_a_training_of_another_township_answers_404(secretary, world):
    training = todays_training(world.users["root"], world.branch_b1, "外镇")
    assert secretary.get(reverse("members:training-edit", args=[training.pk])).status_code == 404
