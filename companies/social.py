"""Steps added to social-auth's pipeline for "Sign in with Yandex"."""

from __future__ import annotations

from typing import Any

from companies.accounts import email_verified_mark


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
