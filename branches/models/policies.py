"""The abstract base of what a county party committee sets for its county: quota and rating policies, the
joint evaluation cycle, the security policy."""

from django.db import models

from ..scope.roles import Capability
from .bases import ScopedRecord
from .tree import OrganizationKind


class CountyPolicy(ScopedRecord):
    """Settings of one county (its ``county`` key), written with the policy capability."""

    scope_path_lookup = "county__path"
    scope_write_capability = Capability.POLICY

    class Meta:
        abstract = True

    def county_errors(self, message) -> dict:
        """``{"county": message}`` when the county chosen is not a county party committee."""
        if self.county_id and self.county.kind != OrganizationKind.COUNTY_COMMITTEE:
            return {"county": message}
        return {}


class CountyYearPolicy(CountyPolicy):
    """Settings a county sets for each year (its ``county`` and ``year``): one a year, the latest first."""

    class Meta:
        abstract = True
        ordering = ["county__path", "-year"]

    def __str__(self):
        return f"{self.county} {self.year}"


def one_per_county_year(name: str) -> models.UniqueConstraint:
    """The constraint of a ``CountyYearPolicy``: one for a county and a year."""
    return models.UniqueConstraint(fields=["county", "year"], name=name)
