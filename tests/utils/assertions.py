"""Assertions the service tests share."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError


@contextmanager
def refused_naming(field: str, name: str):
    """The block must raise a ValidationError whose messages for ``field`` name ``name``."""
    with pytest.raises(ValidationError) as refused:
        yield
    assert name in " ".join(refused.value.message_dict[field])
