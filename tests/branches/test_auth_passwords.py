"""Passwords: ≥ 8 characters, 3 of 4 character classes, not common, not like the user's name."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from branches.passwords import CharacterClassValidator
from branches.passwords import character_classes


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcdEFGH", 2), ("abcdEF12", 3), ("abCD12!?", 4), ("密码abc123", 2), ("ab 12", 3)],
)
def test_character_classes(password, classes):
    assert character_classes(password) == classes


@pytest.mark.parametrize("password", ["Kq7mPz2w", "kq7m-pz2w", "KQ7M-PZ2W", "Kqmp-zwxy"])
def test_eight_characters_of_three_classes_pass(password):
    validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "Kq7mPz2",  # 7 characters
        "kq7mpz2wx",  # two classes: lower, digit
        "KQMPZWXY!",  # two classes: upper, symbol
        "Password1",  # three classes but common
    ],
)
def test_short_two_class_or_common_passwords_fail(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
def test_password_like_the_username_fails(django_user_model):
    user = django_user_model(username="zhangsanfeng", first_name="三丰")
    with pytest.raises(ValidationError):
        validate_password("Zhangsanfeng1", user=user)


def test_messages_are_translated():
    validator = CharacterClassValidator(min_classes=3)
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            validator.validate("abcdefgh")
        expected = translation.gettext(
            "This password mixes too few kinds of characters: use at least %(min)d of lower-case "
            "letters, upper-case letters, digits and symbols."
        ) % {"min": 3}
        assert error.value.messages == [expected]
        assert any("%(min)d" not in text and "3" in text for text in password_validators_help_texts())
