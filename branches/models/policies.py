"""The abstract base of what a county party committee sets for its county: quota and rating policies, the
joint evaluation cycle, the security policy."""

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
