"""Serializer fields with no knowledge of the apps."""

import functools

from rest_framework import serializers


@functools.cache
def _labels(model_field) -> dict:
    return dict(model_field.flatchoices)


class ChoiceLabelField(serializers.CharField):
    """The label of a choices field, in the request's language: ``ChoiceLabelField("education")``, or a
    dotted path such as ``"cadre.post"``. It reads the label from the field's choices where
    ``CharField(source="get_education_display")`` would have DRF inspect that method's signature for every
    row: a quarter of a member page's time (tests/perf/README.md, the load row)."""

    def __init__(self, source: str, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(source=source, **kwargs)

    def get_attribute(self, instance):
        *path, name = self.source_attrs
        for attribute in path:
            instance = getattr(instance, attribute)
            if instance is None:
                return None
        model_field = instance._meta.get_field(name)
        value = getattr(instance, model_field.attname)
        return _labels(model_field).get(value, value)
