"""Response policies that know nothing of accounts or organizations."""


class PrivateResponseMiddleware:
    """Every response to a logged-in user (pages, API, admin, exports) gets ``Cache-Control: no-store,
    private``: nothing with personal data is kept by the browser or a proxy. Static files are served before
    this point and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
            response.headers.pop("Expires", None)
        return response


# Browser features no page of the site uses, turned off for every response (docs/security.md).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)


class PathPolicyMiddleware:
    """Response headers by path, above every other middleware so that static files get them too: the
    ``Permissions-Policy`` on every response, and the one narrow CSP relaxation for a page whose markup is
    not the project's own: Swagger UI (/api/docs/) injects <style> elements at run time, so ``style-src
    'unsafe-inline'`` there (styles only; scripts stay 'self')."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        path = request.path_info
        if path.startswith("/api/docs/"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response
