"""Steps added to social-auth's pipeline for "Sign in with Yandex"."""

from __future__ import annotations

from typing import Any

import structlog

from companies.accounts import email_verified_mark
from companies.models import User

logger = structlog.get_logger(__name__)


def associate_by_confirmed_email(
    backend: Any, details: dict[str, Any] | None = None, user: Any = None, *args: Any, **kwargs: Any
) -> dict[str, Any] | None:
    """Link a Yandex sign-in to the account with the same address (Yandex confirms the
    addresses it hands out). An account whose address was never confirmed may have been
    registered by someone else to catch its owner (issue 18): the owner gets it, but the
    password set by whoever registered it stops working, and with it every session and
    token it opened (tokens carry a hash of the password)."""
    if user is not None:
        return None
    email = ((details or {}).get("email") or "").strip()
    if not email:
        return None
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        return None
    if not existing.email_verified and existing.has_usable_password():
        existing.set_unusable_password()
        existing.save(update_fields=["password"])
        logger.warning("social.unconfirmed_account_claimed", user_id=existing.pk)
    return {"user": existing, "is_new": False}


def save_full_name(
    backend: Any, user: Any = None, details: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    """Fill an empty name from the provider's profile; never overwrite one the user chose."""
    if user is None or user.full_name:
        return
    details = details or {}
    name = details.get("fullname") or " ".join(
        filter(None, [details.get("first_name"), details.get("last_name")])
    )
    if name:
        user.full_name = name[:150]
        user.save(update_fields=["full_name"])


def mark_email_verified(backend: Any, user: Any = None, **kwargs: Any) -> None:
    """Yandex confirms the addresses it hands out: the account's address counts as confirmed."""
    if user is not None:
        email_verified_mark(user=user)
