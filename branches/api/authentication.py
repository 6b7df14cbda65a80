"""API token authentication held to the same account gate as the browser (branches/middleware.py)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class GuardedTokenAuthentication(TokenAuthentication):
    """django-rest-knox tokens (``Authorization: Token …``), which end after an idle time and a lifetime
    (settings.REST_KNOX, docs/security.md), held to the account gate: a token of an account that must still
    change its password, or of a county administrator whose county requires a second factor and who has
    not enrolled one, is refused with 403 and a message (a token cannot carry a one-time code; enrolling
    in the browser first is what the county asks for)."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        # DRF imports its authentication classes while branches.services is still being imported.
        from ..middleware import ENROL_SECOND_FACTOR  # noqa: PLC0415
        from ..middleware import MUST_CHANGE_PASSWORD  # noqa: PLC0415
        from ..services import account_gate_state  # noqa: PLC0415

        state = account_gate_state(user)
        if state["must_change"]:
            raise exceptions.PermissionDenied(str(MUST_CHANGE_PASSWORD))
        if state["totp_required"] and not state["has_device"]:
            raise exceptions.PermissionDenied(str(ENROL_SECOND_FACTOR))
        return user, token


class GuardedTokenScheme(OpenApiAuthenticationExtension):
    target_class = GuardedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
