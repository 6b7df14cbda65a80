"""Assertions the service and admin tests share."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse


@contextmanager
def refused_naming(field: str, name: str):
    """The block must raise a ValidationError whose messages for ``field`` name ``name``."""
    with pytest.raises(ValidationError) as refused:
        yield
    assert name in " ".join(refused.value.message_dict[field])


def assert_admin_pages_open(client, model: str, pk, *, also=()) -> None:
    """The admin's change and history pages of record ``pk`` of ``model`` (``"members_training"``) open, and
    so do the model's pages named in ``also`` (``"changelist"``, ``"add"``)."""
    for name in ("change", "history"):
        assert client.get(reverse(f"admin:{model}_{name}", args=[pk])).status_code == 200
    for name in also:
        assert client.get(reverse(f"admin:{model}_{name}")).status_code == 200


def assert_changelist_scoped(world, model: str, record, *, own: str, foreign: str) -> None:
    """staff_a's admin changelist of ``model`` (``"members_cadre"``) lists the record that
    ``record(organization, label)`` makes in branch A1 labelled ``own``, and not the one it makes in branch B1
    labelled ``foreign``."""
    record(world.branch_a1, own)
    record(world.branch_b1, foreign)
    html = world.page_client("staff_a").get(reverse(f"admin:{model}_changelist")).content.decode()
    assert own in html and foreign not in html


def admin_saves(client, url: str, data) -> None:
    """Posting ``data`` to the admin form at ``url`` saves it: the admin redirects (the page shows if not)."""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def admin_edits(client, model: str, record, data) -> None:
    """The admin's change page of ``record`` (of ``model``, ``"members_cadre"``) opens, and posting ``data``
    to it saves the record as its next version; ``record`` is read again."""
    url = reverse(f"admin:{model}_change", args=[record.pk])
    assert client.get(url).status_code == 200
    version = record.version
    admin_saves(client, url, data)
    record.refresh_from_db()
    assert record.version == version + 1


def admin_refuses(client, url: str, data, shown: str) -> None:
    """Posting ``data`` to the admin form at ``url`` does not save: the form comes back showing ``shown``."""
    response = client.post(url, data)
    assert response.status_code == 200
    assert shown in response.content.decode()
