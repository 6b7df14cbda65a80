"""Password rules (MLPS level 3 practice): at least 3 of the 4 character classes, never the username inside
it, none of the last 5 passwords again.

Length (8), common passwords and similarity to the user's own name are Django's validators, configured next to
these in settings.AUTH_PASSWORD_VALIDATORS. Django calls each validator's ``password_changed`` after every
save of a new password (admin, browser, ``set_password`` anywhere), which is where the history is written.
"""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    """How many of lower-case letters, upper-case letters, digits and symbols ``password`` uses."""
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    symbol = any(not c.isalnum() for c in password)
    return lower + upper + digit + symbol


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "This password mixes too few kinds of characters: use at least %(min)d of lower-case "
                    "letters, upper-case letters, digits and symbols."
                )
                % {"min": self.min_classes},
                code="password_too_few_character_classes",
            )

    def get_help_text(self):
        return _(
            "Your password must use at least %(min)d of: lower-case letters, upper-case letters, digits, "
            "symbols."
        ) % {"min": self.min_classes}


class UsernameInPasswordValidator:
    """Refuses a password that contains the username, in any case (``zhang3`` in ``Zhang3@2026``); usernames
    shorter than ``min_username_length`` are left to the similarity validator."""

    def __init__(self, min_username_length: int = 3):
        self.min_username_length = min_username_length

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if len(username) >= self.min_username_length and username.casefold() in password.casefold():
            raise ValidationError(
                _("The password may not contain the username."), code="password_has_username"
            )

    def get_help_text(self):
        return _("Your password may not contain your username.")


class PasswordHistoryValidator:
    """Refuses any of the user's last ``count`` passwords (the current one included); keeps that many."""

    def __init__(self, count: int = 5):
        self.count = count

    def _recent(self, user):
        from .models import PasswordHistory  # noqa: PLC0415 - validators load before the apps are ready

        return PasswordHistory.objects.filter(user=user)[: self.count]

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = [row.password for row in self._recent(user)] or [user.password]
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                _("This password was one of your last %(count)d passwords: choose a new one.")
                % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        from .models import PasswordHistory  # noqa: PLC0415

        if user is None or user.pk is None or not user.password:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = list(self._recent(user).values_list("pk", flat=True))
        PasswordHistory.objects.filter(user=user).exclude(pk__in=keep).delete()

    def get_help_text(self):
        return _("Your password may not be one of your last %(count)d passwords.") % {"count": self.count}


# The passwords the demo logins are published with (in the README and in what ``manage.py seed_demo``
# prints), by username. The demo data takes them from here; production needs them only to refuse any account
# that still accepts one (the branches.E001 check), and so never has to import the demo itself.
PUBLISHED_DEMO_PASSWORDS = {
    "county": "Demo-2026-Xianwei",
    "township": "Demo-2026-Zhendang",
    "secretary": "Demo-2026-Zhibu",
    "viewer": "Demo-2026-Chakan",
}
