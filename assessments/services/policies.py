"""What the county's yearly policies (quota targets, star-rating bands) share: creating and changing one."""

from branches.models import Organization
from branches.models import SecurityEventKind
from branches.scope.editing import scoped_update
from branches.scope.querysets import NOT_ALLOWED
from branches.scope.querysets import OutOfScope
from branches.scope.querysets import organization_in_scope
from branches.scope.roles import Capability
from branches.services import security_event_record
from branches.services.writing import save_new
from partybuild.versioning import differences
from partybuild.versioning import refuse_moves

# What a policy is for: fixed once it is created.
FIXED_FIELDS = ("county", "year")


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


def county_policy_update(
    actor, policy, expected_version, precondition, changes: dict, *, detail: dict, moves_message=None
):
    """Change a policy's settings; the security log records what changed, after ``detail``. A new county or
    year is refused with ``moves_message``, or without one left out (sent along, they are ignored)."""
    changed = {}

    def prepare(policy, changes):
        if moves_message is not None:
            refuse_moves(policy, changes, FIXED_FIELDS, moves_message)
        changes = {field: value for field, value in changes.items() if field not in FIXED_FIELDS}
        changed.update(differences(policy, changes))
        return changes

    def after_save(policy):
        event_detail = {**detail, "year": policy.year, "changed": changed}
        security_event_record(
            kind=SecurityEventKind.POLICY_CHANGED, user=actor, organization=policy.county, detail=event_detail
        )

    return scoped_update(
        actor, policy, expected_version, precondition, changes, prepare=prepare, after_save=after_save
    )
