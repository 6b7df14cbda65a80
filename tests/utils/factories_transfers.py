"""Transfer letters for the tests (docs/transfers.md): one issued out of the county, one received into it."""

import datetime as dt

from members.models import Education
from members.models import LetterDirection
from members.models import MemberCategory
from members.models import Occupation
from members.models import TransferLetter
from members.models.transfers import valid_until
from members.services.register import county_of
from members.services.transfers import letter_issue
from members.services.transfers import letter_receive
from tests.utils.factories import MemberFactory
from tests.utils.factories import id_number_for

ISSUED = dt.date(2026, 3, 2)
PAID_UP_TO = dt.date(2026, 2, 1)


def issue(actor, member, *, issued_on=ISSUED, **data):
    data = {"to_organization_name": "外县某镇某村党支部", "dues_paid_up_to": PAID_UP_TO, **data}
    return letter_issue(actor=actor, member=member, issued_on=issued_on, **data)


_received = iter(range(1, 10**6))


def member_data(**data) -> dict:
    """A new member's record as a received letter carries it: born 1980, joined 2005, full member."""
    n = next(_received)
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=n)
    return {
        "name": f"转入党员{n}",
        "id_number": id_number_for(birth, 2 * n + 1),
        "education": Education.SENIOR_HIGH,
        "category": MemberCategory.FULL,
        "joined_on": dt.date(2005, 7, 1),
        "confirmed_on": dt.date(2006, 7, 1),
        "occupation": Occupation.MIGRANT_WORKER,
        **data,
    }


def receive(actor, branch, *, accepted_on=ISSUED, number=None, **data):
    letter = {
        "number": number or f"外-{next(_received)}",
        "from_organization_name": "外县某村党支部",
        "issued_on": accepted_on - dt.timedelta(days=5),
        "dues_paid_up_to": PAID_UP_TO,
    }
    letter.update({k: data.pop(k) for k in list(data) if k in {*letter, "valid_days", "within_city", "note"}})
    return letter_receive(
        actor=actor, to_organization=branch, accepted_on=accepted_on, **letter, **member_data(**data)
    )


_numbers = iter(range(1, 10**6))


def letter_row(branch, *, member=None, issued_on=ISSUED, valid_days=30, **fields):
    """A letter issued out of the county, saved directly (no service): for list and page tests."""
    member = member or MemberFactory(branch=branch)
    return TransferLetter.objects.create(
        **{
            "county_id": county_of(branch),
            "organization": branch,
            "number": f"T-{next(_numbers)}",
            "direction": LetterDirection.OUT,
            "member": member,
            "from_organization": branch,
            "to_organization_name": "外县某村党支部",
            "issued_on": issued_on,
            "valid_days": valid_days,
            "valid_until": valid_until(issued_on, valid_days),
            "dues_paid_up_to": PAID_UP_TO,
            **fields,
        }
    )
