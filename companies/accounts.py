"""Accounts: sign-up, password reset by e-mail, password change."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from arvlite.core.email import send_templated_email
from companies.models import User


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


@transaction.atomic
def user_register(*, email: str, password: str, full_name: str = "") -> User:
    """Create an account. The e-mail must be new; the password must pass Django's
    validators (length, common passwords, similarity, not only digits)."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("An account with this e-mail already exists. Sign in instead.")]})
    user = User(email=email, full_name=full_name.strip())
    _check_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # two sign-ups with the same address at once
        raise ValidationError(
            {"email": [_("An account with this e-mail already exists. Sign in instead.")]}
        ) from None
    return user


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
    return user


def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Change the password of a signed-in user who knows the current one."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [_("The current password is not correct.")]})
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user
