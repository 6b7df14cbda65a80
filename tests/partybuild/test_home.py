"""The home page by role."""

from django.test import Client
from django.urls import NoReverseMatch
from django.urls import reverse
from django.utils import timezone

from assessments.models import AlertKind
from tests.utils.factories_dashboard import publish


def home(world, who):
    client = Client()
    client.force_login(world.users[who])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, response.content.decode()


def dashboard_url(organization) -> str:
    return reverse("assessments:dashboard", args=[organization.pk])


def resolves(name, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def test_county_admin_sees_the_county_dashboard_and_open_alerts(world):
    year = timezone.localdate().year
    publish(world.township_a, [], year=year, alerts=[(world.branch_a1, AlertKind.NO_YOUNG_RESERVE)])
    publish(world.township_z, [], year=year, alerts=[(world.branch_z1, AlertKind.NO_YOUNG_RESERVE)])
    response, html = home(world, "county_admin")
    assert dashboard_url(world.county) in html
    assert response.context["alert_count"] == 1  # the other county's alert stays out
    assert world.branch_a1.name in html and world.branch_z1.name not in html
    assert 'id="record-visit"' not in html


def test_township_staff_see_their_township_dashboard(world):
    _response, html = home(world, "staff_a")
    assert dashboard_url(world.township_a) in html
    assert dashboard_url(world.county) not in html
    assert 'id="home-alerts"' in html


def test_branch_secretary_gets_the_branch_page_and_the_visit_button_when_they_exist(world):
    response, html = home(world, "secretary_a1")
    branch_page = resolves("assessments:branch-page", world.branch_a1.pk)
    visit_create = resolves("members:visit-create")
    assert (branch_page is not None) == (f'href="{branch_page}"' in html)
    assert (visit_create is not None) == ('id="record-visit"' in html)
    assert dashboard_url(world.branch_a1) in html
    assert dashboard_url(world.township_a) not in html
    assert 'id="home-alerts"' not in html
    assert response.context["branches"] == [world.branch_a1]


def test_viewer_gets_the_dashboards_read_only(world):
    response, html = home(world, "viewer_a")
    assert dashboard_url(world.township_a) in html
    assert response.context["dashboards"][0]["read_only"] is True
    assert 'id="home-alerts"' not in html


def test_user_without_role_is_told_to_ask_for_one(world):
    response, html = home(world, "nobody")
    assert response.context["dashboards"] == [] and response.context["branches"] == []
    assert 'id="roles"' not in html


def test_the_shell_links_only_pages_that_exist(world):
    _response, html = home(world, "staff_a")
    assert reverse("password_change") in html
    assert reverse("assessments:quota-run-list") in html
    for name in ("members:member-list", "members:visit-list", "branches:activityroom-list"):
        url = resolves(name)
        assert url is None or url in html


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get("/")
    assert response.status_code == 302
