"""The permission matrix's rows for the account endpoints beside the router (``partybuild/urls.py``): the
token login, logout and a user's own API tokens. They belong to a user, not to an organization, so the
generated matrix (test_permission_matrix.py) does not reach them; the same roles of the two-county world
get the same kind of row here: anonymous refused, every role sees and revokes only its own tokens, another
user's token answers 404 exactly like a missing one and keeps working."""

import pytest
from django.urls import reverse
from knox.models import AuthToken

from .test_permission_matrix import ANONYMOUS
from .test_permission_matrix import REFUSED_ANONYMOUS
from .test_permission_matrix import ROLES

pytestmark = pytest.mark.django_db

USERS = [who for who in ROLES if who is not ANONYMOUS]
ACCOUNT_ENDPOINTS = {"api-token", "api-logout", "api-token-list", "api-token-detail"}


def test_anonymous_is_refused_everywhere_but_the_login(world):
    client = world.client(ANONYMOUS)
    _row, _token = AuthToken.objects.create(user=world.users["staff_a"])
    assert client.get(reverse("api-token-list")).status_code in REFUSED_ANONYMOUS
    assert client.delete(reverse("api-token-detail", args=[_row.pk])).status_code in REFUSED_ANONYMOUS
    assert client.post(reverse("api-logout")).status_code in REFUSED_ANONYMOUS
    assert AuthToken.objects.filter(pk=_row.pk).exists()


@pytest.mark.parametrize("who", USERS)
def test_each_role_lists_and_revokes_only_its_own_tokens(world, who):
    tokens = {name: AuthToken.objects.create(user=world.users[name])[0] for name in USERS}
    client = world.client(who)
    listed = {row["id"] for row in client.get(reverse("api-token-list")).json()["results"]}
    assert listed == {tokens[who].pk}
    for other in USERS:
        if other == who:
            continue
        response = client.delete(reverse("api-token-detail", args=[tokens[other].pk]))
        assert response.status_code == 404, other
        assert AuthToken.objects.filter(pk=tokens[other].pk).exists()
    assert client.delete(reverse("api-token-detail", args=["0" * 128])).status_code == 404
    assert client.delete(reverse("api-token-detail", args=[tokens[who].pk])).status_code == 204
    assert not AuthToken.objects.filter(pk=tokens[who].pk).exists()


def test_the_rows_cover_every_account_endpoint():
    from partybuild import urls

    named = {pattern.name for pattern in urls.urlpatterns if str(pattern.pattern).startswith("api/v1/auth/")}
    assert named == ACCOUNT_ENDPOINTS
