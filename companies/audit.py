"""The audit trail: services call ``audit_log`` for every state change that matters
(publish, pay, refund, invoice, delete, role changes)."""

from __future__ import annotations

from typing import Any

import structlog
from django.db import models

from companies.actors import Actor, actor_user
from companies.models import AuditEntry, Company

logger = structlog.get_logger(__name__)


def audit_log(
    *,
    company: Company,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` (``"<entity>.<verb>"``) to ``target``.

    Call it inside the service's transaction so the entry and the change commit together.
    ``changes`` must be JSON-serialisable, e.g. ``{"status": ["draft", "active"]}``.
    """
    # An API key is authenticated but is not a user: such changes are recorded without one.
    user = actor_user(actor)
    entry = AuditEntry.objects.create(
        company=company,
        actor=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        changes=changes or {},
    )
    logger.info(
        "audit",
        action=action,
        company_id=company.pk,
        actor_id=user.pk if user else None,
        target=f"{entry.target_type}:{entry.target_id}",
    )
    return entry
