"""Organization trees of a chosen size for the organization tree page."""

from branches.models import OrganizationKind

from .factories import MemberFactory
from .factories import OrganizationFactory


def township_with_branches(county, code: str, branches: int, members_each: int = 1):
    """A township under ``county`` coded ``code`` with ``branches`` village branches ``<code>-<n>``, each
    with ``members_each`` members on the roll."""
    township = OrganizationFactory(
        name=f"{code}镇党委", code=code, kind=OrganizationKind.TOWNSHIP_COMMITTEE, field="", parent=county
    )
    for number in range(1, branches + 1):
        branch = OrganizationFactory(
            name=f"{code}第{number}村党支部", code=f"{code}-{number}", parent=township
        )
        MemberFactory.create_batch(members_each, branch=branch)
    return township
