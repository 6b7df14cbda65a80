"""Reading API answers, and writing import files shaped by an endpoint's own template, in tests."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def result_ids(response) -> set:
    """The ids on a list answer's page, which must be a 200."""
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def post_import_file(client, basename: str, name: str, body: bytes, dry_run, *, content_type="text/plain"):
    """POST ``body``, a file called ``name``, to the endpoint's import action; ``dry_run`` is "true" or
    "false", as the form sends it."""
    upload = SimpleUploadedFile(name, body, content_type=content_type)
    return client.post(
        reverse(f"{basename}-import"), {"file": upload, "dry_run": dry_run}, format="multipart"
    )


def template_header(client, basename: str) -> list[str]:
    """The columns of the csv import template of the ``basename`` endpoint, in order."""
    template = client.get(reverse(f"{basename}-import-template"), {"file_format": "csv"})
    assert template.status_code == 200
    return b"".join(template.streaming_content).decode("utf-8-sig").splitlines()[0].split(",")


def template_csv(client, basename: str, rows) -> str:
    """``rows`` (dicts of column -> value) as csv text in the columns of the endpoint's own template."""
    header = template_header(client, basename)
    lines = [",".join(header)] + [",".join(row.get(column, "") for column in header) for row in rows]
    return "\n".join(lines) + "\n"


def patch_back_masked_phone(client, url: str, note: str) -> None:
    """Reads the record at ``url`` and patches it with the (masked) phone it read and a new ``note``."""
    read = client.get(url).json()
    response = client.patch(url, {"phone": read["phone"], "note": note}, format="json")
    assert response.status_code == 200, response.content


def assert_action_hidden(client, route: str, record, data) -> None:
    """POSTing ``data`` to the action ``route`` of ``record`` answers 404: the record is out of the client's
    scope, so the action does not show it exists."""
    assert client.post(reverse(route, args=[record.pk]), data).status_code == 404
