"""Every error of an entry form in one round (the form's own checks and the service's rules on the fields
that parsed), listed at the top of the form with links to the fields; nothing is written."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils import translation

from members.models import Meeting
from members.models import MeetingKind
from members.services.activities import meeting_record
from tests.utils.factories_entry import entry_branch
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import meeting_form
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db
CREATE = reverse("members:meeting-create")
FUTURE = "The date cannot be in the future."
REQUIRED = "This field is required."


def heading(number: int) -> str:
    with translation.override("zh-hans"):
        text = translation.ngettext(
            "Please correct the following error", "Please correct the following %(number)s errors", number
        )
    return text % {"number": number}


@pytest.fixture
def branch(world):
    return entry_branch(world.branch_a1, roll=3)


def payload(world, **data):
    return meeting_form(organization=world.branch_a1.pk, **data)


def test_a_missing_field_and_a_broken_rule_come_back_together(secretary, world, branch):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = secretary.post(CREATE, payload(world, topic="", held_on=tomorrow.isoformat()))
    assert response.status_code == 200
    assert field_errors(response, "topic") == [zh(REQUIRED)]
    assert field_errors(response, "held_on") == [zh(FUTURE)]
    assert not Meeting.objects.exists()
    summary = response.context["error_summary"]
    assert [item["anchor"] for item in summary] == ["id_held_on", "id_topic"]
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'role="alert"' in html
    assert heading(2) in html
    assert 'href="#id_held_on"' in html and 'href="#id_topic"' in html


def test_each_field_names_its_errors_and_help_under_ids_the_page_has(secretary, world, branch):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = secretary.post(CREATE, payload(world, topic="", held_on=tomorrow.isoformat()))
    html = response.content.decode()
    named = {ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()}
    assert {"id_topic_error", "id_held_on_error"} <= named
    assert [ref for ref in sorted(named) if f'id="{ref}"' not in html] == []


def test_today_with_a_missing_topic_is_one_error(secretary, world, branch):
    response = secretary.post(CREATE, payload(world, topic=""))
    assert list(response.context["form"].errors) == ["topic"]
    assert heading(1) in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_date_that_does_not_parse_keeps_only_its_own_error(secretary, world, branch):
    response = secretary.post(CREATE, payload(world, topic="", held_on="not-a-date"))
    assert set(response.context["form"].errors) == {"topic", "held_on"}
    assert field_errors(response, "held_on") != [zh(FUTURE)]
    assert not Meeting.objects.exists()


def test_an_edit_with_a_missing_field_and_a_broken_rule_changes_nothing(secretary, world, branch):
    meeting = meeting_record(actor=world.users["secretary_a1"], kind=MeetingKind.LECTURE, topic="党课")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    url = reverse("members:meeting-edit", args=[meeting.pk])
    response = secretary.post(url, payload(world, topic="", held_on=tomorrow.isoformat(), version=1))
    assert field_errors(response, "topic") == [zh(REQUIRED)]
    assert field_errors(response, "held_on") == [zh(FUTURE)]
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.held_on, meeting.version) == ("党课", timezone.localdate(), 1)


def test_a_clean_form_page_has_no_summary(secretary, branch):
    assert 'id="error-summary"' not in secretary.get(CREATE).content.decode()
