"""The schema and Swagger UI are for logged-in users (docs/security.md); the new auth endpoints are in it."""

import pytest
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.test import APIClient

from partybuild import schema_view
from partybuild.api import router

pytestmark = pytest.mark.django_db


def test_the_schema_refuses_anonymous_callers():
    assert APIClient().get(reverse("schema")).status_code in {401, 403}


def test_the_docs_page_sends_anonymous_visitors_to_the_login_page():
    response = Client().get(reverse("swagger-ui"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_token_holder_reads_the_schema_with_the_auth_endpoints_and_the_token_scheme(world):
    _row, token = AuthToken.objects.create(user=world.users["staff_a"])
    response = APIClient().get(
        reverse("schema"), {"format": "json"}, headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/auth/token/"]
    assert "post" in paths["/api/v1/auth/logout/"]
    assert "get" in paths["/api/v1/auth/tokens/"]
    assert "delete" in paths["/api/v1/auth/tokens/{id}/"]
    assert paths["/api/v1/auth/token/"]["post"].get("security") in ([{}], [], None)
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def test_every_endpoint_describes_itself_rather_than_its_base_class():
    """The schema's description of an endpoint is its viewset's docstring, and ``inspect.getdoc`` falls back
    to a base class's: a viewset without its own would show the bases' notes to the API's readers."""
    undescribed = [
        prefix
        for prefix, viewset, _basename in router.registry
        if not (vars(viewset).get("__doc__") or "").strip()
    ]
    assert undescribed == []


def not_found_text(response):
    return response.json()["paths"]["/api/v1/auth/tokens/"]["get"]["responses"]["404"]["description"]


def test_the_schema_is_generated_once_per_language(world, monkeypatch):
    monkeypatch.setattr(schema_view, "_generated", {})
    generated = []
    generate = SchemaGenerator.get_schema
    monkeypatch.setattr(
        SchemaGenerator, "get_schema", lambda *a, **k: generated.append(1) or generate(*a, **k)
    )
    client = APIClient()
    client.force_authenticate(world.users["staff_a"])
    chinese = [client.get(reverse("schema"), {"format": "json", "lang": "zh-hans"}) for _ in range(2)]
    english = client.get(reverse("schema"), {"format": "json", "lang": "en"})
    assert len(generated) == 2
    assert chinese[0].json() == chinese[1].json()
    assert chinese[0].json()["paths"].keys() == english.json()["paths"].keys()
    assert not_found_text(english).startswith("Missing, or outside")
    assert "范围" in not_found_text(chinese[0])
