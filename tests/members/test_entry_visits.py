"""The household-visit entry pages: the secretary's quick entry (today, their own post), a service rule shown
beside its field in Chinese, the edit conflict, and scope (404, and no cadre of another branch)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils import translation

from members.models import VisitLog
from members.services import visits as visit_services
from members.services.visits import visit_record
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import field_errors
from tests.utils.factories_entry import logged_in
from tests.utils.factories_entry import visit_form
from tests.utils.factories_entry import zh

pytestmark = pytest.mark.django_db
CREATE = reverse("members:visit-create")


def post_visit(client, branch, **data):
    return client.post(CREATE, visit_form(branch.secretary) | data)


def test_the_quick_entry_opens_with_today_and_the_secretarys_own_post(secretary, branch):
    response = secretary.get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["visited_on"] == timezone.localdate()
    assert form.initial["cadre"] == branch.secretary.pk
    assert set(form.fields["cadre"].queryset) == {branch.secretary, branch.committee}


def test_a_recorded_visit_goes_back_to_the_branch_page_with_a_message(secretary, world, branch):
    response = post_visit(secretary, branch)
    assert response.status_code == 302
    assert response.url == reverse("assessments:branch-page", args=[world.branch_a1.pk])
    visit = VisitLog.objects.get()
    assert (visit.cadre, visit.household_name, visit.recorded_by) == (
        branch.secretary,
        "李四",
        world.users["secretary_a1"],
    )
    assert visit.history.get().history_user == world.users["secretary_a1"]
    page = secretary.get(response.url)
    assert zh("Saved.") in page.content.decode()


def test_a_visit_in_the_future_is_refused_beside_the_date_in_chinese(secretary, branch):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = post_visit(secretary, branch, visited_on=tomorrow.isoformat())
    assert response.status_code == 200
    assert field_errors(response, "visited_on") == [zh("The date cannot be in the future.")]
    assert 'class="form-control is-invalid"' in response.content.decode()
    assert not VisitLog.objects.exists()


def test_a_visit_before_the_cadres_term_names_the_term(secretary, branch):
    response = post_visit(secretary, branch, visited_on="2021-01-14")
    (message,) = field_errors(response, "visited_on")
    with translation.override("zh-hans"):
        expected = visit_services.term_error(branch.secretary, dt.date(2021, 1, 14))
    assert message == expected
    assert branch.secretary.name in message and "2021-01-15" in message
    assert not VisitLog.objects.exists()


def test_a_secretary_cannot_log_a_visit_under_another_branchs_cadre(secretary, world, branch):
    stranger = CadreFactory(organization=world.branch_a2)
    response = post_visit(secretary, branch, cadre=stranger.pk)
    assert response.status_code == 200
    assert field_errors(response, "cadre")
    assert not VisitLog.objects.exists()


def test_the_edit_saves_with_the_version_it_opened(secretary, world, branch):
    visit = visit_record(actor=world.users["secretary_a1"], household_name="王五")
    url = reverse("members:visit-edit", args=[visit.pk])
    form = secretary.get(url).context["form"]
    assert form.initial["version"] == visit.version == 1
    response = secretary.post(
        url,
        {
            "cadre": visit.cadre_id,
            "household_name": "王五",
            "village_group": "三组",
            "visited_on": visit.visited_on.isoformat(),
            "version": 1,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.village_group, visit.version) == ("三组", 2)


def test_a_stale_edit_says_who_changed_the_record_and_changes_nothing(secretary, world, branch):
    visit = visit_record(actor=world.users["secretary_a1"], household_name="王五")
    staff = world.users["staff_a"]
    visit_services.visit_update(actor=staff, visit=visit, expected_version=1, village_group="一组")
    url = reverse("members:visit-edit", args=[visit.pk])
    response = secretary.post(
        url,
        {
            "cadre": visit.cadre_id,
            "household_name": "王五改",
            "village_group": "三组",
            "visited_on": visit.visited_on.isoformat(),
            "version": 1,
        },
    )
    assert response.status_code == 200
    conflict = response.context["conflict"]
    assert (staff.get_full_name() or staff.get_username()) in conflict
    html = response.content.decode()
    assert 'id="conflict-reload"' in html and f'href="{url}"' in html
    visit.refresh_from_db()
    assert (visit.household_name, visit.village_group, visit.version) == ("王五", "一组", 2)


def test_a_visit_of_another_township_answers_404(secretary, world):
    foreign = CadreFactory(organization=world.branch_b1)
    visit = visit_record(actor=world.users["root"], cadre=foreign, household_name="外人")
    assert secretary.get(reverse("members:visit-edit", args=[visit.pk])).status_code == 404
    assert secretary.post(reverse("members:visit-edit", args=[visit.pk]), {}).status_code == 404


def test_a_viewer_has_no_entry_page(client, world):
    logged_in(client, world.users["viewer_a"])
    assert client.get(CREATE).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(CREATE)
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    "name",
    [
        "members:visit-create",
        "members:meeting-create",
        "members:training-create",
        "members:member-create",
        "members:applicant-create",
        "members:cadre-create",
        "members:reservecadre-create",
        "members:studyrecord-create",
        "branches:activityroom-create",
    ],
)
def test_every_entry_page_opens_for_the_secretary_without_inline_script_or_style(secretary, branch, name):
    response = secretary.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html and " onclick=" not in html and "hx-on" not in html
    assert 'id="entry-form"' in html
