"""What the list pages of every app share on ``branches.scope.columns.Column``: the responsive cell classes
and the column of the organization a row belongs to."""

from django.utils.translation import gettext_lazy as _

from ..scope.columns import Column

PHONE_ONLY_WIDE = "d-none d-md-table-cell"  # hidden on phones
DESKTOP_ONLY = "d-none d-lg-table-cell"  # shown on desktops only
ORGANIZATION = _("organization")


def organization_column(label=ORGANIZATION, key: str = "organization", **options) -> Column:
    """The organization under ``key`` (its name), sorted in tree order."""
    return Column(key, label, f"{key}.name", sort=f"{key}__path", **options)
