"""A new record once per idempotency key (docs/offline.md, "Sent once"): the entry pages and the API's
create endpoints both call ``create_once``, so a phone's queue sent twice — or twice at the same moment —
leaves one record and both answers name it."""

import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{8,64}")

MESSAGES = {
    "malformed": _("The idempotency key must be 8 to 64 letters, digits or the signs - _ . :"),
    "other_kind": _("This idempotency key was already used for another kind of record."),
    "gone": _("This entry was received before, but the record it created is no longer there."),
}


def requested_key(headers, data=None) -> str | None:
    """The key a request carries in its ``Idempotency-Key`` header (or, from a browser form, the hidden
    ``idempotency_key`` field); None without one. A malformed key is refused."""
    key = headers.get(HEADER) or (data.get(FIELD) if data is not None else None)
    if not key:
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise ValidationError({FIELD: MESSAGES["malformed"]})
    return key


def sent_before(actor, key: str | None, model):
    """The ``model`` record ``actor`` created earlier under ``key``, or None when the key is new."""
    if key is None:
        return None
    claim = IdempotencyKey.objects.filter(user=actor, key=key).select_related("content_type").first()
    if claim is None:
        return None
    if claim.content_type is None or claim.content_type.model_class() is not model:
        raise ValidationError({FIELD: MESSAGES["other_kind"]})
    record = model.objects.restrict(actor, "view").filter(pk=claim.object_id).first()
    if record is None:
        raise ValidationError({FIELD: MESSAGES["gone"]})
    return record


def create_once(*, actor, key: str | None, model, create):
    """``create()`` once per (actor, key): (record, True) the first time, (that record, False) on a repeat.

    The key is claimed before the record is written: a concurrent repeat waits on the unique constraint
    until the first commits, then finds its record; a failed ``create()`` rolls the claim back with it."""
    if key is None:
        return create(), True
    if (record := sent_before(actor, key, model)) is not None:
        return record, False
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(user=actor, key=key)
        except IntegrityError:
            return sent_before(actor, key, model), False
        record = create()
        claim.content_type = ContentType.objects.get_for_model(record)
        claim.object_id = record.pk
        claim.save(update_fields=["content_type", "object_id"])
    return record, True
