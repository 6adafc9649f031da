"""Sign-up, password reset, the start page and joining by invitation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from arvlite.core.forms import add_validation_errors
from companies import accounts, invitations, selectors
from companies.actors import signed_in_user
from companies.forms import SignupForm
from companies.models import User
from companies.sessions import (
    refresh_token_list_for_user,
    refresh_token_revoke,
    session_end,
    session_end_others,
    session_list_for_user,
    sign_out_everywhere_else,
)
from companies.two_factor import has_two_factor

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to their first company, or to "create your company"; an
    operator (staff) without a company of their own gets the way into the back office."""
    membership = selectors.membership_list_for_user(user=request.user).first()
    if membership is not None:
        return redirect("company-dashboard", company_slug=membership.company.slug)
    if request.user.is_staff:
        return render(request, "companies/operator_home.html")
    return redirect("company-create-page")


# Kept in the session of the browser that signed up: the address, for the "check your inbox"
# page, and the new account (None when the address had one), so that its confirmation link,
# opened in this browser, signs it in.
SIGNUP_EMAIL = "signup_email"
SIGNUP_USER = "signup_user"


def _signup_form_valid(request: HttpRequest, form: SignupForm) -> bool:
    """The form's checks and the account rules together: every problem shows at once."""
    form.is_valid()
    problems = accounts.registration_problems(
        email=request.POST.get("email", ""),
        password=request.POST.get("password", ""),
        full_name=request.POST.get("full_name", ""),
    )
    for field, field_problems in problems.items():
        if field not in form.errors:
            form.add_error(field, field_problems)
    return not form.errors


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and _signup_form_valid(request, form):
        try:
            if settings.EMAIL_VERIFICATION_REQUIRED:
                user = accounts.user_signup(**form.cleaned_data)
            else:
                user = accounts.user_register(**form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if settings.EMAIL_VERIFICATION_REQUIRED:
                # The same answer whether or not the address already had an account.
                request.session[SIGNUP_EMAIL] = form.cleaned_data["email"].strip().lower()
                request.session[SIGNUP_USER] = user.pk if user is not None else None
                return redirect("signup-sent")
            assert user is not None
            login(request, user, backend=LOGIN_BACKEND)
            next_url = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                return redirect(next_url)
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form, "next": request.GET.get("next", "")})


@require_http_methods(["GET"])
def signup_sent(request: HttpRequest) -> HttpResponse:
    """ "Check your inbox", after every sign-up where addresses are confirmed."""
    return render(request, "registration/signup_sent.html", {"email": request.session.get(SIGNUP_EMAIL, "")})


@require_http_methods(["GET"])
def email_verify_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail: confirms the address; in the browser that
    signed up (or already signed in) it goes on to "create your company", elsewhere to
    the sign-in page."""
    try:
        user = accounts.email_verify(token=token)
    except ValidationError as error:
        return render(
            request, "registration/email_verify_invalid.html", {"error": error.messages[0]}, status=400
        )
    signed_up_here = request.session.pop(SIGNUP_USER, None) == user.pk
    messages.success(request, _("The address %(email)s is confirmed.") % {"email": user.email})
    if request.user.is_authenticated:
        return redirect("home")
    if signed_up_here:
        request.session.pop(SIGNUP_EMAIL, None)
        login(request, user, backend=LOGIN_BACKEND)
        return redirect("home")
    messages.info(request, _("Sign in to continue."))
    return redirect("login")


@login_required
@require_http_methods(["POST"])
def email_verify_resend(request: HttpRequest) -> HttpResponse:
    """ "Send the link again", from the pages that wait for a confirmed address."""
    user = signed_in_user(request)
    if user.email_verified:
        messages.info(request, _("Your e-mail address is already confirmed."))
        return redirect("home")
    if accounts.email_verification_resend(user=user):
        messages.error(request, _("A new link was sent a moment ago. Try again in a few minutes."))
    else:
        messages.success(request, _("A new link is on its way to %(email)s.") % {"email": user.email})
    return redirect("company-create-page")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page, sending our own e-mail through the same service as the API."""

    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        accounts.password_reset_request(email=form.cleaned_data["email"])
        return redirect(self.success_url)


@require_http_methods(["GET", "POST"])
def invitation_accept_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation and let the invited person join: signed in with the invited
    address → one click; no account yet → a sign-up form for that address."""
    try:
        invitation = invitations.invitation_from_token(token)
    except ValidationError as error:
        return render(request, "companies/invitation_invalid.html", {"error": error.messages[0]}, status=400)

    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = SignupForm(request.POST or None, initial={"email": invitation.email})
    if request.method == "POST":
        if not request.user.is_authenticated and not has_account and form.is_valid():
            try:
                user = accounts.user_register(
                    email=invitation.email,
                    password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                    email_verified=True,  # the invitation link reached this address
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                login(request, user, backend=LOGIN_BACKEND)
        if request.user.is_authenticated:
            try:
                membership = invitations.invitation_accept(token=token, user=request.user)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Welcome to %(company)s!") % {"company": membership.company.name})
                return redirect("company-dashboard", company_slug=membership.company.slug)
    context = {"invitation": invitation, "has_account": has_account, "form": form, "token": token}
    return render(request, "companies/invitation_accept.html", context)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers a signed-in user's choice for the
    e-mails and messages sent to them."""
    from django.conf import settings
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_page(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own account: name and language, and the password (changing it
    signs out every other session; this one stays signed in)."""
    from django.conf import settings
    from django.contrib.auth import update_session_auth_hash
    from django.contrib.auth.forms import PasswordChangeForm

    from companies.forms import AccountForm

    user = signed_in_user(request)
    profile = AccountForm(initial={"full_name": user.full_name, "language": user.language})
    password = PasswordChangeForm(user)
    if request.method == "POST" and request.POST.get("form") == "profile":
        profile = AccountForm(request.POST)
        if profile.is_valid():
            user.full_name = profile.cleaned_data["full_name"].strip()
            user.language = profile.cleaned_data["language"]
            user.save(update_fields=["full_name", "language"])
            messages.success(request, _("Your account is saved."))
            response = redirect("account-page")
            if user.language:  # the portal follows at once
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    elif request.method == "POST" and request.POST.get("form") == "password":
        password = PasswordChangeForm(user, request.POST)
        if password.is_valid():
            password.save()
            update_session_auth_hash(request, password.user)
            # They could no longer sign in anyway; ending them keeps the device list true.
            session_end_others(user=user, current_key=request.session.session_key)
            messages.success(request, _("Your password is changed. Other devices are signed out."))
            return redirect("account-page")
    devices = session_list_for_user(user=user, current_key=request.session.session_key)
    context = {
        "profile": profile,
        "password": password,
        "devices": devices,
        "api_sign_ins": refresh_token_list_for_user(user=user),
        "two_factor_enabled": has_two_factor(user),
    }
    return render(request, "registration/account.html", context)


@login_required
@require_http_methods(["POST"])
def account_session_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign out one of the person's own other browsers; anyone else's is not found."""
    if not session_end(user=signed_in_user(request), pk=pk, current_key=request.session.session_key):
        raise Http404
    messages.success(request, _("That device is signed out."))
    return redirect("account-page")


@login_required
@require_http_methods(["POST"])
def account_sessions_end_others(request: HttpRequest) -> HttpResponse:
    """Sign out every browser of the person but this one, and revoke their API tokens."""
    sessions, tokens = sign_out_everywhere_else(
        user=signed_in_user(request), current_key=request.session.session_key
    )
    messages.success(
        request,
        ngettext("%(count)d other device is signed out.", "%(count)d other devices are signed out.", sessions)
        % {"count": sessions}
        + " "
        + ngettext("%(count)d API token is revoked.", "%(count)d API tokens are revoked.", tokens)
        % {"count": tokens},
    )
    return redirect("account-page")


@login_required
@require_http_methods(["POST"])
def account_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's own refresh tokens; anyone else's is not found."""
    if not refresh_token_revoke(user=signed_in_user(request), pk=pk):
        raise Http404
    messages.success(request, _("That API token is revoked."))
    return redirect("account-page")
