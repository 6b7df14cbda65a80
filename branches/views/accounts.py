"""Account pages outside the organization tree: the password change (first login included) and the TOTP
second factor (verification after the password, enrolment). Wired in partybuild/urls.py under /accounts/."""

import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from branches.middleware import refresh_gate
from partybuild.http import client_ip

from .. import services
from ..models import SecurityEventKind
from ..services.accounts import confirmed_totp_device

WRONG_CODE = gettext_lazy("This code is not correct or has expired. Try the current code.")


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse_lazy(default)


class AccountPasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, clearing the first-login flag and recording the change."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_password_changed(user=self.request.user, ip_address=client_ip(self.request))
        refresh_gate(self.request, self.request.user)
        return response


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("6-digit code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "form-control"}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second step of the login for a user with a confirmed authenticator."""
    device = confirmed_totp_device(request.user)
    if device is None:
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            refresh_gate(request, request.user)
            return redirect(_next_url(request))
        services.security_event_record(
            kind=SecurityEventKind.LOGIN_FAILED,
            user=request.user,
            ip_address=client_ip(request),
            detail={"factor": "totp"},
        )
        form.add_error("token", WRONG_CODE)
    return render(request, "otp/verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), then confirm with one code.

    A user who already has an authenticator must pass it in this session before replacing it.
    """
    if confirmed_totp_device(request.user) is not None and not request.user.is_verified():
        return redirect("otp-verify")
    device = services.totp_device_for_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"], ip_address=client_ip(request)
        ):
            device.refresh_from_db()
            otp_login(request, device)
            refresh_gate(request, request.user)
            messages.success(request, _("Your authenticator app is set up: logins now ask for its code."))
            return redirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    secret = _base32(device)
    context = {"form": form, "secret": secret, "next": request.GET.get("next", "")}
    return render(request, "otp/enrol.html", context)


def _base32(device) -> str:

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
def otp_qr(request):
    """The enrolment QR code as an SVG image (served from here: no inline data in the page)."""

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        return HttpResponse(status=404)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
