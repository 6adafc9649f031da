"""Company API keys: ``arv_<prefix>_<secret>``, stored as a SHA-256 hash (the secret is
random and long, so a slow password hash adds nothing)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arvlite.core.roles import Role, role_allows
from arvlite.core.tenancy import scopes_disabled
from companies.actors import Actor, actor_user
from companies.audit import audit_log
from companies.models import Company, CompanyApiKey, User

KEY_PREFIX = "arv"
# Keys act for integrations, never as the company's owner.
ASSIGNABLE_ROLES = (Role.VIEWER, Role.EDITOR, Role.MANAGER)
ASSIGNABLE_ROLE_CHOICES = [(role.value, role.label) for role in ASSIGNABLE_ROLES]
# Recording every use would write on every request; once a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    api_key: CompanyApiKey
    key: str  # shown to the user once, never stored


@transaction.atomic
def api_key_create(*, company: Company, actor: Actor, name: str, role: str, actor_role: str) -> IssuedKey:
    """Issue a key acting in ``company`` with ``role`` (at most manager, and at most the
    creator's own role). Audited. The returned ``key`` is the only copy."""
    if role not in ASSIGNABLE_ROLES:
        raise ValidationError({"role": [_("An API key can be viewer, editor or manager.")]})
    if not role_allows(actor_role, role):
        raise ValidationError({"role": [_("You cannot create a key with a higher role than your own.")]})
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = CompanyApiKey.objects.create(
        company=company,
        name=name.strip(),
        prefix=prefix,
        key_hash=_hash(key),
        role=role,
        created_by=actor_user(actor),
    )
    audit_log(
        company=company, actor=actor, action="api_key.create", target=api_key, changes={"role": [None, role]}
    )
    return IssuedKey(api_key=api_key, key=key)


@transaction.atomic
def api_key_revoke(*, api_key: CompanyApiKey, actor: Actor) -> CompanyApiKey:
    """Stop a key from working at once. Audited."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_log(company=api_key.company, actor=actor, action="api_key.revoke", target=api_key)
    return api_key


@transaction.atomic
def api_keys_follow_member(*, company: Company, user: User, role: str | None, actor: Actor) -> int:
    """Revoke the keys ``user`` created in ``company`` that their ``role`` no longer covers
    (``None``: they left). A key was bounded by its creator's role; without this, someone
    removed from a company kept its power through the keys they made. Audited with the
    reason; returns how many were revoked."""
    revoked = 0
    # Filtered by the company itself: callers may be outside its scope (the admin, operators).
    with scopes_disabled():
        keys = CompanyApiKey.objects.select_for_update().filter(
            company=company, created_by=user, revoked_at__isnull=True
        )
        for api_key in keys:
            if role is not None and role_allows(role, api_key.role):
                continue
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
            reason = "creator_left" if role is None else "creator_role_lowered"
            audit_log(company=company, actor=actor, action="api_key.revoke", target=api_key,
                      changes={"reason": [None, reason]})  # fmt: skip
            revoked += 1
    return revoked


class ApiKeyError(Exception):
    pass


def api_key_verify(key: str) -> CompanyApiKey:
    """The active key matching ``key``, or ApiKeyError with the reason."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise ApiKeyError(_("Malformed API key."))
    with scopes_disabled():  # the key names its company; nothing else is known yet
        api_key = CompanyApiKey.objects.select_related("company").filter(prefix=parts[1]).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _hash(key)):
        raise ApiKeyError(_("Invalid API key."))
    if api_key.revoked_at is not None:
        raise ApiKeyError(_("This API key has been revoked."))
    if not api_key.company.is_active:
        raise ApiKeyError(_("This company is no longer active."))
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        with scopes_disabled():
            CompanyApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
