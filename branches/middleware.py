"""The request gate: session time limits and the account gate (first-login password change, second factor).

Session state lives in the session itself (no extra query per request): the login time, the last activity
(written at most once a minute) and a cached account-gate decision re-read every
``settings.ACCOUNT_GATE_RECHECK``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404
from django.urls import resolve
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.services import account_gate_state
from branches.services import security_events_flush

AUTH_AT = "pb_auth_at"
SEEN_AT = "pb_seen_at"
GATE = "pb_gate"
LOGOUT_REASON = "_pb_logout_reason"
# Set on the request by the API token login (branches/api/tokens.py): recorded as a login, starts no session.
TOKEN_LOGIN = "_pb_token_login"  # noqa: S105 - an attribute name, not a secret
# The last activity is written at most once a minute: a session may end up to a minute early, never late.
SEEN_GRANULARITY = 60

API_PREFIX = "/api/"
UNGATED_PREFIXES = ("/static/", "/media/", "/i18n/", "/sw.js")
# Pages a user held at the gate may still reach: logging in and out, changing the password, the
# second-factor steps and the language switch.
UNGATED_URL_NAMES = frozenset(
    {"login", "logout", "password_change", "password_change_done", "otp-verify", "otp-enrol", "otp-qr"}
)

MUST_CHANGE_PASSWORD = gettext_lazy(
    "Your account was created by an administrator: choose your own password before continuing."
)
ENROL_SECOND_FACTOR = gettext_lazy(
    "Your county requires administrators to use a second factor: set up an authenticator app."
)
VERIFY_SECOND_FACTOR = gettext_lazy("Enter the code from your authenticator app to continue.")


def now() -> float:
    """Seconds since the epoch; tests move the clock by patching this function."""
    return timezone.now().timestamp()


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def record_login(request) -> None:
    """Called on login (branches.signals): starts both clocks and computes the gate decision."""
    session = getattr(request, "session", None)
    if session is None:
        return
    moment = now()
    session[AUTH_AT] = moment
    session[SEEN_AT] = moment
    session.pop(GATE, None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        refresh_gate(request, user)


def refresh_gate(request, user) -> dict:

    state = {**account_gate_state(user), "at": now()}
    request.session[GATE] = state
    return state


def _gate_state(request, user) -> dict:
    state = request.session.get(GATE)
    if state is None or now() - state.get("at", 0) > settings.ACCOUNT_GATE_RECHECK.total_seconds():
        state = refresh_gate(request, user)
    return state


def _for_htmx(request, response):
    """An htmx request follows a redirect inside its target; HX-Redirect makes the browser go there."""
    if request.headers.get("HX-Request") and response.status_code in (301, 302):
        response["HX-Redirect"] = response["Location"]
    return response


def _refuse(request, message: str, status: int, redirect_to):
    if is_api(request):
        return JsonResponse({"detail": message}, status=status)
    messages.warning(request, message)
    return _for_htmx(request, redirect_to)


class DeferredSecurityEventsMiddleware:
    """Writes the security events of refused writes once the request's transaction is over (the refusal
    rolled it back; the event must stay): ``security_event_record_deferred`` in branches/services/tree.py."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            security_events_flush()


class SessionLimitsMiddleware:
    """Logs out after ``SESSION_IDLE_TIMEOUT`` without a request and ``SESSION_ABSOLUTE_TIMEOUT`` after login.

    Pages are redirected to the login page with a message; API calls on a session get 401.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        session = request.session
        moment = now()
        auth_at = session.get(AUTH_AT)
        seen_at = session.get(SEEN_AT)
        if auth_at is None or seen_at is None:  # a session from before these limits: start the clocks now
            session[AUTH_AT] = auth_at if auth_at is not None else moment
            session[SEEN_AT] = moment
            return None
        if moment - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
            return self.expire(
                request, "absolute_timeout", _("You were logged out: sessions end after 12 hours.")
            )
        if moment - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            return self.expire(
                request, "idle_timeout", _("You were logged out after 30 minutes without activity.")
            )
        if moment - seen_at >= SEEN_GRANULARITY:
            session[SEEN_AT] = moment
        return None

    def expire(self, request, reason: str, message: str):
        setattr(request, LOGOUT_REASON, reason)
        path = request.get_full_path() if request.method == "GET" else "/"
        logout(request)
        if is_api(request):
            return JsonResponse({"detail": message}, status=401)
        messages.warning(request, message)
        return _for_htmx(request, redirect_to_login(path))


class AccountGateMiddleware:
    """Holds a logged-in user at the gate until they have passed it, in this order: the second factor of a
    user with a confirmed device; the first-login password change; enrolment of a second factor where the
    county requires one. Pages redirect to the step; API calls on a session get 403 with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and not self.ungated(request)
        ):
            response = self.check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    @staticmethod
    def ungated(request) -> bool:
        if request.path_info.startswith(UNGATED_PREFIXES):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in UNGATED_URL_NAMES and not match.namespace

    def check(self, request, user):
        state = _gate_state(request, user)
        verified = user.is_verified() if hasattr(user, "is_verified") else False
        target = request.get_full_path()
        if state["has_device"] and not verified:
            return _refuse(
                request,
                str(VERIFY_SECOND_FACTOR),
                403,
                redirect(f"{reverse('otp-verify')}?{urlencode({'next': target})}"),
            )
        if state["must_change"]:
            return _refuse(
                request,
                str(MUST_CHANGE_PASSWORD),
                403,
                redirect(reverse("password_change")),
            )
        if state["totp_required"] and not state["has_device"]:
            return _refuse(
                request,
                str(ENROL_SECOND_FACTOR),
                403,
                redirect(f"{reverse('otp-enrol')}?{urlencode({'next': target})}"),
            )
        return None
