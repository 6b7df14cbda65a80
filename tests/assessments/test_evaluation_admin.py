"""The joint evaluation in the admin: the same secrecy as the API, and cycle actions through the services."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import CycleState
from assessments.models import EvaluationScore
from tests.utils.factories_evaluation import EvaluationCycleFactory
from tests.utils.factories_evaluation import EvaluationRaterFactory
from tests.utils.factories_evaluation import EvaluationScoreFactory
from tests.utils.factories_evaluation import SecretaryGradeFactory
from tests.utils.factories_evaluation import StatementFactory

pytestmark = pytest.mark.django_db


def admin_client(world, who):
    user = world.users[who]
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_township_staff_read_statements_but_not_grades_or_unpublished_scores(world):
    cycle = EvaluationCycleFactory(county=world.county)
    statement = StatementFactory(cycle=cycle, organization=world.branch_a1)
    rater = EvaluationRaterFactory(cycle=cycle, organization=world.township_a)
    grade = SecretaryGradeFactory(rater=rater, organization=world.branch_a1)
    score = EvaluationScoreFactory(cycle=cycle, organization=world.branch_a1)
    client = admin_client(world, "staff_a")
    assert client.get(reverse("admin:assessments_statement_change", args=[statement.pk])).status_code == 200
    listing = client.get(reverse("admin:assessments_statement_changelist"))
    assert listing.status_code == 200 and world.branch_a1.name in listing.content.decode()
    for name, obj in (("secretarygrade", grade), ("evaluationscore", score)):
        page = client.get(reverse(f"admin:assessments_{name}_change", args=[obj.pk]))
        assert page.status_code in {302, 403, 404}, name
    county = admin_client(world, "county_admin")
    for name, obj in (("secretarygrade", grade), ("evaluationscore", score), ("evaluationcycle", cycle)):
        assert county.get(reverse(f"admin:assessments_{name}_change", args=[obj.pk])).status_code == 200


def test_the_county_computes_and_closes_from_the_admin(world):
    cycle = EvaluationCycleFactory(county=world.county)
    client = admin_client(world, "county_admin")
    changelist = reverse("admin:assessments_evaluationcycle_changelist")
    for action in ("compute_scores", "close_cycles"):
        response = client.post(changelist, {"action": action, "_selected_action": [cycle.pk]})
        assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
    assert EvaluationScore.objects.filter(cycle=cycle).count() == 6
    assert cycle.history.first().history_user == world.users["county_admin"]
