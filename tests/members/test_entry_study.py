"""Study records in the browser: one per cadre and month, no future month, the edit conflict, scope."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import StudyRecord
from members.services.activities import MESSAGES
from members.services.activities import study_record
from members.services.activities import study_update
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import assert_conflict
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db
CREATE = reverse("members:studyrecord-create")


def payload(cadre, **data):
    return {"cadre": cadre.pk, "year": "2025", "month": "3", "sessions": "2", "note_characters": "800",
            "articles": "0", **data}  # fmt: skip


def test_a_months_study_is_recorded(secretary, branch):
    form = secretary.get(CREATE).context["form"]
    assert form.initial["year"] == timezone.localdate().year
    assert secretary.post(CREATE, payload(branch.secretary)).status_code == 302
    assert StudyRecord.objects.get().sessions == 2


def test_a_second_record_of_the_same_month_is_refused_beside_the_month(secretary, world, branch):
    study_record(actor=world.users["secretary_a1"], cadre=branch.secretary, year=2025, month=3)
    (message,) = field_errors(secretary.post(CREATE, payload(branch.secretary)), "month")
    params = {"cadre": branch.secretary.name, "year": 2025, "month": 3}
    assert message == zh(MESSAGES["study_duplicate"]) % params
    assert StudyRecord.objects.count() == 1


def test_a_future_month_is_refused(secretary, branch):
    year = timezone.localdate().year + 1
    response = secretary.post(CREATE, payload(branch.secretary, year=str(year)))
    assert field_errors(response, "month") == [zh("A month in the future cannot be recorded.")]


def test_a_cadre_of_another_branch_cannot_be_chosen(secretary, world, branch):
    stranger = CadreFactory(organization=world.branch_a2)
    response = secretary.post(CREATE, payload(stranger))
    assert response.context["form"].errors["cadre"]
    assert not StudyRecord.objects.exists()


def test_a_stale_edit_is_a_conflict(secretary, world, branch):
    record = study_record(actor=world.users["secretary_a1"], cadre=branch.secretary, year=2025, month=3)
    staff = world.users["staff_a"]
    study_update(actor=staff, study=record, expected_version=1, articles=1)
    url = reverse("members:studyrecord-edit", args=[record.pk])
    assert_conflict(secretary.post(url, payload(branch.secretary, version=1)), staff, url)
    record.refresh_from_db()
    assert (record.articles, record.sessions) == (1, 0)


def test_a_record_of_another_township_answers_404(secretary, world):
    foreign = CadreFactory(organization=world.branch_b1)
    record = study_record(actor=world.users["root"], cadre=foreign, year=2025, month=3)
    assert secretary.get(reverse("members:studyrecord-edit", args=[record.pk])).status_code == 404
