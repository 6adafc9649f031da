"""Who may use the companies app's routes (read by the permission-matrix test)."""

from __future__ import annotations

import uuid
from typing import Any

from arvlite.core.roles import Role
from arvlite.core.tests.matrix import Expect, Page
from companies.models import Company
from companies.tests.factories import InvitationFactory, MembershipFactory, make_api_key


def _unique() -> str:
    return uuid.uuid4().hex[:8]


def fresh_member(company: Company) -> dict[str, Any]:
    return {"pk": MembershipFactory(company=company, role=Role.VIEWER).pk}


def fresh_invitation(company: Company) -> dict[str, Any]:
    return {"pk": InvitationFactory(company=company).pk}


def fresh_file(company: Company) -> dict[str, Any]:
    from companies.tests.media import stored_png

    return {"pk": stored_png(company).pk}


def fresh_api_key(company: Company) -> dict[str, Any]:
    return {"pk": make_api_key(company)[0].pk}


API_ROUTES = {
    # Open to anyone (each answers 4xx to the empty bodies the matrix sends, never 5xx).
    "auth-register": Expect({"POST": None}, kind="public"),
    "company-slug-suggestion": Expect({"GET": Role.VIEWER}, kind="user"),
    "auth-token": Expect({"POST": None}, kind="public"),
    "auth-token-refresh": Expect({"POST": None}, kind="public"),
    "auth-password-reset": Expect({"POST": None}, kind="public"),
    "auth-password-reset-confirm": Expect({"POST": None}, kind="public"),
    # Any signed-in person.
    "auth-logout": Expect({"POST": Role.VIEWER}, kind="user"),
    "auth-me": Expect({"GET": Role.VIEWER}, kind="user"),
    "auth-logout-everywhere": Expect({"POST": Role.VIEWER}, kind="user"),
    "auth-email-verify-resend": Expect({"POST": Role.VIEWER}, kind="user"),
    "auth-password-change": Expect({"POST": Role.VIEWER}, kind="user"),
    "invitation-accept": Expect({"POST": Role.VIEWER}, kind="user"),
    "company-list": Expect(
        {"GET": Role.VIEWER, "POST": Role.VIEWER},
        kind="user",
        payloads={"POST": lambda company: {"name": "New studio", "slug": f"new-{_unique()}"}},
    ),
    # Company routes.
    "company-detail": Expect(
        {"GET": Role.VIEWER, "PATCH": Role.MANAGER, "DELETE": Role.OWNER},
        payloads={"PATCH": lambda company: {"legal_name": "Alice Photo LLC"}},
    ),
    "member-list": Expect({"GET": Role.VIEWER}),
    "member-detail": Expect(
        {"GET": Role.VIEWER, "PATCH": Role.OWNER, "DELETE": Role.OWNER},
        kwargs=fresh_member,
        payloads={"PATCH": lambda company: {"role": Role.EDITOR}},
    ),
    "invitation-list": Expect(
        {"GET": Role.MANAGER, "POST": Role.OWNER},
        payloads={"POST": lambda company: {"email": f"{_unique()}@example.com", "role": Role.EDITOR}},
    ),
    "invitation-resend": Expect({"POST": Role.OWNER}, kwargs=fresh_invitation),
    "invitation-revoke": Expect({"POST": Role.OWNER}, kwargs=fresh_invitation),
    "api-key-list": Expect(
        {"GET": Role.MANAGER, "POST": Role.MANAGER},
        payloads={"POST": lambda company: {"name": "Lab", "role": Role.VIEWER}},
    ),
    "api-key-revoke": Expect({"POST": Role.MANAGER}, kwargs=fresh_api_key),
    "audit-list": Expect({"GET": Role.MANAGER}),
    # POST bodies here are JSON, which the multipart upload answers with 415: past the roles.
    "file-list": Expect({"GET": Role.VIEWER, "POST": Role.EDITOR}),
    "file-detail": Expect({"GET": Role.VIEWER, "DELETE": Role.EDITOR}, kwargs=fresh_file),
    "storage-usage": Expect({"GET": Role.VIEWER}),
    "company-search": Expect({"GET": Role.VIEWER}),
}

PORTAL_PAGES = {
    "company-dashboard": Page(Role.VIEWER),
    "company-settings-page": Page(Role.MANAGER),
    "company-delete-page": Page(Role.OWNER, post=lambda company: {"confirm_slug": "not-the-slug"}),
    "members-page": Page(Role.VIEWER),
    "member-invite-page": Page(
        Role.OWNER, post=lambda company: {"email": f"{_unique()}@example.com", "role": Role.VIEWER}
    ),
    "member-role-page": Page(Role.OWNER, kwargs=fresh_member, post=lambda company: {"role": Role.EDITOR}),
    "member-remove-page": Page(Role.OWNER, kwargs=fresh_member, post=lambda company: {}),
    "invitation-resend-page": Page(Role.OWNER, kwargs=fresh_invitation, post=lambda company: {}),
    "invitation-revoke-page": Page(Role.OWNER, kwargs=fresh_invitation, post=lambda company: {}),
    "api-keys-page": Page(Role.MANAGER),
    "storage-page": Page(Role.VIEWER),
    "search-page": Page(Role.VIEWER),
    "search-suggest-partial": Page(Role.VIEWER),
    "api-key-revoke-page": Page(Role.MANAGER, kwargs=fresh_api_key, post=lambda company: {}),
}
