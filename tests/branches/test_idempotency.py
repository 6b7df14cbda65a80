"""A new record sent twice with the same idempotency key is one record (docs/offline.md, "Sent once"): through
the entry pages as the phone's queue posts them (form fields, JSON answer) and through the API's create
endpoints; a refused entry leaves its key unused, and keys belong to their user."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import IdempotencyKey
from members.models import Meeting
from members.models import MeetingKind
from members.models import VisitLog
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db
VISIT_PAGE = reverse("members:visit-create")
JSON = {"HTTP_ACCEPT": "application/json"}


def visit_fields(branch, key, **changes):
    return {
        "cadre": branch.secretary.pk,
        "household_name": "李四",
        "village_group": "二组",
        "visited_on": timezone.localdate().isoformat(),
        "idempotency_key": key,
        **changes,
    }


def test_the_queue_sending_a_visit_twice_records_it_once(secretary, world, branch):
    key = str(uuid.uuid4())
    first = secretary.post(VISIT_PAGE, visit_fields(branch, key), **JSON)
    again = secretary.post(VISIT_PAGE, visit_fields(branch, key), **JSON)

    assert (first.status_code, again.status_code) == (201, 200)
    visit = VisitLog.objects.get()
    branch_page = reverse("assessments:branch-page", args=[world.branch_a1.pk])
    assert first.json() == again.json() == {"id": visit.pk, "url": branch_page}
    claim = IdempotencyKey.objects.get()
    assert (claim.record, claim.key, claim.user.username) == (visit, key, "secretary_a1")


def test_a_second_tap_on_save_in_the_browser_goes_to_the_first_visit(secretary, branch):
    key = str(uuid.uuid4())
    first = secretary.post(VISIT_PAGE, visit_fields(branch, key))
    again = secretary.post(VISIT_PAGE, visit_fields(branch, key))

    assert first.status_code == again.status_code == 302
    assert first.url == again.url
    assert VisitLog.objects.count() == 1


def test_a_refused_entry_answers_its_messages_and_leaves_the_key_unused(secretary, branch):
    key = str(uuid.uuid4())
    refused = secretary.post(VISIT_PAGE, visit_fields(branch, key, visited_on="2999-01-01"), **JSON)

    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"label": zh("visited on"), "message": zh("The date cannot be in the future.")}
    ]
    assert not VisitLog.objects.exists() and not IdempotencyKey.objects.exists()
    fixed = secretary.post(VISIT_PAGE, visit_fields(branch, key), **JSON)
    assert fixed.status_code == 201
    assert VisitLog.objects.count() == 1


def test_a_malformed_key_is_refused_in_the_users_language(secretary, branch):
    response = secretary.post(VISIT_PAGE, visit_fields(branch, "no spaces please"), **JSON)

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["message"] == zh("The idempotency key must be 8 to 64 letters, digits or the signs - _ . :")
    assert not VisitLog.objects.exists()


def test_a_key_is_its_users_own(world, branch):
    key = str(uuid.uuid4())
    for who in ("secretary_a1", "staff_a"):
        fields = visit_fields(branch, key, household_name=who)
        response = world.page_client(who).post(VISIT_PAGE, fields, **JSON)
        assert response.status_code == 201
    assert VisitLog.objects.count() == 2


def test_the_api_answers_a_repeat_with_the_record_already_created(world, branch):
    client = world.client("secretary_a1")
    key = str(uuid.uuid4())
    body = {"household_name": "王五", "village_group": "一组"}
    url = reverse("visitlog-list")

    first = client.post(url, body, format="json", headers={"Idempotency-Key": key})
    again = client.post(url, body, format="json", headers={"Idempotency-Key": key})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] == VisitLog.objects.get().pk


def test_a_key_used_for_a_visit_is_refused_for_a_meeting(world, branch):
    client = world.client("secretary_a1")
    key = str(uuid.uuid4())
    headers = {"Idempotency-Key": key}
    client.post(reverse("visitlog-list"), {"household_name": "王五"}, format="json", headers=headers)

    meeting = {"kind": MeetingKind.COMMITTEE, "topic": "支委会", "attendees": []}
    response = client.post(reverse("meeting-list"), meeting, format="json", headers=headers)

    assert response.status_code == 400
    message = zh("This idempotency key was already used for another kind of record.")
    assert response.json() == {"idempotency_key": [message]}
    assert not Meeting.objects.exists()


def test_a_repeat_after_the_record_was_deleted_says_so_and_records_nothing(secretary, branch):
    key = str(uuid.uuid4())
    secretary.post(VISIT_PAGE, visit_fields(branch, key), **JSON)
    VisitLog.objects.get().delete()

    again = secretary.post(VISIT_PAGE, visit_fields(branch, key), **JSON)

    assert again.status_code == 400
    message = zh("This entry was received before, but the record it created is no longer there.")
    assert again.json()["errors"] == [{"label": "", "message": message}]
    assert not VisitLog.objects.exists()
