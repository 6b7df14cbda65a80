"""API tokens: the token login, logout, and a user's own tokens (list, revoke).

The login authenticates through ``django.contrib.auth.authenticate`` with the Django request, so
django-axes counts its failures together with the browser's and admin's (per username and address) and
refuses a locked-out user here too; the answers are recorded as login, failed login and lockout events by
branches/signals.py. Failures return a response instead of raising: a raised API error rolls the request's
transaction back, and the failure would not be counted.
"""

from django.contrib.auth import authenticate
from django.contrib.auth import user_logged_in
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from knox.models import get_token_model
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from partybuild.exceptions import ErrorResponsesAutoSchema
from partybuild.http import client_ip

from .. import services
from ..lockout import lockout_response
from ..middleware import TOKEN_LOGIN
from ..selectors.tokens import api_token_list
from ..throttling import LOGIN_SCOPE
from ..throttling import LoginRateThrottle


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("username"), max_length=150)
    password = serializers.CharField(label=gettext_lazy("password"), max_length=4096, trim_whitespace=False)


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=gettext_lazy("Send it as `Authorization: Token …`; shown once."))
    expiry = serializers.DateTimeField()


class LoginSchema(ErrorResponsesAutoSchema):
    """Documents 429 (throttled, locked out); extend_schema re-creates the schema without arguments."""

    def __init__(self):
        super().__init__(extra_codes=["429"])


class TokenView(APIView):
    """Exchange a username and password for an API token (rate-limited, and locked out together with the
    browser after 5 failures). The token ends after 30 minutes without use and 12 hours after its issue."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = LOGIN_SCOPE
    schema = LoginSchema()

    @extend_schema(request=TokenLoginSerializer, responses={200: IssuedTokenSerializer})
    def post(self, request):
        serializer = TokenLoginSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": [_("The username or password is wrong.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        setattr(django_request, TOKEN_LOGIN, True)
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        row, token = services.api_token_issue(user=user)
        return Response(IssuedTokenSerializer({"token": token, "expiry": row.expiry}).data)


class LogoutView(APIView):
    """End the token this request was made with (the user's other tokens keep working)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, get_token_model()):
            services.api_token_revoke(
                actor=request.user, token=request.auth, reason="logout", ip_address=client_ip(request)
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="digest", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = get_token_model()
        fields = ["id", "created", "expiry", "current"]

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, get_token_model()) and auth.pk == token.pk


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens: list them, revoke one. Another user's token answers 404."""

    serializer_class = ApiTokenSerializer
    filter_backends = []

    def get_queryset(self):
        return api_token_list(self.request.user)

    def perform_destroy(self, instance):
        services.api_token_revoke(
            actor=self.request.user, token=instance, reason="revoked", ip_address=client_ip(self.request)
        )
