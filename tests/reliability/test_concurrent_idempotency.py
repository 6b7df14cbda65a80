"""The phone's queue and the browser's background sync send one entry at the same moment (docs/offline.md,
"Sent once"): one record, and both answers name it. Real concurrency needs real transactions, so this runs
on PostgreSQL with two threads, each with its own connection, released together by a barrier."""

import threading
import uuid

import pytest
from django.urls import reverse

from branches.models import IdempotencyKey
from members.models import CadrePost
from members.models import VisitLog
from tests.utils.factories_cadres import CadreFactory
from tests.utils.threads import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def send_twice_at_once(world, body: dict, key: str) -> list:
    both_ready = threading.Barrier(2, timeout=10)
    answers = []

    def send():
        client = world.client("secretary_a1")
        both_ready.wait()
        response = client.post(
            reverse("visitlog-list"), body, format="json", headers={"Idempotency-Key": key}
        )
        answers.append((response.status_code, response.json().get("id")))

    run_at_once(send, [(), ()])
    return answers


def test_the_same_key_sent_twice_at_once_makes_one_record(require_postgres, world):
    CadreFactory(organization=world.branch_a1, post=CadrePost.SECRETARY)
    key = str(uuid.uuid4())

    answers = send_twice_at_once(world, {"household_name": "赵六", "village_group": "三组"}, key)

    visit = VisitLog.objects.get()
    assert sorted(answers) == [(200, visit.pk), (201, visit.pk)], answers
    assert IdempotencyKey.objects.get().record == visit
