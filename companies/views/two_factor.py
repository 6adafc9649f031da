"""Portal pages of two-factor sign-in: the code asked after the password, and the account's
set-up (QR code, recovery codes, turning it off)."""

from __future__ import annotations

import math

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from arvlite.core.forms import add_validation_errors
from companies import two_factor
from companies.actors import signed_in_user
from companies.sessions import sign_out_everywhere_else
from companies.two_factor_session import session_verified, session_waits_for_code, wrong_code


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        help_text=gettext_lazy("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            "Too many wrong codes. Try again in %(count)d second.",
            "Too many wrong codes. Try again in %(count)d seconds.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many wrong codes. Try again in %(count)d minute.",
        "Too many wrong codes. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the session waits here until it gives a code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if not session_waits_for_code(request.session, user):
        return redirect(_next_url(request))
    person = signed_in_user(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = two_factor.code_wait(person)
        if wait:
            form.add_error("code", _wait_message(wait))
            status = 429
        elif two_factor.code_accept(user=person, code=form.cleaned_data["code"]):
            session_verified(request, person)
            left = two_factor.recovery_codes_left(person)
            if left <= 3:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d recovery code is left: make new ones on your account page.",
                        "%(count)d recovery codes are left: make new ones on your account page.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
        else:
            wrong_code(request, person)
            wait = two_factor.code_wait(person)
            form.add_error("code", _wait_message(wait) if wait > 1 else _("That code is not right."))
            status = 400
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/two_factor_verify.html", context, status=status)


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """Recovery codes, shown this once; never cached."""
    response = render(request, "registration/two_factor_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """The account's two-factor set-up: start (QR code), confirm with the first code, new
    recovery codes, turn off."""
    user = signed_in_user(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CodeForm(request.POST or None) if action in ("confirm", "recovery", "disable") else CodeForm()
    try:
        if action == "start":
            two_factor.enrolment_start(user=user)
        elif action == "cancel":
            two_factor.enrolment_cancel(user=user)
            return redirect("account-page")
        elif action == "confirm" and form.is_valid():
            codes = two_factor.enrolment_confirm(user=user, code=form.cleaned_data["code"])
            session_verified(request, user)
            sign_out_everywhere_else(user=user, current_key=request.session.session_key)
            messages.success(request, _("Two-factor sign-in is on. Other devices are signed out."))
            return _codes_page(request, codes)
        elif action == "recovery" and form.is_valid():
            if not two_factor.code_accept(user=user, code=form.cleaned_data["code"]):
                wrong_code(request, user)
                raise ValidationError({"code": _("That code is not right.")})
            return _codes_page(request, two_factor.recovery_codes_replace(user=user))
        elif action == "disable" and form.is_valid():
            two_factor.two_factor_disable(user=user, code=form.cleaned_data["code"])
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("account-page")
    except ValidationError as error:
        add_validation_errors(form, error)
    enabled = two_factor.has_two_factor(user)
    pending = None if enabled else two_factor.pending_device(user)
    context = {
        "form": form,
        "enabled": enabled,
        "pending": pending,
        "qr": two_factor.qr_data_uri(pending) if pending else "",
        "secret": two_factor.secret_text(pending) if pending else "",
        "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
        "required_by": two_factor.companies_requiring(user),
    }
    status = 400 if form.errors else 200
    return render(request, "registration/two_factor.html", context, status=status)
