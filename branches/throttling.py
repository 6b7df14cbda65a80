"""One rate limit on logging in from an address, shared by every way in: the login page, the admin's login
and the API token endpoint (settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]). The address is
partybuild.http.client_ip, as for the lockout: DRF's own reading trusts any X-Forwarded-For a caller sends."""

from django.shortcuts import render
from django.urls import Resolver404
from django.urls import resolve
from django.utils.translation import gettext as _
from rest_framework.throttling import ScopedRateThrottle

from partybuild.http import client_ip

from .middleware import is_api

LOGIN_SCOPE = "login"
LOGIN_PAGES = frozenset({("", "login"), ("admin", "login")})


class LoginRateThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"

    def get_ident(self, request):
        return client_ip(request) or ""


class _LoginView:
    throttle_scope = LOGIN_SCOPE


def throttled_message(wait) -> str:
    return _("Too many login attempts from this address: try again in %(seconds)d seconds.") % {
        "seconds": int(wait or 0) + 1
    }


class LoginThrottleMiddleware:
    """Counts each POST to the login page and the admin's login against the address's login rate; over it,
    429 with the site's page (the API token endpoint counts through its throttle class)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not is_api(request) and self.is_login(request):
            throttle = LoginRateThrottle()
            if not throttle.allow_request(request, _LoginView()):
                message = throttled_message(throttle.wait())
                return render(request, "errors/throttled.html", {"message": message}, status=429)
        return self.get_response(request)

    @staticmethod
    def is_login(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return (match.namespace, match.url_name) in LOGIN_PAGES
