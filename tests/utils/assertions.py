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
