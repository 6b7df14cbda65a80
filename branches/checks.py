"""System checks of the organizations app, run by ``manage.py check``, ``migrate`` and every other command.

Registered when ``BranchesConfig.ready`` imports this module.
"""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from .services.accounts import demo_accounts_with_demo_password


@checks.register(checks.Tags.security)
def demo_accounts_in_production(app_configs=None, **kwargs):
    """In production no demo login may still accept its published password (an error blocks migrate,
    check --deploy and every management command until the password is changed or the user removed)."""
    if not getattr(settings, "PRODUCTION", False):
        return []

    try:
        usernames = demo_accounts_with_demo_password()
    except DatabaseError:  # no database yet (first deployment, before migrate): nothing to refuse
        return []
    return [
        checks.Error(
            f"The demo login {username!r} still has its published demo password.",
            hint="Change its password (manage.py changepassword) or delete the user.",
            id="branches.E001",
        )
        for username in usernames
    ]
