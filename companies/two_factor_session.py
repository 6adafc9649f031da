"""The last steps of signing in to the portal and the admin.

Every way in (password, Yandex, the admin's form) ends in Django's ``login()``. The session
is then *not yet complete* when the person has two-factor sign-in and has not given a code
here (step "code"), or belongs to a company that requires it and has not turned it on
(step "enrol"). Until the step is done the session is an anonymous visitor everywhere —
pages, the API, the templates' header, the notification socket — except on the one page
that completes it (``request.sign_in_user`` holds the person there) and on signing out;
pages that need a person redirect to that page, public pages (the viewer, the storefront,
customers' order pages) just see a visitor.

The session keeps what was found (``_MARK``), bound to the user id and looked at again
after ``RECHECK_SECONDS``, so a person without a device pays two small queries a minute,
and a device or a company rule added elsewhere reaches every session within that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import user_logged_in, user_login_failed
from django.contrib.auth.models import AnonymousUser
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from companies.models import User
from companies.two_factor import has_two_factor, must_enrol

_MARK = "_arvlite_sign_in"
RECHECK_SECONDS = 60
CODE, ENROL = "code", "enrol"
# Served to visitors whoever they are: a session that is not complete sees them as one.
PUBLIC_PREFIXES = (
    "/api/", "/view/", "/ar/", "/shop/", "/orders/", "/brand/", "/files/", "/.well-known/",
    "/healthz", "/readyz", "/metrics", "/i18n/", "/notifications-sw.js",
)  # fmt: skip


def session_verified(request: HttpRequest, user: User) -> None:
    """This session gave its code (or has just enrolled). A new session key, as at sign-in."""
    request.session.cycle_key()
    request.session[_MARK] = {
        "user": user.pk,
        "code": True,
        "device": True,
        "enrol": False,
        "at": time.time(),
    }


def session_recheck(request: HttpRequest) -> None:
    """Look again at the next request (after the person turned two-factor sign-in off)."""
    request.session.pop(_MARK, None)


def sign_in_step(session: Any, user: Any) -> str | None:
    """``CODE``, ``ENROL`` or None (the session is complete) for ``user`` in ``session``."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    mark = session.get(_MARK)
    if not isinstance(mark, dict) or mark.get("user") != user.pk:
        mark = {"user": user.pk, "code": False, "at": 0}
    if time.time() - mark.get("at", 0) >= RECHECK_SECONDS:
        mark["device"] = has_two_factor(user)
        mark["enrol"] = not mark["device"] and must_enrol(user)
        mark["at"] = time.time()
        session[_MARK] = mark
    if mark["device"] and not mark["code"]:
        return CODE
    return ENROL if mark["enrol"] else None


@receiver(user_logged_in, dispatch_uid="companies_sign_in_mark")
def mark_new_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Looked at once at sign-in, so that the requests that follow check nothing.
    session = getattr(request, "session", None)
    if session is not None and isinstance(user, User):
        session.pop(_MARK, None)
        sign_in_step(session, user)


def wrong_code(request: HttpRequest, user: User) -> None:
    """A wrong code counts like a wrong password in django-axes' records and lockout."""
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)


def _redirect(request: HttpRequest, target: str) -> HttpResponse:
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):  # htmx would swap the page into a fragment
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


class TwoFactorSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # No session cookie, no signed-in person: nothing loaded, nothing to check.
        if session is None or not session.session_key:
            return self.get_response(request)
        step = sign_in_step(session, request.user)
        if step is None:
            return self.get_response(request)
        request.sign_in_user = request.user  # type: ignore[attr-defined]  # for the page that completes it
        request.sign_in_step = step  # type: ignore[attr-defined]
        request.user = AnonymousUser()
        finish = reverse("two-factor-verify" if step == CODE else "two-factor-page")
        path = request.path
        open_paths = (
            finish,
            reverse("logout"),
            reverse("set_language"),
            settings.STATIC_URL,
            *PUBLIC_PREFIXES,
        )
        if path == finish or path.startswith(open_paths):
            return self.get_response(request)
        return _redirect(request, finish)
