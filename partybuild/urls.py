from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include
from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission

from assessments.views.home import home
from branches.api.tokens import ApiTokenViewSet
from branches.api.tokens import LogoutView
from branches.api.tokens import TokenView
from branches.scope.navigation import ADMINISTRATION
from branches.scope.navigation import requires
from branches.views import accounts

from .api import paths as api_paths
from .api import router
from .pwa import offline_page
from .pwa import service_worker
from .schema_view import SchemaView


class Administration(BasePermission):
    def has_permission(self, request, view):
        return ADMINISTRATION.allows(request.user)


class ApiRootView(router.APIRootView):
    """The API's index page: for reviewers, like the admin (every endpoint keeps its own scope)."""

    permission_classes = [Administration]
    requirement = ADMINISTRATION


router.APIRootView = ApiRootView

urlpatterns = [
    path("", home, name="home"),
    path("sw.js", service_worker, name="service-worker"),
    path("offline/", offline_page, name="offline"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path(
        "accounts/password_change/",
        accounts.AccountPasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/otp/verify/", accounts.otp_verify, name="otp-verify"),
    path("accounts/otp/enrol/", accounts.otp_enrol, name="otp-enrol"),
    path("accounts/otp/qr.svg", accounts.otp_qr, name="otp-qr"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("org/", include("branches.urls")),
    path("people/", include("members.urls")),
    path("", include("assessments.urls")),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("api/v1/auth/tokens/", ApiTokenViewSet.as_view({"get": "list"}), name="api-token-list"),
    path(
        "api/v1/auth/tokens/<str:pk>/",
        ApiTokenViewSet.as_view({"delete": "destroy"}),
        name="api-token-detail",
    ),
    path("api/v1/", include(api_paths)),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script under the CSP.
    # Logged-in users only (docs/security.md): the page sends anonymous visitors to the login page.
    path(
        "api/docs/",
        login_required(requires(ADMINISTRATION)(SpectacularSwaggerSplitView.as_view(url_name="schema"))),
        name="swagger-ui",
    ),
    path("api-auth/", include("rest_framework.urls")),
]

handler400 = "partybuild.errors.bad_request"
handler403 = "partybuild.errors.permission_denied"
handler404 = "partybuild.errors.page_not_found"
handler500 = "partybuild.errors.server_error"
