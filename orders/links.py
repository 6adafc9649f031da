"""The customer's private order page: ``/orders/<signed token>/``. The token is 256 random
bits kept on the order; the link carries it signed, so a tampered link is refused before
any lookup and a guessed one finds nothing."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "orders.customer-page"


def new_access_token() -> str:
    return secrets.token_urlsafe(32)


def signed_token(access_token: str) -> str:
    return signing.Signer(salt=SALT).sign(access_token)


def access_token_from(signed: str) -> str | None:
    """The access token inside a signed link, or None when the signature is wrong."""
    try:
        return signing.Signer(salt=SALT).unsign(signed)
    except signing.BadSignature:
        return None


def customer_page_path(access_token: str) -> str:
    return reverse("order-customer-page", kwargs={"token": signed_token(access_token)})


def customer_page_url(access_token: str) -> str:
    return settings.PUBLIC_URL.rstrip("/") + customer_page_path(access_token)
