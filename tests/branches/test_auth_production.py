"""No default accounts in production: demo logins with their published password fail the checks, and
seed_demo refuses to run under production settings."""

import pytest
from django.core.management import CommandError
from django.core.management import call_command

from branches.checks import demo_accounts_in_production
from demo.logins import DEMO_LOGINS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_login(django_user_model):
    login = DEMO_LOGINS[0]
    return login, django_user_model.objects.create_user(login.username, password=login.password)


def test_demo_password_is_an_error_in_production(settings, demo_login):
    settings.PRODUCTION = True
    errors = demo_accounts_in_production()
    assert [error.id for error in errors] == ["branches.E001"]
    assert demo_login[0].username in errors[0].msg


def test_changed_demo_password_passes(settings, demo_login):
    settings.PRODUCTION = True
    _login, user = demo_login
    user.set_password("Another-pass-5")
    user.save()
    assert demo_accounts_in_production() == []


def test_not_checked_outside_production(settings, demo_login):
    settings.PRODUCTION = False
    assert demo_accounts_in_production() == []


def test_seed_demo_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo", members=10)
    from branches.models import Organization

    assert not Organization.objects.exists()
