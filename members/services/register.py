"""The county's register of transfer letters (docs/transfers.md, "Numbers"): numbering, the uniqueness of a
number as a message, and the letter a transfer between two branches records (``member_transfer``)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from branches.services.writing import save_new

from ..models import LetterDirection
from ..models import LetterStatus
from ..models import MemberEvent
from ..models import TransferLetter
from ..models.transfers import default_valid_days

NUMBER_TAKEN = _("Letter number %(number)s is already in the county's register.")


def county_of(organization) -> int:
    return int(organization.path.strip("/").split("/")[0])


def next_letter_number(county_id: int, year: int) -> str:
    """The next free number of the county's register for ``year``: ``2026-001``, ``2026-002``…"""
    taken = set(
        TransferLetter.objects.filter(county_id=county_id, number__startswith=f"{year}-")
        .exclude(direction=LetterDirection.IN)
        .values_list("number", flat=True)
    )
    n = len(taken) + 1
    while f"{year}-{n:03d}" in taken:
        n += 1
    return f"{year}-{n:03d}"


def check_number(letter: TransferLetter) -> None:
    """The register's uniqueness as a message, before the database constraint would answer it."""
    same = TransferLetter.objects.filter(county_id=letter.county_id, number=letter.number)
    if letter.direction == LetterDirection.IN:
        same = same.filter(direction=LetterDirection.IN, from_organization_name=letter.from_organization_name)
    else:
        same = same.exclude(direction=LetterDirection.IN)
    if same.exclude(pk=letter.pk).exists():
        raise ValidationError({"number": NUMBER_TAKEN % {"number": letter.number}})


def save_letter(actor, letter: TransferLetter) -> TransferLetter:
    letter.full_clean(validate_constraints=False)
    check_number(letter)
    return save_new(actor, letter)


def letter_for_transfer(*, actor, event: MemberEvent, number: str) -> TransferLetter:
    """The letter of a transfer between two branches of the county (``member_transfer`` with a number):
    issued and confirmed on the transfer's day, linked to its event."""
    county_id = county_of(event.from_branch)
    letter = TransferLetter(
        county_id=county_id,
        organization=event.from_branch,
        number=number.strip(),
        direction=LetterDirection.WITHIN,
        member=event.member,
        from_organization=event.from_branch,
        to_organization=event.to_branch,
        within_city=True,
        issued_on=event.occurred_on,
        valid_days=default_valid_days(True),
        status=LetterStatus.CONFIRMED,
        confirmed_on=event.occurred_on,
        confirmed_by=actor,
        recorded_by=actor,
        event=event,
    )
    return save_letter(actor, letter)
