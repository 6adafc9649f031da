"""Sign-up, password reset, the start page and joining by invitation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arvlite.core.forms import add_validation_errors
from companies import accounts, invitations, selectors
from companies.actors import signed_in_user
from companies.forms import SignupForm
from companies.models import User

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to their first company, or to "create your company"."""
    membership = selectors.membership_list_for_user(user=request.user).first()
    if membership is not None:
        return redirect("company-dashboard", company_slug=membership.company.slug)
    return redirect("company-create-page")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.user_register(**form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            next_url = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                return redirect(next_url)
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form, "next": request.GET.get("next", "")})


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
            messages.success(request, _("Your password is changed. Other devices are signed out."))
            return redirect("account-page")
    return render(request, "registration/account.html", {"profile": profile, "password": password})
