"""A new password may not repeat any of the last 5 (the current one included) nor contain the username."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from branches.models import PasswordHistory

pytestmark = pytest.mark.django_db

FIRST = "Secret-pass-1"  # the world's password
LATER = ["Later-pass-A1", "Later-pass-B2", "Later-pass-C3", "Later-pass-D4", "Later-pass-E5"]


def codes(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def change(user, password):
    validate_password(password, user)
    user.set_password(password)
    user.save()


@pytest.fixture(autouse=True)
def _first_password_recorded(world):
    """The world's users are stored with a ready hash (tests/utils/factories.py); here staff_a's password
    is set the way an account's is, through ``set_password``, so the history holds it."""
    user = world.users["staff_a"]
    user.set_password(FIRST)
    user.save()


def test_the_current_password_is_refused(world):
    assert "password_reused" in codes(FIRST, world.users["staff_a"])


def test_the_fifth_previous_password_is_refused_and_the_sixth_accepted(world):
    user = world.users["staff_a"]
    for password in LATER:
        change(user, password)
    # Newest first: E5 (current), D4, C3, B2, A1 are the last five; FIRST is the sixth.
    assert "password_reused" in codes(LATER[0], user)
    assert "password_reused" not in codes(FIRST, user)
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_a_reused_password_is_refused_in_the_browser(world):
    user = world.users["staff_a"]
    change(user, LATER[0])
    browser = Client()
    browser.force_login(user)
    response = browser.post(
        reverse("password_change"),
        {"old_password": LATER[0], "new_password1": FIRST, "new_password2": FIRST},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(LATER[0])


def test_the_username_with_a_suffix_is_refused_in_any_case(world):
    user = world.users["staff_a"]
    assert "password_has_username" in codes("staff_a2026!", user)
    assert "password_has_username" in codes("Pre-STAFF_A-x9", user)
    assert "password_has_username" not in codes("Stafa-pass-99", user)


def test_a_username_shorter_than_three_characters_is_left_to_the_similarity_rule(world):
    user = world.users["staff_a"]
    user.username = "ab"
    assert "password_has_username" not in codes("Xab-pass-2026", user)
    user.username = "abc"
    assert "password_has_username" in codes("Xabc-pass-2026", user)
