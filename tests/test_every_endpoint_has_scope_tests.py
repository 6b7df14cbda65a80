"""Fails when an endpoint registered on the API router has no ScopeSuite subclass testing it."""

from partybuild.api import router
from tests.utils.scope import ScopeSuite
from tests.utils.scope import subclasses_in_test_modules
from tests.utils.scope_reports import OrganizationParamScopeSuite


def test_every_router_endpoint_has_a_scope_suite():
    tested = {suite.basename for suite in subclasses_in_test_modules(ScopeSuite) if suite.basename}
    registered = {basename for _prefix, _viewset, basename in router.registry}
    assert registered, "the router has no endpoints"
    missing = sorted(registered - tested)
    assert not missing, f"endpoints without a ScopeSuite subclass: {missing}"


def test_every_router_endpoint_is_scoped():
    """Each registered viewset builds on the scoped queryset mixin, so restrict() runs on every read."""
    from branches.scope.viewsets import ScopedQuerysetMixin

    unscoped = [
        prefix for prefix, viewset, _ in router.registry if not issubclass(viewset, ScopedQuerysetMixin)
    ]
    assert not unscoped


def test_every_organization_parameter_endpoint_has_a_scope_suite():
    """Dashboards and reports live beside the router (``partybuild.api.paths``); each needs its suite."""
    from partybuild.api import paths

    suites = subclasses_in_test_modules(OrganizationParamScopeSuite)
    tested = {suite.url_name for suite in suites if suite.url_name}
    missing = sorted({route.name for route in paths} - tested)
    assert not missing, f"endpoints without an OrganizationParamScopeSuite subclass: {missing}"
