import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Applicant
from members.models import ApplicantStage
from members.selectors.pipeline import due_list
from tests.utils.factories import MemberFactory
from tests.utils.factories_pipeline import ApplicantFactory
from tests.utils.factories_pipeline import activist
from tests.utils.factories_pipeline import candidate
from tests.utils.factories_pipeline import registration
from tests.utils.scope import ScopeSuite

pytestmark = pytest.mark.django_db


class TestApplicantScope(ScopeSuite):
    basename = "applicant"

    def make_object(self, world, organization):
        return ApplicantFactory(branch=organization)

    def create_payload(self, world, organization):
        return registration(organization, gender="female", birth_date="1999-01-01")

    def move_payload(self, world, organization):
        return {"branch": organization.pk}


def applicant_action(world, who, action, applicant, data, **headers):
    """``who`` posts ``data`` to the ``action`` (advance, close) of ``applicant``."""
    url = reverse(f"applicant-{action}", args=[applicant.pk])
    return world.client(who).post(url, data, format="json", **headers)


def test_advance_refusal_names_the_rule_and_the_date_in_chinese(world):
    applicant = activist(branch=world.branch_a1, activist_on=dt.date(2023, 3, 10))
    data = {
        "to_stage": "candidate",
        "on": "2024-03-09",
        "political_review_on": "2024-01-01",
        "training_completed_on": "2024-01-10",
        "training_days": 3,
        "notice_started_on": "2024-02-01",
    }
    response = applicant_action(
        world, "secretary_a1", "advance", applicant, data, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    message = " ".join(response.json()["on"])
    assert "2024-03-10" in message and "一年" in message


def test_advance_through_the_api_moves_the_stage(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    mentor = MemberFactory(branch=world.branch_a1)
    data = {"to_stage": "activist", "on": "2022-06-01", "mentors": [mentor.pk]}
    response = applicant_action(world, "secretary_a1", "advance", applicant, data)
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "activist" and response.json()["mentors"] == [mentor.pk]


def test_mentor_from_another_township_reads_as_unknown(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    foreign_mentor = MemberFactory(branch=world.branch_b1)
    data = {"to_stage": "activist", "on": "2022-06-01", "mentors": [foreign_mentor.pk]}
    response = applicant_action(world, "secretary_a1", "advance", applicant, data)
    assert response.status_code == 400 and "mentors" in response.json()


def test_advance_of_a_foreign_applicant_is_404(world):
    applicant = ApplicantFactory(branch=world.branch_b1)
    response = applicant_action(
        world, "staff_a", "advance", applicant, {"to_stage": "activist", "on": "2022-06-01"}
    )
    assert response.status_code == 404


def test_id_numbers_are_masked_in_applicant_responses(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    row = world.client("county_admin").get(reverse("applicant-detail", args=[applicant.pk])).json()
    assert row["id_number"] == f"{applicant.id_number[:6]}********{applicant.id_number[14:]}"


def test_due_list_says_what_is_missing_and_from_when(world):
    waiting = activist(branch=world.branch_a1, activist_on=dt.date(2026, 1, 15))
    ready = candidate(
        branch=world.branch_a1,
        pre_reviewed_on=dt.date(2024, 1, 5),
        assembly_on=dt.date(2024, 1, 10),
        votes_entitled=9,
        votes_yes=7,
    )
    ready.sponsors.set([MemberFactory(branch=world.branch_a1) for _ in range(2)])
    steps = {
        step.applicant.pk: step for step in due_list(user=world.users["staff_a"], today=dt.date(2026, 11, 22))
    }
    assert steps[waiting.pk].possible_from == dt.date(2027, 1, 15)
    assert set(steps[waiting.pk].missing) == {"political_review", "training", "notice"}
    assert steps[ready.pk].next_stage == ApplicantStage.PROBATIONARY
    assert steps[ready.pk].deadline == dt.date(2024, 4, 10)
    assert steps[ready.pk].missing == [] and steps[ready.pk].is_ready(dt.date(2026, 11, 22))


def test_due_list_endpoint_is_scoped_and_sorted(world):
    later = activist(branch=world.branch_a1, activist_on=dt.date(2026, 6, 1))
    sooner = activist(branch=world.branch_a2, activist_on=dt.date(2026, 2, 1))
    activist(branch=world.branch_b1)
    response = world.client("staff_a").get(reverse("applicant-due-list"))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [sooner.pk, later.pk]
    only_a1 = world.client("staff_a").get(reverse("applicant-due-list"), {"organization": world.branch_a1.pk})
    assert [row["id"] for row in only_a1.json()["results"]] == [later.pk]


def test_due_list_of_a_foreign_organization_is_404(world):
    response = world.client("staff_a").get(
        reverse("applicant-due-list"), {"organization": world.branch_b1.pk}
    )
    assert response.status_code == 404


def test_due_list_query_count_does_not_grow_with_applicants(world):
    client = world.client("staff_a")
    activist(branch=world.branch_a1)
    client.get(reverse("applicant-due-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("applicant-due-list"))
    for _ in range(5):
        candidate(branch=world.branch_a1)
        ApplicantFactory(branch=world.branch_a2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("applicant-due-list"))
    assert response.json()["count"] == 11
    assert len(many) == len(few)


def test_closed_records_leave_the_due_list(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    response = applicant_action(
        world, "secretary_a1", "close", applicant, {"status": "withdrawn", "reason": "本人撤回"}
    )
    assert response.status_code == 200
    assert Applicant.objects.get(pk=applicant.pk).status == "withdrawn"
    assert world.client("staff_a").get(reverse("applicant-due-list")).json()["count"] == 0
