"""What the county's yearly policies (quota targets, star-rating bands) share: creating one."""

from branches.models import Organization, SecurityEventKind
from branches.scope.querysets import NOT_ALLOWED, OutOfScope, organization_in_scope
from branches.scope.roles import Capability
from branches.services import security_event_record
from branches.services.writing import save_new


def county_policy_create(actor, model, *, county: Organization, year: int, settings: dict, detail: dict):
    """A new policy of ``model`` for the county and year, by one who sets the county's policy; the security
    log records it with ``detail``."""
    if not organization_in_scope(actor, county, Capability.POLICY):
        raise OutOfScope(NOT_ALLOWED)
    policy = model(county=county, year=year, **settings)
    policy.full_clean()
    save_new(actor, policy)
    kind = SecurityEventKind.POLICY_CHANGED
    security_event_record(kind=kind, user=actor, organization=county, detail=detail)
    return policy
