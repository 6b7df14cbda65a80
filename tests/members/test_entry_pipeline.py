"""The development pipeline pages: registering an application, and the step form whose refusals are the
pipeline rules' own messages (one year as activist, mentors, the township's review) beside the fields."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.formats import date_format

from branches.scope.querysets import NOT_ALLOWED
from members import idnumbers
from members import pipeline_rules as rules
from members.models import Applicant
from members.models import ApplicantStage
from members.services.pipeline import applicant_update
from tests.utils.factories import MemberFactory
from tests.utils.factories_entry import assert_conflict
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import zh
from tests.utils.factories_pipeline import ApplicantFactory
from tests.utils.factories_pipeline import activist
from tests.utils.factories_pipeline import candidate

pytestmark = pytest.mark.django_db
CREATE = reverse("members:applicant-create")


def advance_url(applicant):
    return reverse("members:applicant-advance", args=[applicant.pk])


def register_payload(world, born, **data):
    return {
        "branch": world.branch_a1.pk,
        "name": "申请人甲",
        "gender": "female",
        "ethnicity": "汉族",
        "id_number": idnumbers.build("130123", born, 22),
        "birth_date": born.isoformat(),
        "education": "bachelor",
        "occupation": "farmer",
        "phone": "",
        "address": "",
        "applied_on": timezone.localdate().isoformat(),
        "note": "",
        **data,
    }


def test_an_application_is_registered_in_the_secretarys_branch(secretary, world):
    response = secretary.post(CREATE, register_payload(world, dt.date(1998, 3, 4)))
    assert response.status_code == 302
    applicant = Applicant.objects.get()
    assert (applicant.branch, applicant.stage) == (world.branch_a1, ApplicantStage.APPLICANT)


def test_an_applicant_under_18_is_refused_beside_the_application_date(secretary, world):
    today = timezone.localdate()
    born = today.replace(year=today.year - 17) - dt.timedelta(days=1)
    response = secretary.post(CREATE, register_payload(world, born))
    (message,) = field_errors(response, "applied_on")
    with translation.override("zh-hans"):
        expected = translation.gettext(
            "An applicant must be at least 18 years old when applying; this person turns 18 on %(date)s."
        ) % {"date": date_format(rules.adult_from(born), "Y-m-d")}
    assert message == expected
    assert not Applicant.objects.exists()


def test_designating_an_activist_needs_a_mentor_and_then_moves_the_stage(secretary, world):
    applicant = ApplicantFactory(branch=world.branch_a1, applied_on=dt.date(2024, 3, 1))
    mentor = MemberFactory(branch=world.branch_a1)
    url = advance_url(applicant)
    page = secretary.get(url)
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {"version", "on", "mentors"}
    response = secretary.post(url, {"on": "2024-09-01", "version": 1})
    assert field_errors(response, "mentors") == [
        zh("An activist needs one or two mentors (培养联系人) who are full members.")
    ]
    applicant.refresh_from_db()
    assert applicant.stage == ApplicantStage.APPLICANT
    response = secretary.post(url, {"on": "2024-09-01", "version": 1, "mentors": [mentor.pk]})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.stage, applicant.activist_on) == (ApplicantStage.ACTIVIST, dt.date(2024, 9, 1))
    assert list(applicant.mentors.all()) == [mentor]


def test_a_candidate_before_a_year_as_activist_is_refused_with_the_day_it_becomes_possible(secretary, world):
    applicant = activist(
        branch=world.branch_a1,
        activist_on=dt.date(2024, 9, 1),
        political_review_on=dt.date(2025, 1, 1),
        training_completed_on=dt.date(2025, 1, 1),
        training_days=3,
        notice_started_on=dt.date(2025, 1, 6),
    )
    url = advance_url(applicant)
    form = secretary.get(url).context["form"]
    assert {"political_review_on", "training_days", "notice_started_on"} <= set(form.fields)
    data = {
        "on": "2025-08-31",
        "version": 1,
        "political_review_on": "2025-01-01",
        "training_completed_on": "2025-01-01",
        "training_days": "3",
        "training_hours": "",
        "notice_started_on": "2025-01-06",
    }
    (message,) = field_errors(secretary.post(url, data), "on")
    with translation.override("zh-hans"):
        expected = translation.gettext(
            "A candidate is designated one full year after becoming an activist: possible from %(date)s."
        ) % {"date": "2025-09-01"}
    assert message == expected
    applicant.refresh_from_db()
    assert applicant.stage == ApplicantStage.ACTIVIST


def test_admission_is_the_townships_step_not_the_secretarys(secretary, world):
    applicant = candidate(branch=world.branch_a1)
    response = secretary.post(advance_url(applicant), {"on": "2024-01-10", "version": 1})
    assert response.status_code == 200
    assert list(response.context["form"].non_field_errors()) == [zh(str(NOT_ALLOWED))]
    applicant.refresh_from_db()
    assert applicant.stage == ApplicantStage.CANDIDATE


def test_the_secretary_reads_the_townships_step_without_a_form_to_take_it(secretary, world):
    applicant = candidate(branch=world.branch_a1)
    body = secretary.get(advance_url(applicant)).content.decode()
    assert 'id="step-not-yours"' in body and 'id="entry-form"' not in body
    staff = world.page_client("staff_a").get(advance_url(applicant)).content.decode()
    assert 'id="step-not-yours"' not in staff and 'id="entry-form"' in staff


def test_a_stale_step_is_a_conflict(secretary, world):
    applicant = ApplicantFactory(branch=world.branch_a1, applied_on=dt.date(2024, 3, 1))
    mentor = MemberFactory(branch=world.branch_a1)
    staff = world.users["staff_a"]
    applicant_update(actor=staff, applicant=applicant, expected_version=1, address="新址")
    url = advance_url(applicant)
    response = secretary.post(url, {"on": "2024-09-01", "version": 1, "mentors": [mentor.pk]})
    assert_conflict(response, staff, url)
    applicant.refresh_from_db()
    assert applicant.stage == ApplicantStage.APPLICANT


def test_an_applicant_of_another_township_answers_404(secretary, world):
    applicant = ApplicantFactory(branch=world.branch_b1)
    assert secretary.get(advance_url(applicant)).status_code == 404


def test_the_step_page_says_what_is_missing_and_from_when(secretary, world):
    applicant = activist(branch=world.branch_a1, activist_on=dt.date(2024, 9, 1))
    response = secretary.get(advance_url(applicant))
    assert response.context["to_stage"] == ApplicantStage.CANDIDATE.label
    assert response.context["possible_from"] == dt.date(2025, 9, 1)
    assert len(response.context["missing"]) == 3  # political review, training, public notice


def test_a_closed_record_has_no_next_step_and_posting_changes_nothing(secretary, world):
    applicant = ApplicantFactory(branch=world.branch_a1, status="withdrawn")
    url = advance_url(applicant)
    page = secretary.get(url)
    assert page.context["to_stage"] is None
    assert set(page.context["form"].fields) == {"version", "on"}
    response = secretary.post(url, {"on": "2024-09-01", "version": 1})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    applicant.refresh_from_db()
    assert applicant.stage == ApplicantStage.APPLICANT
