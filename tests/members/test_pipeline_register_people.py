"""Registering an application: mentors and sponsors belong to later steps (docs/members-and-pipeline.md)."""

import pytest
from django.urls import reverse

from members.models import Applicant
from tests.utils.factories import MemberFactory
from tests.utils.factories_pipeline import registration

pytestmark = pytest.mark.django_db


def _payload(world, **extra):
    return registration(world.branch_a1, sequence=31, gender="male", birth_date="1999-01-01", **extra)


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
