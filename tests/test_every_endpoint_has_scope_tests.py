"""Fails when an endpoint registered on the API router has no ScopeSuite subclass testing it."""

import importlib
import pkgutil

import tests
from partybuild.api import router
from tests.utils.scope import ScopeSuite
from tests.utils.scope_reports import OrganizationParamScopeSuite


def _all_suites(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _all_suites(subclass)


def _import_all_test_modules():
    for module in pkgutil.walk_packages(tests.__path__, prefix="tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_") and ".e2e." not in module.name:
            importlib.import_module(module.name)


def test_every_router_endpoint_has_a_scope_suite():
    _import_all_test_modules()
    tested = {suite.basename for suite in _all_suites(ScopeSuite) if suite.basename}
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

    _import_all_test_modules()
    tested = {suite.url_name for suite in _all_suites(OrganizationParamScopeSuite) if suite.url_name}
    missing = sorted({route.name for route in paths} - tested)
    assert not missing, f"endpoints without an OrganizationParamScopeSuite subclass: {missing}"
