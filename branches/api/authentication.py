"""API token authentication held to the same account gate as the browser (branches/middleware.py)."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class GuardedTokenAuthentication(TokenAuthentication):
    """Token authentication held to the account gate: a token of an account that must still change its
    password, or of a county administrator whose county requires a second factor and who has not enrolled
    one, is refused with 403 and a message (a token cannot carry a one-time code; enrolling in the browser
    first is what the county asks for)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        # DRF imports its authentication classes while branches.services is still being imported.
        from ..middleware import ENROL_SECOND_FACTOR, MUST_CHANGE_PASSWORD  # noqa: PLC0415
        from ..services import account_gate_state  # noqa: PLC0415

        state = account_gate_state(user)
        if state["must_change"]:
            raise exceptions.PermissionDenied(str(MUST_CHANGE_PASSWORD))
        if state["totp_required"] and not state["has_device"]:
            raise exceptions.PermissionDenied(str(ENROL_SECOND_FACTOR))
        return user, token
