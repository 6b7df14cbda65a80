"""Reading API answers, and writing import files shaped by an endpoint's own template, in tests."""

from django.urls import reverse


def result_ids(response) -> set:
    """The ids on a list answer's page, which must be a 200."""
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


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
