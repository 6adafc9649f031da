"""Role checks driven by attributes declared on each view (see CompanyScopedMixin)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from arvlite.core.roles import role_allows


def required_role(view: Any, method: str) -> str | None:
    """The role a view needs for this request: ``action_roles[action]`` if declared, else
    ``read_role`` for safe methods and ``write_role`` for the rest."""
    action = getattr(view, "action", None)
    action_roles = getattr(view, "action_roles", {}) or {}
    if action and action in action_roles:
        return action_roles[action]
    if method in SAFE_METHODS:
        return getattr(view, "read_role", None)
    return getattr(view, "write_role", None)


class HasCompanyRole(BasePermission):
    """Allow the request only when the member's role in the view's company reaches the
    role the view declares for it; a member below it gets 403."""

    message = "Your role in this company does not allow this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        membership = getattr(view, "membership", None)
        if membership is None:
            return False
        return role_allows(membership.role, required_role(view, request.method or "GET"))


class IsSignedInPerson(BasePermission):
    """A signed-in person (JWT or session). API keys act for a company, so they are
    limited to company routes."""

    message = "Sign in to do this. API keys work only on company routes."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and not hasattr(user, "api_key"))
