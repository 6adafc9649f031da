"""Portal pages of two-factor sign-in: the code asked after the password, and the account's
set-up (QR code, recovery codes, turning it off)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
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
from companies.models import User
from companies.sessions import sign_out_everywhere_else
from companies.two_factor_session import CODE, ENROL, session_recheck, session_verified, wrong_code

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _code_field(help_text: StrOrPromise, inputmode: str) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": inputmode, "autofocus": True}
        ),
    )


class FirstCodeForm(forms.Form):
    """The first code of a new device (no recovery codes exist yet)."""

    code = _code_field(gettext_lazy("The 6 digits the app shows now."), "numeric")


class CodeForm(forms.Form):
    code = _code_field(
        gettext_lazy("The 6 digits your authenticator app shows, or one of your recovery codes."), "text"
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


def _person_completing(request: HttpRequest, step: str) -> User | None:
    """The person whose session waits for ``step`` (the middleware keeps them aside while
    the session is anonymous everywhere else)."""
    if getattr(request, "sign_in_step", None) == step:
        return request.sign_in_user  # type: ignore[attr-defined]
    return None


def _code_problem(user: User, *, counted: bool, request: HttpRequest) -> tuple[str, int]:
    """The message and status for a code that was not accepted (``counted``: it was checked
    and was wrong, so it counts as a failed sign-in; else it was refused while locked)."""
    if counted:
        wrong_code(request, user)
    wait = two_factor.code_wait(user)
    return (_wait_message(wait), 429) if wait else (_("That code is not right."), 400)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the session waits here until it gives a code."""
    person = _person_completing(request, CODE)
    if person is None:
        return redirect(_next_url(request) if request.user.is_authenticated else "login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        locked = bool(two_factor.code_wait(person))
        if not locked and two_factor.code_accept(user=person, code=form.cleaned_data["code"]):
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
        message, status = _code_problem(person, counted=not locked, request=request)
        form.add_error("code", message)
    elif request.method == "POST":  # no code, or not text (a NUL byte)
        status = 400
    context = {
        "form": form,
        "next": _next_url(request),
        "email": person.email,
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "registration/two_factor_verify.html", context, status=status)


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """Recovery codes, shown this once; never cached."""
    response = render(request, "registration/two_factor_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """The account's two-factor set-up: start (QR code), confirm with the first code, new
    recovery codes, turn off. Also the page a member must finish when their company
    requires it (the session is complete only then)."""
    user = _person_completing(request, ENROL)
    if user is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        user = signed_in_user(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form: forms.Form = CodeForm(request.POST or None) if action in ("recovery", "disable") else CodeForm()
    if action == "confirm":
        form = FirstCodeForm(request.POST)
    try:
        if action == "start":
            two_factor.enrolment_start(user=user)
            return redirect("two-factor-page")  # a reload must not make a new key
        if action == "cancel":
            two_factor.enrolment_cancel(user=user)
            return redirect("two-factor-page")
        if action == "confirm" and form.is_valid():
            codes = two_factor.enrolment_confirm(user=user, code=form.cleaned_data["code"])
            session_verified(request, user)
            request.user = user  # the session is complete from here on
            sign_out_everywhere_else(user=user, current_key=request.session.session_key)
            messages.success(request, _("Two-factor sign-in is on. Other devices are signed out."))
            return _codes_page(request, codes)
        if action in ("recovery", "disable") and form.is_valid():
            if two_factor.code_wait(user):
                raise ValidationError({"code": _code_problem(user, counted=False, request=request)[0]})
            if action == "disable":
                two_factor.two_factor_disable(user=user, code=form.cleaned_data["code"])
                session_recheck(request)
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("account-page")
            if not two_factor.code_accept(user=user, code=form.cleaned_data["code"]):
                raise ValidationError({"code": _code_problem(user, counted=True, request=request)[0]})
            return _codes_page(request, two_factor.recovery_codes_replace(user=user))
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
        "must_enrol": getattr(request, "sign_in_step", None) == ENROL,
    }
    status = 400 if form.errors else 200
    return render(request, "registration/two_factor.html", context, status=status)
