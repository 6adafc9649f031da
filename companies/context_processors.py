"""Template context shared by every portal page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from companies.selectors import membership_list_for_user


def portal(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's companies (for the switcher) and the company being viewed."""
    context: dict[str, Any] = {
        "current_company": getattr(request, "company", None),
        "current_membership": getattr(request, "membership", None),
        "PUBLIC_URL": settings.PUBLIC_URL,
        # The Yandex button only where the keys are configured (otherwise it leads to an error).
        "yandex_sign_in": bool(
            settings.SOCIAL_AUTH_YANDEX_OAUTH2_KEY and settings.SOCIAL_AUTH_YANDEX_OAUTH2_SECRET
        ),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_memberships"] = membership_list_for_user(user=user)
    return context
