"""The token endpoint is one more way in: its failures count with the browser's toward the same lockout
(5 per username and address), a locked user gets no token, and each answer is a security event."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from branches.lockout import lockout_message
from branches.models import SecurityEvent
from branches.models import SecurityEventKind

pytestmark = pytest.mark.django_db

RIGHT = "Secret-pass-1"
ADDRESS = "10.9.0.1"


def token_request(password, username="staff_a", address=ADDRESS):
    return APIClient(REMOTE_ADDR=address).post(
        reverse("api-token"), {"username": username, "password": password}, format="json"
    )


def browser_attempt(password, username="staff_a", address=ADDRESS):
    return Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password})


def in_chinese(text_of) -> str:
    with translation.override("zh-hans"):
        return text_of()


def test_four_failed_token_requests_still_let_the_right_password_in(world):
    for _ in range(4):
        assert token_request("wrong-password").status_code == 400
    response = token_request(RIGHT)
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_fifth_failed_token_request_locks_and_the_sixth_is_refused_even_with_the_right_password(world):
    for _ in range(4):
        token_request("wrong-password")
    fifth = token_request("wrong-password")
    assert fifth.status_code == 429
    sixth = token_request(RIGHT)
    assert sixth.status_code == 429
    assert "token" not in sixth.json()
    assert sixth.json()["detail"] == in_chinese(lockout_message)


def test_failures_in_the_browser_and_on_the_token_endpoint_count_together(world):
    for _ in range(2):
        browser_attempt("wrong-password")
    for _ in range(2):
        token_request("wrong-password")
    assert browser_attempt("wrong-password").status_code == 429  # the fifth, in the browser
    assert token_request(RIGHT).status_code == 429
    assert browser_attempt(RIGHT).status_code == 429


def test_a_user_locked_in_the_browser_gets_no_token(world):
    for _ in range(5):
        browser_attempt("wrong-password")
    assert token_request(RIGHT).status_code == 429


def test_the_lockout_is_per_address_on_the_token_endpoint_too(world):
    for _ in range(5):
        token_request("wrong-password")
    assert token_request(RIGHT, address="10.9.0.2").status_code == 200


def test_token_login_failure_and_lockout_are_security_events(world):
    token_request(RIGHT)
    login = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN, username="staff_a")
    assert login.detail == {"via": "api_token"}
    assert login.ip_address == ADDRESS
    for _ in range(5):
        token_request("wrong-password")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED, username="staff_a").count() == 5
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT, username="staff_a").exists()


def test_a_token_login_does_not_log_the_browser_in(world):
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.post(reverse("api-token"), {"username": "staff_a", "password": RIGHT}, format="json")
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_answers_in_the_interface_language_and_never_a_500(world):
    response = token_request("wrong-password")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert token_request("x" * 5000).status_code == 400
    assert APIClient(REMOTE_ADDR=ADDRESS).post(reverse("api-token"), {}, format="json").status_code == 400


def test_the_throttle_answers_in_chinese(world):
    client = APIClient(REMOTE_ADDR="10.9.0.9")
    responses = [
        client.post(reverse("api-token"), {"username": f"u{i}", "password": "x"}, format="json")
        for i in range(21)
    ]
    throttled = responses[-1]
    assert throttled.status_code == 429
    assert "请求" in throttled.json()["detail"]
