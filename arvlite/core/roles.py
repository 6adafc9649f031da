"""Company roles, ordered: each role can do everything the roles below it can."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    MANAGER = "manager", _("Manager")
    OWNER = "owner", _("Owner")


# What each role may do, in the words shown wherever a role is chosen.
ROLE_HELP = {
    Role.OWNER: _("Everything, including members, billing and deleting the company."),
    Role.MANAGER: _("Everything except members and billing: company settings, API keys, payments, "
                    "refunds, invoices and storage."),
    Role.EDITOR: _("Creates and edits projects, AR content, videos and orders, and publishes content."),
    Role.VIEWER: _("Sees everything, changes nothing."),
}  # fmt: skip

_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.MANAGER: 3, Role.OWNER: 4}


def role_allows(held: str | None, required: str | None) -> bool:
    """True when a member holding ``held`` may do what needs ``required``.

    ``required=None`` means the action is not available to any role (closed by default).
    """
    if held is None or required is None:
        return False
    return _RANK[Role(held)] >= _RANK[Role(required)]
