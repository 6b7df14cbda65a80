"""The branch field of the members' entry forms (a member's, an applicant's, a meeting's, a month of dues, a
letter received)."""

from branches.forms import BRANCH_RECORDS_SOURCE
from branches.forms import hide_single_choice
from branches.forms import limit_organization_field
from branches.forms import records_organizations
from branches.models import BRANCH_KINDS


def offer_branches(form, name: str, user, *, current=None) -> None:
    """Field ``name`` offers the branches ``user`` enters records for (and the record's ``current`` one)
    through the branch picker; a single one is preset and hidden (branches/forms.py)."""
    limit_organization_field(
        form.fields[name],
        records_organizations(user, kinds=BRANCH_KINDS),
        current=current,
        source=BRANCH_RECORDS_SOURCE,
    )
    hide_single_choice(form, name)
