"""Template context for the site shell (templates/base.html). To be listed in TEMPLATES' context_processors
as "branches.scope.navigation.navigation"; without it the shell simply hides the links it gates."""

from django.utils.functional import SimpleLazyObject

from branches.scope.querysets import scope_paths
from branches.scope.roles import Capability


def navigation(request):
    """``nav_is_county_admin``: whether the security-audit link is shown. Lazy: no query unless the
    template asks, and the answer reuses the user's cached scope (one query per request at most)."""

    def is_county_admin() -> bool:

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        return scope_paths(user, Capability.STAFF) != []

    return {"nav_is_county_admin": SimpleLazyObject(is_county_admin)}
