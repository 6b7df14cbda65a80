"""The answer to a locked-out login on every way in (browser, admin, API token): django-axes calls
``lockout_response`` (settings.AXES_LOCKOUT_CALLABLE); the API token view answers with it too."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .middleware import is_api

LOCKOUT_STATUS = 429


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed logins: this account is locked from this address for %(minutes)d minutes. "
        "Try again later or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    message = lockout_message()
    if is_api(request):
        return JsonResponse({"detail": message}, status=LOCKOUT_STATUS)
    return render(request, "registration/locked_out.html", {"message": message}, status=LOCKOUT_STATUS)
