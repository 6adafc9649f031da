"""Routes outside the company-scoped API and portal: each must be listed here with who may
use it, and the public viewer routes must never reveal what a company keeps private
(customers' names and contacts, internal project names, unpublished content)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from arvlite.core.tests.test_permission_matrix import PORTAL_PREFIX, _walk
from projects.tests.factories import ProjectFactory
from videos.tests.factories import make_video

# Route name → who may use it. "viewer": the public viewer (anyone, content by its secret id).
OUTSIDE_ROUTES = {
    "healthz": "anyone", "readyz": "anyone", "metrics": "a scraper with METRICS_TOKEN or from METRICS_ALLOWED_NETWORKS",
    "stored-file": "signed link or member session", "schema": "anyone", "swagger-ui": "anyone", "redoc": "anyone",
    "set_language": "anyone", "login": "anyone", "logout": "signed in", "begin": "anyone", "complete": "anyone",
    "idp_launch": "anyone", "app_launch": "anyone", "disconnect": "signed in", "disconnect_individual": "signed in",
    "home": "anyone", "signup": "anyone", "password_reset": "anyone", "password_reset_done": "anyone",
    "password_reset_confirm": "anyone", "password_reset_complete": "anyone", "invitation-accept-page": "token holder",
    "company-create-page": "signed in", "company-logo": "anyone (logos are public branding)",
    "viewer-check": "viewer", "viewer-manifest": "viewer", "viewer-active-video": "viewer", "viewer-sessions": "viewer",
    "viewer-demo-list": "viewer", "viewer-page": "viewer", "viewer-legacy-redirect": "viewer",
    "assetlinks": "anyone", "apple-app-site-association": "anyone",
    "order-customer-page": "signed link holder (the customer)", "order-customer-renew": "signed link holder",
    "shop-page": "anyone (the storefront)", "shop-photo-check": "anyone (rate-limited)",
    "shop-upload-list": "anyone (rate-limited)", "shop-upload-detail": "holder of the upload id",
    "order-customer-pay": "signed link holder", "order-customer-status": "signed link holder",
    "order-customer-document": "signed link holder (only the documents of that order)",
    "payment-sandbox-page": "holder of the sandbox payment id (only where PAYMENT_SANDBOX is on)",
    "notification-list-page": "signed in (their own)", "notification-open": "signed in (their own, else 404)",
    "notification-preferences-page": "signed in (their companies)",
    "notification-unsubscribe": "signed link holder (from the e-mail)",
    "notification-customer-unsubscribe": "signed link holder (a customer's reminder e-mail)",
    "notifications-service-worker": "anyone (the Web Push service worker script)",
    "account-page": "signed in (their own account)",
    "signup-sent": "anyone", "email-verify": "token holder (the confirmation link)",
    "email-verify-resend": "signed in (their own address)",
    "account-session-end": "signed in (their own sessions, else 404)",
    "account-sessions-end-others": "signed in (their own sessions and API tokens)",
    "account-token-revoke": "signed in (their own refresh tokens, else 404)",
    "two-factor-page": "signed in (their own second factor)",
    "two-factor-verify": "a session that gave its password and waits for its code",
}  # fmt: skip
VIEWER_PATHS = [
    "/api/viewer/ar/{uid}/check",
    "/api/viewer/ar/{uid}/manifest",
    "/api/viewer/ar/{uid}/active-video",
    "/view/{uid}",
    "/ar/{uid}",
]
SECRETS = ("Jane Secret-Customer", "+79161234567", "jane@customer.example", "Internal Project Codename")

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_route_outside_the_company_scope_is_listed() -> None:
    from django.urls import get_resolver

    outside = {
        pattern.name
        for route, pattern in _walk(get_resolver().url_patterns)
        if pattern.name and not route.startswith(("api/v1/", PORTAL_PREFIX, "admin/"))
    }
    missing = outside - set(OUTSIDE_ROUTES)
    assert not missing, f"Say who may use these routes in OUTSIDE_ROUTES: {sorted(missing)}"
    assert not set(OUTSIDE_ROUTES) - outside, "OUTSIDE_ROUTES lists routes that no longer exist"


@pytest.fixture
def private_content(company: Any) -> ARContent:
    with company_scope(company):
        project = ProjectFactory(company=company, name="Internal Project Codename")
        content = make_content(
            company, project=project, status=ARContent.Status.ACTIVE, customer_name="Jane Secret-Customer",
            customer_phone="+79161234567", customer_email="jane@customer.example",
            expires_at=timezone.now() + timedelta(days=30),
        )  # fmt: skip
        make_video(content, title="Our wedding")
    return content


@pytest.mark.parametrize("status", [ARContent.Status.ACTIVE, ARContent.Status.PAUSED, ARContent.Status.DRAFT])
def test_viewer_routes_reveal_nothing_private(private_content: ARContent, status: str) -> None:
    with company_scope(private_content.company):
        private_content.status = status
        private_content.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for template in VIEWER_PATHS:
        response = client.get(template.format(uid=private_content.unique_id), follow=True)
        assert response.status_code < 500
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body, (template, secret)
    session = client.post(
        f"/api/viewer/ar/{private_content.unique_id}/sessions",
        data=json.dumps({"session_id": str(uuid.uuid4()), "event": "start"}),
        content_type="application/json",
    )
    # A session only of content that plays (issue 18: reports of unpublished content were taken).
    assert session.status_code == (202 if status == ARContent.Status.ACTIVE else 409)
    assert not any(secret in session.content.decode() for secret in SECRETS)


def test_viewer_routes_never_fail_on_odd_ids(db: None) -> None:
    client = Client()
    for odd in ("x", "demo_0", "demo_99", "0" * 36, "%00", "ÿ", "a" * 300, str(uuid.uuid4()).upper()):
        for template in VIEWER_PATHS:
            assert client.get(template.format(uid=odd)).status_code < 500, (template, odd)
        assert (
            client.post(
                f"/api/viewer/ar/{odd}/sessions", data="{}", content_type="application/json"
            ).status_code
            < 500
        )


def test_the_logo_of_a_deactivated_company_is_gone(company: Any) -> None:
    from django.core.files.base import ContentFile

    from companies.tests.media import png_bytes

    with company_scope(company):
        company.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    assert Client().get(f"/brand/{company.pk}/logo").status_code == 200
    company.status = company.Status.DEACTIVATED
    company.save()
    assert Client().get(f"/brand/{company.pk}/logo").status_code == 404
    assert Client().get("/brand/999999999/logo").status_code == 404
