"""Every operation of the schema documents the error answers the API's machinery gives whatever the view
(partybuild/api_schema.py), and the downloads name the media types they send."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from partybuild.api_schema import WRITES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_documents_400_401_403_404_and_406_as_json(operations):
    for key, operation in operations.items():
        for code in ("400", "401", "403", "404", "406"):
            assert list(operation["responses"][code]["content"]) == ["application/json"], (key, code)


def test_an_operation_with_a_body_documents_415_and_a_write_409_and_412(operations):
    for (method, path), operation in operations.items():
        responses = operation["responses"]
        assert ("415" in responses) == ("requestBody" in operation), (method, path)
        if method.lower() in WRITES:
            assert {"409", "412"} <= set(responses), (method, path)


def test_only_the_throttled_token_endpoint_documents_429(operations):
    assert [key for key, operation in operations.items() if "429" in operation["responses"]] == [
        ("POST", "/api/v1/auth/token/")
    ]


def test_downloads_name_the_media_types_they_send(operations):
    def media(path):
        return set(operations[("GET", path)]["responses"]["200"]["content"])

    assert media("/api/v1/report-jobs/{id}/download/") == {XLSX, "application/pdf"}
    assert media("/api/v1/export-jobs/{id}/download/") == {XLSX}
    assert "application/pdf" in media("/api/v1/joint-evaluations/statements/{id}/attachment/")
    assert media("/api/v1/members/import-template/") == {XLSX, "text/csv"}
