"""The second step of signing in to the portal and the admin.

Every way in (password, Yandex, the admin's form) ends in Django's ``login()``; for a person
with two-factor sign-in that session is then *waiting for a code*: every page redirects to
the code page, the session signs no API call in (DRF sees an anonymous visitor), and the
live-notification socket is refused, until ``session_verified`` marks it. Fail-closed: a
session that has no mark is checked against the database (once, for people without a
device, whose mark then says so).
"""

from __future__ import annotations

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
from companies.two_factor import has_two_factor

# "<user id>:code" once the code was given in this session, "<user id>:none" for a person
# without two-factor sign-in. Bound to the user id so that it never carries over.
_MARK = "_arvlite_second_factor"


def session_verified(request: HttpRequest, user: User) -> None:
    """This session gave its code (or has just enrolled). A new session key, as at sign-in."""
    request.session.cycle_key()
    request.session[_MARK] = f"{user.pk}:code"


def session_waits_for_code(session: Any, user: Any) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    mark = session.get(_MARK)
    if mark in (f"{user.pk}:code", f"{user.pk}:none"):
        return False
    if not has_two_factor(user):
        session[_MARK] = f"{user.pk}:none"
        return False
    return True


@receiver(user_logged_in, dispatch_uid="companies_second_factor_mark")
def mark_new_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # At sign-in, so that later requests of a person without a device check nothing.
    session = getattr(request, "session", None)
    if session is not None and isinstance(user, User):
        session.pop(_MARK, None)
        session_waits_for_code(session, user)


def wrong_code(request: HttpRequest, user: User) -> None:
    """A wrong code counts like a wrong password in django-axes' records and lockout."""
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)


def _open_paths() -> tuple[str, ...]:
    # What a session waiting for its code may still open: the code page, signing out, the
    # language switch and static files.
    return (reverse("two-factor-verify"), reverse("logout"), reverse("set_language"), settings.STATIC_URL)


class TwoFactorSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # No session cookie, no signed-in person: nothing loaded, nothing to check.
        if session is not None and session.session_key and session_waits_for_code(session, request.user):
            path = request.path
            if path.startswith(_open_paths()):
                pass
            elif path.startswith("/api/"):
                request.user = AnonymousUser()
            else:
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                target = reverse("two-factor-verify") + (f"?{query}" if query else "")
                return HttpResponseRedirect(target)
        return self.get_response(request)
