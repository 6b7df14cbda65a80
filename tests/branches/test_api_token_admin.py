"""The admin lists and revokes API tokens but cannot make one: tokens come only from the token login."""

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_revokes_tokens_but_cannot_add_one(world):
    row, _token = AuthToken.objects.create(user=world.users["staff_a"])
    admin = Client()
    admin.force_login(world.users["root"])
    assert admin.get(reverse("admin:knox_authtoken_changelist")).status_code == 200
    assert admin.get(reverse("admin:knox_authtoken_add")).status_code == 403
    response = admin.post(reverse("admin:knox_authtoken_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not AuthToken.objects.filter(pk=row.pk).exists()
