"""Password rule (MLPS level 3 practice): at least 3 of the 4 character classes.

Length (8), common passwords and similarity to the user's own name are Django's validators, configured next to
this one in settings.AUTH_PASSWORD_VALIDATORS.
"""

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


# The passwords the demo logins are published with (in the README and in what ``manage.py seed_demo``
# prints), by username. The demo data takes them from here; production needs them only to refuse any account
# that still accepts one (the branches.E001 check), and so never has to import the demo itself.
PUBLISHED_DEMO_PASSWORDS = {
    "county": "Demo-2026county",
    "township": "Demo-2026township",
    "secretary": "Demo-2026secretary",
    "viewer": "Demo-2026viewer",
}
