"""The registry of personal fields (branches/personal): complete, and its masks."""

import pytest
from django.apps import apps

from branches.personal import LOOKS_PERSONAL
from branches.personal import mask
from branches.personal import mask_address
from branches.personal import mask_id_number
from branches.personal import mask_phone
from branches.personal import personal_fields

APPS = ("branches", "members", "assessments")


def _declared(model) -> set:
    return set(personal_fields(model)) | set(getattr(model, "not_personal_fields", {}))


def test_every_field_that_looks_personal_is_registered_or_explained():
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS or hasattr(model, "instance_type"):
            continue  # historical models carry their record's registration
        for field in model._meta.get_fields():
            name = field.name.lower()
            if any(word in name for word in LOOKS_PERSONAL) and field.name not in _declared(model):
                missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, f"register these in personal_fields or not_personal_fields: {missing}"


def test_registered_kinds_are_known_and_fields_exist():
    for model in apps.get_models():
        for name, kind in personal_fields(model).items():
            assert kind in {"id_number", "phone", "address"}
            model._meta.get_field(name)


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("id_number", "11010119900307123X", "110101********123X"),
        ("phone", "13812345678", "138****5678"),
        ("phone", "6612345", "***2345"),
        ("address", "甲县东镇东一村三组十二号院", "甲县东镇东一****"),
    ],
)
def test_masks_keep_only_a_hint(kind, value, masked):
    assert mask(kind, value) == masked
    assert mask(kind, masked) == masked  # masking a masked value changes nothing


def test_empty_values_stay_empty():
    assert mask_id_number("") == mask_phone("") == mask_address("") == ""
    assert mask("phone", None) is None
