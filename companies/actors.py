"""Who acts in a service call, and which user row (if any) records it.

Services take ``actor: Actor``: a signed-in ``User``; an API key's ``ApiKeyPrincipal``
(acts for the key's company, is no user row); or ``None`` for the system (tasks, sweeps)
and for customers on public pages. ``AnonymousUser`` is what ``request.user`` holds for a
visitor who is not signed in; it counts as no actor, like ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser

from companies.models import User

if TYPE_CHECKING:
    # Only the annotation needs it: authentication imports the API-key services, which audit.
    from companies.authentication import ApiKeyPrincipal

__all__ = ["Actor", "actor_user"]

Actor: TypeAlias = "User | ApiKeyPrincipal | AnonymousUser | None"


def actor_user(actor: Actor) -> User | None:
    """The user to record as creator or in the audit trail: the actor when it is a saved
    user; ``None`` for an API key, the system or a visitor (their changes name no user)."""
    return actor if isinstance(actor, User) and actor.pk is not None else None
