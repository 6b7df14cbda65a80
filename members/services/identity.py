"""Whether an ID number is free: the one check every path that registers or changes an ID number calls
(API, pages, admin, imports, pipeline steps).

A number held by a record the actor can see is answered plainly. One held by a record outside the actor's
scope gets exactly the answer an invalid number gets (same field, same message, same code), so nobody can
probe another county's roll, and the attempt is a security event (docs/security.md, "Personal data")."""

from django.core.exceptions import ValidationError

from branches.models import SecurityEventKind
from branches.services import security_event_record_deferred

from .. import idnumbers
from ..models.roster import ID_NUMBER_MESSAGES

# The answer to a number the actor may not learn about: the one an invalid number gets.
REFUSED_CODE = "id_checksum"
REFUSED_MESSAGE = ID_NUMBER_MESSAGES["checksum"]


def refused_error() -> ValidationError:
    return ValidationError(REFUSED_MESSAGE, code=REFUSED_CODE)


def id_numbers_in_use(*, actor, numbers, model, exclude_pk=None, ip_address=None) -> dict[str, bool]:
    """Which of ``numbers`` (normalized) a record of ``model`` already holds, each mapped to whether the actor
    can see that record. Every hidden one is recorded as an ``id_number_refused`` security event, which
    survives the refusal's rollback."""
    numbers = {number for number in numbers if number}
    if not numbers:
        return {}
    held = model._default_manager.filter(id_number__in=numbers)
    if exclude_pk is not None:
        held = held.exclude(pk=exclude_pk)
    taken = set(held.values_list("id_number", flat=True))
    if not taken:
        return {}
    visible = set(
        model._default_manager.restrict(actor, "view")
        .filter(id_number__in=taken)
        .values_list("id_number", flat=True)
    )
    for number in sorted(taken - visible):
        security_event_record_deferred(
            kind=SecurityEventKind.ID_NUMBER_REFUSED,
            user=actor,
            ip_address=ip_address,
            detail={"model": model._meta.label_lower, "id_number": idnumbers.mask(number)},
        )
    return {number: number in visible for number in taken}


def id_number_check(*, actor, id_number, models, exclude=None, visible_messages=None) -> None:
    """Raise a ValidationError on ``id_number`` when a record of one of ``models`` holds the number.

    ``exclude`` is the record being edited (it may keep its own number); ``visible_messages`` maps a model to
    the message for a duplicate the actor can see (default: Django's "… already exists"). An invalid number
    is left to the model's own validation."""
    try:
        number = idnumbers.parse(id_number)
    except idnumbers.IdNumberError:
        return
    for model in models:
        exclude_pk = exclude.pk if exclude is not None and isinstance(exclude, model) else None
        in_use = id_numbers_in_use(actor=actor, numbers=[number], model=model, exclude_pk=exclude_pk)
        if number not in in_use:
            continue
        if not in_use[number]:
            raise ValidationError({"id_number": refused_error()})
        message = (visible_messages or {}).get(model) or model(id_number=number).unique_error_message(
            model, ["id_number"]
        )
        raise ValidationError({"id_number": message})
