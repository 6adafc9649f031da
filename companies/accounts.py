"""Accounts: sign-up (with e-mail confirmation where EMAIL_VERIFICATION_REQUIRED is on),
password reset by e-mail, password change."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arvlite.core import ratelimit
from arvlite.core.email import send_templated_email
from companies.models import User
from companies.sessions import session_end_others

VERIFY_SALT = "companies.email-verify"  # a signing salt, not a secret
# With e-mail confirmation off a sign-up signs the person in at once, so a taken address has
# to be refused; the message says what to do without saying more than that.
ADDRESS_TAKEN = gettext_lazy(
    "An account cannot be created with this e-mail. If it is yours, sign in or reset your password."
)
EMAIL_NOT_VERIFIED = gettext_lazy(
    "Confirm your e-mail address first: open the link we sent you. No e-mail? Ask for a new link."
)


class EmailNotVerifiedError(PermissionDenied):
    """The person has not confirmed their e-mail address yet (and must, to do this)."""


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


def _normalized(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


def registration_problems(*, email: str, password: str, full_name: str = "") -> dict[str, list[str]]:
    """Everything wrong with a sign-up at once, for the form to show together with its own
    errors: the password's weaknesses and, where confirmation is off, a taken address."""
    problems: dict[str, list[str]] = {}
    if password:
        try:
            _check_password(password, User(email=_normalized(email), full_name=full_name.strip()))
        except ValidationError as error:
            problems.update(error.message_dict)
    taken_matters = not settings.EMAIL_VERIFICATION_REQUIRED
    if taken_matters and email and User.objects.filter(email__iexact=_normalized(email)).exists():
        problems["email"] = [str(ADDRESS_TAKEN)]
    return problems


@transaction.atomic
def user_register(*, email: str, password: str, full_name: str = "", email_verified: bool = False) -> User:
    """Create an account at once and say so: where confirmation is off, and for an invited
    address (``email_verified``: the invitation link proved it). The e-mail must be new; the
    password must pass Django's validators (length, common passwords, similarity, not only
    digits). Every problem is in one ValidationError."""
    email = _normalized(email)
    user = User(
        email=email, full_name=full_name.strip(), email_verified_at=timezone.now() if email_verified else None
    )
    problems: dict[str, list[str]] = {}
    try:
        _check_password(password, user)
    except ValidationError as error:
        problems.update(error.message_dict)
    if User.objects.filter(email__iexact=email).exists():
        problems["email"] = [str(ADDRESS_TAKEN)]
    if problems:
        raise ValidationError(problems)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # two sign-ups with the same address at once
        raise ValidationError({"email": [str(ADDRESS_TAKEN)]}) from None
    return user


@transaction.atomic
def user_signup(*, email: str, password: str, full_name: str = "") -> User | None:
    """Sign up without telling whether the address has an account (confirmation on): a new
    address gets an unconfirmed account and a confirmation link; an address with an account
    gets an e-mail saying to sign in or reset the password (at most 3 an hour). Returns the
    new user, or None. A weak password is refused the same way for both."""
    email = _normalized(email)
    _check_password(password, User(email=email, full_name=full_name.strip()))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        user = User(email=email, full_name=full_name.strip())
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same address signed up a moment ago
            existing = User.objects.filter(email__iexact=email).first()
        else:
            email_verification_send(user=user)
            return user
    make_password(password)  # the hashing a new account costs: the answer's timing tells nothing
    if (
        existing is not None
        and existing.is_active
        and not ratelimit.acquire(f"account-exists:{existing.pk}", limit=3, window_seconds=3600)
    ):
        _send_account_exists(existing)
    return None


def _send_account_exists(user: User) -> None:
    send_templated_email(
        to=user.email,
        template="account_exists",
        context={
            "login_url": settings.PUBLIC_URL + reverse("login"),
            "reset_url": settings.PUBLIC_URL + reverse("password_reset"),
            "verify_url": "" if user.email_verified else email_verification_url(user),
            "valid_days": settings.EMAIL_VERIFICATION_DAYS,
        },
        language=user.language or None,
    )


def email_verification_url(user: User) -> str:
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)
    return settings.PUBLIC_URL + reverse("email-verify", kwargs={"token": token})


def email_verification_send(*, user: User) -> None:
    """E-mail ``user`` a signed link that confirms their address (valid
    EMAIL_VERIFICATION_DAYS days), in their language."""
    send_templated_email(
        to=user.email,
        template="email_verify",
        context={"url": email_verification_url(user), "valid_days": settings.EMAIL_VERIFICATION_DAYS},
        language=user.language or None,
    )


def email_verification_resend(*, user: User) -> float:
    """A fresh confirmation link for a signed-in person who has not confirmed yet (at most
    3 in 10 minutes): 0.0 when sent (or nothing left to confirm), else seconds to wait."""
    if user.email_verified:
        return 0.0
    wait = ratelimit.acquire(f"email-verify:{user.pk}", limit=3, window_seconds=600)
    if wait:
        return wait
    email_verification_send(user=user)
    return 0.0


def email_verify(*, token: str) -> User:
    """Confirm the address a link's token names; the user. Using the link again is
    harmless. ValidationError for a link that is forged, expired or for another address."""
    try:
        data = signing.loads(
            token, salt=VERIFY_SALT, max_age=timedelta(days=settings.EMAIL_VERIFICATION_DAYS)
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("This confirmation link has expired. Sign in and ask for a new one.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid.")) from None
    # Our own signature: the payload is what email_verification_url wrote.
    user = User.objects.filter(pk=int(data["u"]), is_active=True).first()
    if user is None or user.email.lower() != str(data["e"]).lower():
        raise ValidationError(_("This confirmation link is not valid."))
    email_verified_mark(user=user)
    return user


def email_verified_mark(*, user: User) -> None:
    """Record that ``user`` reads mail at their address (an invitation link, Yandex)."""
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


def email_confirmation_pending(user: User) -> bool:
    """Whether ``user`` must still confirm their address before creating a company."""
    return bool(settings.EMAIL_VERIFICATION_REQUIRED) and not user.email_verified


def password_reset_request(*, email: str) -> None:
    """E-mail a reset link if an active account with a password has this address.
    Says nothing either way, so addresses cannot be probed."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    send_templated_email(
        to=user.email,
        template="password_reset",
        context={"url": settings.PUBLIC_URL + path, "uid": uid, "token": token, "user": user},
    )


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link's uid and token (single use: the token dies
    with the old password)."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uid)), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationError({"token": [_("This reset link is invalid or has expired. Ask for a new one.")]})
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _signed_out_everywhere(user)
    return user


def _signed_out_everywhere(user: User) -> None:
    """After a new password nothing issued under the old one goes on working: the tokens
    carry a hash of the password (simplejwt's CHECK_REVOKE_TOKEN), browser sessions a
    hash of it too (Django), and the device list drops them now."""
    session_end_others(user=user, current_key=None)


def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Change the password of a signed-in user who knows the current one."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [_("The current password is not correct.")]})
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _signed_out_everywhere(user)
    return user
