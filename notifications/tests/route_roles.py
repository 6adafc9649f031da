"""Who may use the notifications API (read by the permission-matrix test): any signed-in
person, each seeing and changing only their own notifications and choices."""

from __future__ import annotations

from typing import Any

from arvlite.core.roles import Role
from arvlite.core.tests.matrix import Expect, Page
from companies.models import Company


def _preference(company: Company) -> dict[str, Any]:
    return {"company": company.slug, "event": "video.ready", "channel": "email", "enabled": False}


API_ROUTES = {
    "notification-list": Expect({"GET": Role.VIEWER}, kind="user"),
    "notification-read": Expect({"POST": Role.VIEWER}, kind="user", kwargs=lambda company: {"pk": 1}),
    "notification-read-all": Expect({"POST": Role.VIEWER}, kind="user"),
    "notification-preference-list": Expect(
        {"GET": Role.VIEWER, "POST": Role.VIEWER}, kind="user", payloads={"POST": _preference}
    ),
    # A malformed token is refused (400) by those allowed past the roles: nothing leaves for Telegram.
    "telegram-bot": Expect(
        {"GET": Role.OWNER, "PUT": Role.OWNER, "DELETE": Role.OWNER},
        payloads={"PUT": lambda company: {"bot_token": "not-a-token"}},
    ),
    "telegram-link": Expect({"POST": Role.VIEWER, "DELETE": Role.VIEWER}),
    "telegram-webhook": Expect(
        {"POST": None}, kind="public", kwargs=lambda company: {"company_slug": company.slug}
    ),
    "push-subscription": Expect(
        {"POST": Role.VIEWER, "DELETE": Role.VIEWER},
        kind="user",
        payloads={"POST": lambda company: {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": {}}},
    ),
}

PORTAL_PAGES = {
    "telegram-bot-page": Page(Role.OWNER, post=lambda company: {"bot_token": "not-a-token"}),
    "telegram-link-page": Page(Role.VIEWER, post=lambda company: {"action": "unlink"}),
}
