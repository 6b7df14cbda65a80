"""Placeholder until this module's endpoints land."""


def register(router):
    return None


# django.urls.path() entries served under /api/v1/; each needs an OrganizationParamScopeSuite.
paths = []
