"""Where a person is signed in: one ``UserSession`` per browser session (written at sign-in,
its "last activity" refreshed at most every few minutes), listed on the account page, where
each can be signed out. Refresh tokens of the JWT API are listed beside them and can be
revoked; "sign out everywhere else" does both."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, user_logged_in
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from ua_parser import parse

from arvlite.core.clientip import client_ip
from companies.models import User, UserSession

# Seconds between two writes of a session's last activity: not a write per request.
ACTIVITY_INTERVAL = 300
# Kept in the session itself: [its key, when its row was last written]. A new key (sign-in,
# password change) writes at once.
_SEEN = "_arvlite_seen"


@dataclass(frozen=True)
class SignedInDevice:
    pk: int
    device: str
    ip: str
    signed_in_at: datetime
    last_seen_at: datetime
    current: bool


@lru_cache(maxsize=512)
def _agent_parts(user_agent: str) -> tuple[str, str]:
    result = parse(user_agent.strip()) if user_agent.strip() else None
    browser = result.user_agent.family if result and result.user_agent else ""
    system = result.os.family if result and result.os else ""
    device = result.device.family if result and result.device else ""
    browser = "" if browser == "Other" else browser
    system = "" if system == "Other" else system
    if device and device not in ("Other", "Spider", "Generic Smartphone") and device != system:
        system = f"{system} ({device})" if system else device
    return browser, system


def describe_agent(user_agent: str) -> str:
    """A browser in words for people: "Chrome on Windows", "Mobile Safari on iOS (iPhone)"."""
    browser, system = _agent_parts(user_agent)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


def _address(request: HttpRequest) -> str | None:
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:  # no REMOTE_ADDR (test clients) or garbage
        return None


def _record(request: HttpRequest, user: Any, key: str) -> None:
    agent = request.META.get("HTTP_USER_AGENT", "")[:400]
    address = _address(request)
    try:
        with transaction.atomic():
            UserSession.objects.update_or_create(
                session_id=key,
                defaults={"user": user, "user_agent": agent, "ip": address, "last_seen_at": timezone.now()},
            )
    except IntegrityError:  # the session row is not (or no longer) in the database
        return
    request.session[_SEEN] = [key, time.time()]


@receiver(user_logged_in, dispatch_uid="companies_record_session")
def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Django's own hook for every way in (password, Yandex, sign-up, invitation, test logins).
    if request is None or not hasattr(request, "session") or not request.session.session_key:
        return  # a flushed session gets its key on save: the next request records it
    _record(request, user, request.session.session_key)


class SessionActivityMiddleware:
    """Refreshes the signed-in session's row after the view, at most every ACTIVITY_INTERVAL
    seconds (a session signed in before this existed gets its row the same way)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        key = session.session_key if session is not None else None
        if not key:  # no session cookie: nothing to look at, nothing loaded
            return response
        assert session is not None
        seen = session.get(_SEEN)
        if (
            isinstance(seen, list)
            and len(seen) == 2
            and seen[0] == key
            and time.time() - seen[1] < ACTIVITY_INTERVAL
        ):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            _record(request, user, key)
        return response


def _still_signed_in(data: dict[str, Any], user: User) -> bool:
    # A password change leaves other sessions' rows behind until they are next used;
    # they no longer sign anybody in, so they are not listed.
    return str(data.get(SESSION_KEY)) == str(user.pk) and constant_time_compare(
        str(data.get(HASH_SESSION_KEY, "")), user.get_session_auth_hash()
    )


def session_list_for_user(*, user: User, current_key: str | None) -> list[SignedInDevice]:
    """The browsers where ``user`` is signed in, the most recently active first."""
    rows = (
        UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now())
        .select_related("session")
        .order_by("-last_seen_at", "-pk")
    )
    return [
        SignedInDevice(
            pk=row.pk,
            device=describe_agent(row.user_agent),
            ip=row.ip or "",
            signed_in_at=row.created_at,
            last_seen_at=row.last_seen_at,
            current=row.session_id == current_key,
        )
        for row in rows
        if row.session_id == current_key or _still_signed_in(row.session.get_decoded(), user)
    ]


def _end(session_keys: list[str]) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for key in session_keys:
        store.delete(key)  # the UserSession row goes with it (cascade)
    UserSession.objects.filter(session_id__in=session_keys).delete()


def session_end(*, user: User, pk: int, current_key: str | None) -> bool:
    """Sign ``user`` out of one of their own browsers (never another person's; the current
    one is signed out through the usual sign-out). False when there is no such session."""
    key = (
        UserSession.objects.filter(user=user, pk=pk)
        .exclude(session_id=current_key or "")
        .values_list("session_id", flat=True)
        .first()
    )
    if key is None:
        return False
    _end([key])
    return True


def session_end_others(*, user: User, current_key: str | None) -> int:
    """Sign ``user`` out everywhere but this browser; the number of sessions ended."""
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_id=current_key or "")
        .values_list("session_id", flat=True)
    )
    _end(keys)
    return len(keys)


@dataclass(frozen=True)
class ApiSignIn:
    """A refresh token issued to an app or script (the JWT token endpoint) and still alive."""

    pk: int
    issued_at: datetime
    expires_at: datetime


def _live_refresh_tokens(user: User) -> list[Any]:
    from rest_framework_simplejwt.exceptions import TokenBackendError
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.state import token_backend
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
    from rest_framework_simplejwt.utils import get_md5_hash_password

    rows = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).order_by("-created_at", "-pk")
    password_claim = get_md5_hash_password(user.password)
    live = []
    for row in rows:
        # Tokens from before a password change are dead already (their claim is checked on
        # refresh); they are not listed.
        try:
            payload = token_backend.decode(row.token, verify=False)  # type: ignore[arg-type]  # a str, as at run time
        except TokenBackendError:
            continue
        if payload.get(api_settings.REVOKE_TOKEN_CLAIM) == password_claim:
            live.append(row)
    return live


def refresh_token_list_for_user(*, user: User) -> list[ApiSignIn]:
    return [
        ApiSignIn(pk=row.pk, issued_at=row.created_at, expires_at=row.expires_at)
        for row in _live_refresh_tokens(user)
    ]


def _blacklist(rows: list[Any]) -> None:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    for row in rows:
        BlacklistedToken.objects.get_or_create(token=row)


def refresh_token_revoke(*, user: User, pk: int) -> bool:
    rows = [row for row in _live_refresh_tokens(user) if row.pk == pk]
    _blacklist(rows)
    return bool(rows)


def sign_out_everywhere_else(*, user: User, current_key: str | None) -> tuple[int, int]:
    """End every other browser session and revoke every refresh token; (sessions, tokens).
    Access tokens already issued run out by themselves (JWT_ACCESS_MINUTES, 15 by default)."""
    rows = _live_refresh_tokens(user)
    with transaction.atomic():
        _blacklist(rows)
    return session_end_others(user=user, current_key=current_key), len(rows)
