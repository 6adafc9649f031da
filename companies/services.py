"""Writes about users, companies and memberships."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from arvlite.core.audit import audit_log
from arvlite.core.roles import Role
from companies.models import Company, Membership, User


@transaction.atomic
def company_create(*, name: str, slug: str, owner: User, contact_email: str = "") -> Company:
    """Create a company; its creator becomes its owner. Audited."""
    company = Company.objects.create(name=name, slug=slug, contact_email=contact_email)
    Membership.objects.create(company=company, user=owner, role=Role.OWNER)
    audit_log(company=company, actor=owner, action="company.create", target=company)
    return company


@transaction.atomic
def membership_set(*, company: Company, user: User, role: str, actor: Any = None) -> Membership:
    """Give ``user`` ``role`` in ``company`` (adding them if needed). Audited when it changes."""
    membership, created = Membership.objects.get_or_create(
        company=company, user=user, defaults={"role": role}
    )
    previous = None if created else membership.role
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    if created or previous != role:
        audit_log(
            company=company,
            actor=actor,
            action="membership.set",
            target=membership,
            changes={"role": [previous, role]},
        )
    return membership
