"""Opening a rectification (/rectifications/new/) and editing one while it is open, through EntryView: who
may, the instructor list, the reasons ticked as listed, the deadline's boundary, every error in one round."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Rectification
from assessments.models import RectificationStatus
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_assessments import YEAR
from tests.utils.factories_assessments import RectificationFactory
from tests.utils.factories_assessments import instructor
from tests.utils.factories_assessments import rating
from tests.utils.factories_assessments import secretary

pytestmark = pytest.mark.django_db

OPEN_URL = reverse("assessments:rectification-open")


def days_from_today(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def guide(world):
    """A serving instructor of township A (at its other branch)."""
    return instructor(world.branch_a2)


def payload(world, guide, **changes):
    data = {
        "organization": world.branch_a1.pk,
        "year": YEAR,
        "reasons": ["unrated"],
        "plan": "配齐支委班子，每月督导一次",
        "responsible_leader": "王镇长",
        "instructor": guide.pk,
        "deadline": days_from_today(90),
    }
    return {**data, **changes}


def open_page(world, who, **query):
    return world.page_client(who).get(OPEN_URL, query)


# --- who may open --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretary_a1", "viewer_a", "nobody"])
def test_only_township_and_county_staff_may_open(world, guide, who):
    assert open_page(world, who).status_code == 403
    assert world.page_client(who).post(OPEN_URL, payload(world, guide)).status_code == 403
    assert not Rectification.objects.exists()


def test_a_branch_of_another_township_is_404(world):
    assert open_page(world, "staff_b", organization=world.branch_a1.pk, year=YEAR).status_code == 404


def test_a_branch_of_another_township_cannot_be_posted(world, guide):
    response = world.page_client("staff_b").post(OPEN_URL, payload(world, guide))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Rectification.objects.exists()


# --- the form as the candidate list's link opens it -------------------------------------------------------


def test_the_link_presets_the_branch_and_ticks_the_reasons_it_is_listed_for(world, guide):
    response = open_page(world, "staff_a", organization=world.branch_a1.pk, year=YEAR)
    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["organization"] == world.branch_a1.pk
    assert form.initial["reasons"] == ["secretary_vacant", "unrated"]  # no secretary, no rating
    body = response.content.decode()
    assert 'id="listed-reasons"' in body
    assert 'data-code="secretary_vacant"' in body and 'data-code="unrated"' in body


def test_the_instructors_offered_are_those_serving_in_the_branchs_township(world, guide):
    other_township = instructor(world.branch_b1)
    retired = instructor(world.branch_a2, ended_on=timezone.localdate() - dt.timedelta(days=1))
    response = open_page(world, "county_admin", organization=world.branch_a1.pk, year=YEAR)
    offered = {value for value, _label in response.context["form"].fields["instructor"].widget.choices}
    assert guide.pk in offered
    assert other_township.pk not in offered and retired.pk not in offered


def test_opening_goes_to_the_rectifications_page(world, guide):
    response = world.page_client("staff_a").post(OPEN_URL, payload(world, guide))
    rectification = Rectification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:rectification-detail", args=[rectification.pk])
    assert (rectification.opened_by, rectification.instructor) == (world.users["staff_a"], guide)
    assert [reason["code"] for reason in rectification.reasons] == ["unrated"]
    assert rectification.reasons[0]["message"]  # the candidate list's message, in words


@pytest.mark.parametrize(("days", "opens"), [(0, False), (1, True)])
def test_the_deadline_must_be_after_today(world, guide, days, opens):
    response = world.page_client("staff_a").post(
        OPEN_URL, payload(world, guide, deadline=days_from_today(days))
    )
    assert Rectification.objects.exists() is opens
    if not opens:
        assert response.status_code == 200
        assert "deadline" in response.context["form"].errors
        assert 'id="error-summary"' in response.content.decode()


def test_every_error_is_said_in_one_round(world, guide):
    response = world.page_client("staff_a").post(
        OPEN_URL, payload(world, guide, plan="", instructor="", deadline=days_from_today(0))
    )
    form = response.context["form"]
    assert set(form.errors) == {"plan", "instructor", "deadline"}
    assert len(response.context["error_summary"]) == 3
    assert not Rectification.objects.exists()


def test_a_branch_off_the_list_needs_reasons_said_with_the_other_errors(world, guide):
    secretary(world.branch_a1)
    rating(world.branch_a1, 95)
    for number in range(25):  # enough rated branches that a 95 is not among the lowest 5 %
        rating(_branch(world, number), 80)
    response = world.page_client("staff_a").post(
        OPEN_URL, payload(world, guide, reasons=[], deadline=days_from_today(-1))
    )
    assert set(response.context["form"].errors) == {"reasons", "deadline"}
    assert not Rectification.objects.exists()


def _branch(world, number):
    branch = OrganizationFactory(parent=world.township_a, name=f"村{number}党支部")
    secretary(branch)
    return branch


def test_a_second_rectification_of_the_year_is_refused_beside_the_branch(world, guide):
    RectificationFactory(organization=world.branch_a1, year=YEAR)
    response = world.page_client("staff_a").post(OPEN_URL, payload(world, guide))
    assert "organization" in response.context["form"].errors
    assert Rectification.objects.count() == 1


# --- editing --------------------------------------------------------------------------------------------


def edit_url(rectification):
    return reverse("assessments:rectification-edit", args=[rectification.pk])


@pytest.fixture
def rectification(world, guide):
    return RectificationFactory(organization=world.branch_a1, instructor=guide)


def edit_payload(rectification, **changes):
    data = {
        "reasons": ["unrated"],
        "plan": rectification.plan,
        "responsible_leader": rectification.responsible_leader,
        "instructor": rectification.instructor_id,
        "deadline": rectification.deadline.isoformat(),
        "version": rectification.version,
    }
    return {**data, **changes}


def test_the_township_edits_an_open_rectification(world, rectification):
    response = world.page_client("staff_a").post(
        edit_url(rectification), edit_payload(rectification, plan="新方案")
    )
    assert response.status_code == 302
    assert Rectification.objects.get(pk=rectification.pk).plan == "新方案"


@pytest.mark.parametrize(("who", "status"), [("secretary_a1", 403), ("viewer_a", 403), ("staff_b", 404)])
def test_who_may_not_edit(world, rectification, who, status):
    assert world.page_client(who).get(edit_url(rectification)).status_code == status
    response = world.page_client(who).post(edit_url(rectification), edit_payload(rectification, plan="改"))
    assert response.status_code == status
    assert Rectification.objects.get(pk=rectification.pk).plan == rectification.plan


def test_an_edit_after_someone_elses_is_a_conflict(world, rectification):
    Rectification.objects.filter(pk=rectification.pk).update(version=2)
    response = world.page_client("staff_a").post(
        edit_url(rectification), edit_payload(rectification, plan="新")
    )
    assert response.status_code == 200 and response.context["conflict"]
    assert Rectification.objects.get(pk=rectification.pk).plan == rectification.plan


def test_a_rectification_put_forward_for_closing_cannot_be_edited(world, rectification):
    Rectification.objects.filter(pk=rectification.pk).update(status=RectificationStatus.CLOSE_REQUESTED)
    response = world.page_client("staff_a").post(
        edit_url(rectification), edit_payload(rectification, plan="新")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Rectification.objects.get(pk=rectification.pk).plan == rectification.plan
