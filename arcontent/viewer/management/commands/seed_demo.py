"""Create (or refresh) the demo company and its users for the embedded run.

Safe to run again: existing rows are kept and only the passwords are set anew, so the
printed ones always work.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from arcontent.models import ARContent
from arcontent.viewer.demo import ensure_demo_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from companies.services import company_create, membership_set

DEMO_COMPANY_SLUG = "demo-studio"
DEMO_COMPANY_NAME = "Demo Photo Studio"
DEMO_USERS = [
    # (e-mail, full name, role in the demo company or None, is operator)
    ("owner@demo.arvlite.example", "Olga Owner", Role.OWNER, False),
    ("editor@demo.arvlite.example", "Egor Editor", Role.EDITOR, False),
    ("operator@demo.arvlite.example", "Oleg Operator", None, True),
]


class Command(BaseCommand):
    help = "Create or refresh the demo company, its owner and editor, and an operator account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="Use this password for every demo user instead of fresh random ones.",
        )
        parser.add_argument(
            "--no-content",
            action="store_true",
            help="Skip the demo AR content (demo_1 … demo_5 of the viewer API).",
        )

    def handle(
        self, *args: Any, password: str | None = None, no_content: bool = False, **options: Any
    ) -> None:
        company, owner, credentials = self._seed_people(password)
        if not no_content:
            # Outside the people's transaction: each content's pipeline starts on its own commit
            # (in process in the embedded run), so the demos can be published right away.
            with company_scope(company):
                contents = ensure_demo_content(company=company, actor=owner)
            published = [c for c in contents if c.status == ARContent.Status.ACTIVE]
            self.stdout.write(
                f"Demo content: {len(published)} of {len(contents)} published "
                f"(viewer ids demo_1 … demo_{len(contents)}; e.g. /view/demo_1)"
            )
            if len(published) < len(contents):
                self.stdout.write("  Run seed_demo again once the workers have processed the rest.")
        self.stdout.write(self.style.SUCCESS(f"Demo company: {company.name} (/c/{company.slug}/)"))
        for (email, _, role, is_operator), secret in zip(DEMO_USERS, credentials, strict=True):
            what = "operator, /admin/" if is_operator else f"{role} of {company.slug}"
            self.stdout.write(f"  {email:<34} password: {secret:<16} ({what})")

    @transaction.atomic
    def _seed_people(self, password: str | None) -> tuple[Company, User, list[str]]:
        with scopes_disabled():  # seeding crosses no tenant, but runs outside any request
            credentials = [
                self._ensure_user(email, name, is_operator, password)
                for email, name, _, is_operator in DEMO_USERS
            ]
            owner = User.objects.get(email=DEMO_USERS[0][0])
            company = Company.objects.filter(slug=DEMO_COMPANY_SLUG).first()
            if company is None:
                company = company_create(name=DEMO_COMPANY_NAME, slug=DEMO_COMPANY_SLUG, owner=owner)
            for email, _, role, _ in DEMO_USERS:
                if role is not None:
                    membership_set(
                        company=company, user=User.objects.get(email=email), role=role, actor=owner
                    )
        return company, owner, credentials

    def _ensure_user(self, email: str, full_name: str, is_operator: bool, password: str | None) -> str:
        secret = password or secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
        user.is_staff = user.is_superuser = is_operator
        user.is_active = True
        user.set_password(secret)
        user.save()
        return secret
