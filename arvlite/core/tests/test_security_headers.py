"""Issue 18 item 5: every HTML page carries a Content-Security-Policy without inline
scripts (a per-request nonce instead) and the other browser security headers; stored files
are served so that nothing uploaded can run as a page of this site. The browser walk of every
portal page (test_mobile_pages.py) fails on any console error, CSP refusals included."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.security_headers import STORED_FILE_POLICY
from arvlite.core.tenancy import company_scope, scopes_disabled
from arvlite.core.tests.test_mobile_pages import _pages
from companies.models import StoredFile
from companies.tests.factories import CompanyFactory, MembershipFactory, UserFactory
from orders.tests.factories import make_order
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db

# An inline event handler attribute, or a script element that is neither a file, nor data,
# nor carrying the nonce.
_HANDLER = re.compile(rb"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
_SCRIPT = re.compile(rb"<script\b([^>]*)>", re.IGNORECASE)


def _directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def _assert_page_headers(response: Any, label: str, *, camera: bool = False) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = _directives(policy)
    assert "script-src" in directives or "default-src" in directives, (label, policy)
    scripts = directives.get("script-src", directives.get("default-src", ""))
    assert "'unsafe-inline'" not in scripts, (label, policy)
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", (label, policy)
    assert directives.get("object-src") == "object-src 'none'", (label, policy)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", label
    assert response.headers.get("Referrer-Policy") == "same-origin", label
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", label
    permissions = response.headers.get("Permissions-Policy", "")
    assert ("camera=(self)" if camera else "camera=()") in permissions, (label, permissions)
    assert "microphone=()" in permissions, (label, permissions)
    assert "geolocation=()" in permissions, (label, permissions)
    body = response.content
    assert not _HANDLER.search(body), (label, _HANDLER.search(body))
    nonce = re.search(r"'nonce-([^']+)'", scripts)
    for attributes in _SCRIPT.findall(body):
        inert = b"src=" in attributes or b'type="application/json"' in attributes
        nonced = nonce is not None and f'nonce="{nonce.group(1)}"'.encode() in attributes
        assert inert or nonced, (label, attributes)


@pytest.fixture
def studio() -> tuple[Any, Any, Any]:
    company = CompanyFactory(slug="headers")
    owner = UserFactory()
    MembershipFactory(company=company, user=owner, role=Role.OWNER)
    with company_scope(company):
        content = make_content(company)
        make_video(content)
        make_order(company)
    return company, owner, content


def test_every_portal_page_has_the_policy_and_headers(studio: tuple[Any, Any, Any]) -> None:
    company, owner, _ = studio
    pages = _pages(company, owner)
    assert len(pages) > 30  # the walk found the portal, not a handful of pages
    client = Client()
    client.force_login(owner)
    for name, path in pages:
        _assert_page_headers(client.get(path, HTTP_ACCEPT="text/html"), f"{name} {path}")


def test_the_nonce_is_new_on_every_request(studio: tuple[Any, Any, Any]) -> None:
    _, owner, _ = studio
    client = Client()
    client.force_login(owner)
    first = client.get(reverse("account-page"))["Content-Security-Policy"]
    second = client.get(reverse("account-page"))["Content-Security-Policy"]
    assert re.search(r"'nonce-[\w-]{16,}'", first)
    assert first != second


def test_a_not_modified_answer_keeps_the_cached_policy() -> None:
    """A browser merges a 304's headers into the cached page; a new nonce would block the
    scripts of the page it keeps."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from arvlite.core.security_headers import SecurityHeadersMiddleware

    request = RequestFactory().get("/")
    page = SecurityHeadersMiddleware(lambda r: HttpResponse("<p>hi</p>"))(request)
    not_modified = SecurityHeadersMiddleware(lambda r: HttpResponse(status=304))(request)
    assert "Content-Security-Policy" in page
    assert "Content-Security-Policy" not in not_modified
    assert not_modified["Permissions-Policy"]


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password-reset/", "/admin/login/", "/api/docs/",
     "/api/redoc/", "/no-such-page/"],
)  # fmt: skip
def test_public_pages_have_the_policy_and_headers(path: str) -> None:
    _assert_page_headers(Client().get(path, HTTP_ACCEPT="text/html"), path)


def test_swagger_ui_starts_from_a_script_file() -> None:
    docs = Client().get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI's start-up script is a separate file (drf-spectacular's split view).
    script = re.search(rb'<script src="([^"]*\?script=[^"]*)"', docs.content)
    assert script is not None, docs.content[:2000]
    started = Client().get(script.group(1).decode().replace("&amp;", "&"))
    assert started.status_code == 200
    assert started["Content-Type"].startswith("application/javascript")


def test_the_admin_pages_have_the_policy(studio: tuple[Any, Any, Any], admin_client: Client) -> None:
    for path in ("/admin/", "/admin/companies/company/", f"/admin/companies/company/{studio[0].pk}/change/"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        _assert_page_headers(response, path)


def test_the_web_viewer_page_may_use_the_camera(studio: tuple[Any, Any, Any]) -> None:
    company = studio[0]
    now = timezone.now()
    with company_scope(company):
        content = make_content(company, status=ARContent.Status.ACTIVE, published_at=now,
                               expires_at=now + timedelta(days=365))  # fmt: skip
        make_video(content)
    response = Client().get(f"/view/{content.unique_id}")
    assert response.status_code == 200
    _assert_page_headers(response, "/view", camera=True)


def test_a_stored_file_never_runs_as_a_page(studio: tuple[Any, Any, Any]) -> None:
    """An HTML-looking file in storage (as an old upload or a polyglot might be) is served
    sandboxed, not sniffed, and named, whoever opens the link."""
    company, owner, _ = studio
    key = f"{company.pk}/files/evil/page.svg"
    default_storage.save(
        key, ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    )
    with scopes_disabled():
        StoredFile.objects.create(company=company, kind="photo", key=key, size=80, sha256="0" * 64,
                                  mime_type="image/svg+xml", original_name="page.svg")  # fmt: skip
    client = Client()
    client.force_login(owner)
    response = client.get(f"/files/{key}")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STORED_FILE_POLICY
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename=")
    default_storage.delete(key)
