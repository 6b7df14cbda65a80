"""Session limits (30 idle minutes, 12 hours in all), no-store on personal data, masked log lines."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from partybuild.settings.logfilters import PersonalDataFilter
from partybuild.settings.logfilters import mask_personal_data

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 60 * MINUTE


class Clock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.t = start

    def __call__(self):
        return self.t

    def advance(self, seconds: float):
        self.t += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("branches.middleware.now", clock)
    return clock


def logged_in(username="staff_a") -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": "Secret-pass-1"})
    assert response.status_code == 302
    return client


def test_idle_for_29_minutes_59_seconds_keeps_the_session(world, clock):
    client = logged_in()
    clock.advance(29 * MINUTE + 59)
    assert client.get(reverse("home")).status_code == 200


def test_idle_for_30_minutes_1_second_logs_out_with_a_message(world, clock):
    client = logged_in()
    clock.advance(30 * MINUTE + 1)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "30" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # still logged out
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGOUT).get()
    assert event.detail == {"reason": "idle_timeout"}


def test_activity_moves_the_idle_clock(world, clock):
    client = logged_in()
    for _ in range(4):  # two hours in all, never 30 minutes apart
        clock.advance(29 * MINUTE)
        assert client.get(reverse("home")).status_code == 200


def test_session_ends_after_12_hours_even_with_activity(world, clock):
    client = logged_in()
    for _ in range(11 * 4 + 3):  # 11 h 45 min of activity every 15 minutes
        clock.advance(15 * MINUTE)
        assert client.get(reverse("home")).status_code == 200
    clock.advance(14 * MINUTE + 59)  # 11:59:59 after the login
    assert client.get(reverse("home")).status_code == 200
    clock.advance(2)  # 12:00:01
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert SecurityEvent.objects.get(kind=SecurityEventKind.LOGOUT).detail == {"reason": "absolute_timeout"}


def test_expired_session_on_the_api_answers_401(world, clock):
    client = logged_in()
    assert client.get(reverse("organization-list")).status_code == 200
    clock.advance(30 * MINUTE + 1)
    response = client.get(reverse("organization-list"))
    assert response.status_code == 401
    assert response.json()["detail"]


def test_expired_session_on_an_htmx_request_redirects_the_whole_page(world, clock):
    client = logged_in()
    clock.advance(30 * MINUTE + 1)
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 302 and response["HX-Redirect"].startswith(reverse("login"))


def test_authenticated_responses_are_not_stored(world):
    client = logged_in()
    for url in (reverse("home"), reverse("organization-list"), "/admin/", reverse("branches:audit")):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store, private", url


def test_token_api_responses_are_not_stored(world):
    from knox.models import AuthToken

    _row, token = AuthToken.objects.create(user=world.users["staff_a"])
    response = Client().get(reverse("organization-list"), headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_static_files_stay_cacheable_for_logged_in_users(world):
    response = logged_in().get("/static/css/partybuild.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("id 11010119900307123X done", "id 110101********123X done"),
        ("phone 13812345678.", "phone 138****5678."),
        ("order 1234567890123456789 stays", "order 1234567890123456789 stays"),  # 19 digits: not an ID
        ("landline 02812345678", "landline 02812345678"),  # not a mobile (starts 02)
        ("12345678901", "12345678901"),  # 11 digits starting 12: not a mobile
    ],
)
def test_mask_personal_data(text, masked):
    assert mask_personal_data(text) == masked


def test_log_records_are_masked_including_arguments_and_tracebacks():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "member %s phone %s", ("11010119900307123X", "13812345678"), None
    )
    try:
        raise ValueError("bad id 11010119900307123X")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert PersonalDataFilter().filter(record)
    line = logging.Formatter().format(record)
    assert "11010119900307123X" not in line and "13812345678" not in line
    assert "110101********123X" in line and "138****5678" in line


def test_the_configured_handlers_mask(caplog, capsys):
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["console"]
    assert "personal_data" in handler["filters"]
    logging.getLogger("partybuild.test").error("id %s", "11010119900307123X")
    assert "11010119900307123X" not in capsys.readouterr().err


def test_no_api_filter_or_search_takes_an_id_number_or_phone():
    """ID numbers and phones never travel in a query string: no list filter or search field uses them
    (looking a member up by ID number is POST /members/find-by-id/)."""
    from partybuild.api import router

    offenders = []
    for prefix, viewset, _basename in router.registry:
        names = list(getattr(viewset, "search_fields", None) or [])
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is not None:
            names += [f"{name}:{f.field_name}" for name, f in filterset.base_filters.items()]
        names += list(getattr(viewset, "filterset_fields", None) or [])
        offenders += [f"{prefix}: {name}" for name in names if "id_number" in name or "phone" in name]
    assert offenders == []
