"""Registering an application: mentors and sponsors belong to later steps (docs/members-and-pipeline.md)."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import Applicant
from tests.utils.factories import MemberFactory, id_number_for

pytestmark = pytest.mark.django_db


def _payload(world, **extra):
    birth = dt.date(1999, 1, 1)
    return {
        "branch": world.branch_a1.pk,
        "name": "李华",
        "gender": "male",
        "id_number": id_number_for(birth, 31),
        "birth_date": str(birth),
        "education": "bachelor",
        "occupation": "farmer",
        "applied_on": "2024-01-05",
        **extra,
    }


def test_an_empty_mentor_list_on_registration_is_accepted(world):
    response = world.client("secretary_a1").post(
        reverse("applicant-list"), _payload(world, mentors=[], sponsors=[]), format="json"
    )
    assert response.status_code == 201, response.content
    assert Applicant.objects.get().mentors.count() == 0


def test_mentors_on_registration_are_refused_in_chinese(world):
    mentor = MemberFactory(branch=world.branch_a1)
    response = world.client("secretary_a1").post(
        reverse("applicant-list"),
        _payload(world, mentors=[mentor.pk]),
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "mentors" in response.json()
    assert not Applicant.objects.exists()
