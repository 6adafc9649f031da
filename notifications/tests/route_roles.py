"""Who may use the notifications API (read by the permission-matrix test): any signed-in
person, each seeing and changing only their own notifications and choices."""

from __future__ import annotations

from typing import Any

from arvlite.core.roles import Role
from arvlite.core.tests.matrix import Expect
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
}
