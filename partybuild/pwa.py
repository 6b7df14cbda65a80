"""The offline app's service worker (docs/offline.md), served from the site root so that its scope covers
every page. Workbox writes the file at set-up (workbox-config.cjs, ``make assets``); without it the site
works as before, only not offline."""

from django.conf import settings
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import render


def service_worker(request):
    try:
        body = settings.SERVICE_WORKER_FILE.read_bytes()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on every navigation; it must never be an old copy.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def offline_page(request):
    """What the app shows for a page it does not keep when there is no network; precached in the user's
    language when the worker installs (workbox-config.cjs)."""
    return render(request, "offline.html")
