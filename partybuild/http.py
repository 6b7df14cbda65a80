"""The caller's address, the same for the lockout, security events and audit rows."""

import ipaddress

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str | None:
    """``REMOTE_ADDR``, or behind ``PROXY_COUNT`` reverse proxies the address the outermost one saw.

    Each trusted proxy appends the address it was called from to ``X-Forwarded-For``, so the client is the
    ``PROXY_COUNT``-th entry from the right; anything further left was written by the caller and is not
    trusted.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) >= count and _valid(hops[-count]):
        return hops[-count]
    return remote
