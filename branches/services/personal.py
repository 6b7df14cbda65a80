"""Unmasking: the full personal fields of one record, for a user holding ``unmask`` there; always logged."""

from django.utils.translation import gettext_lazy as _

from ..models import SecurityEventKind
from ..personal import organization_of
from ..personal import personal_fields
from ..scope.querysets import OutOfScope
from ..scope.querysets import organization_in_scope
from ..scope.roles import Capability
from .tree import security_event_record

NOT_YOURS = _("You are not allowed to see this record's personal data in full.")


def personal_data_unmask(*, actor, record, ip_address=None) -> dict:
    fields = sorted(personal_fields(type(record)))
    organization = organization_of(record)
    if organization is None or not organization_in_scope(actor, organization, Capability.UNMASK):
        raise OutOfScope(NOT_YOURS)
    security_event_record(
        kind=SecurityEventKind.UNMASK,
        user=actor,
        organization=organization,
        ip_address=ip_address,
        detail={"model": record._meta.label_lower, "record": record.pk, "fields": fields},
    )
    return {"id": record.pk, "fields": {name: getattr(record, name) or "" for name in fields}}
