"""The operators' dashboard on the back office's index: figures across companies, each
linking to a changelist that holds the same rows, workers' heartbeats, and who sees it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arcontent.models import ARContent, ViewSession
from arcontent.tests.factories import make_content
from arvlite.core.admin_dashboard import start_of_today
from arvlite.core.models import WorkerHeartbeat
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, StoredFile, User
from companies.tests.factories import MembershipFactory, UserFactory
from notifications.models import Delivery
from videos.models import Video
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db
FIGURE = re.compile(r'<a href="([^"]+)" data-figure="([^"]+)"><strong>([^<]+)</strong>')
GIB = 1024**3


@pytest.fixture
def operator(client: Client) -> User:
    user = UserFactory(email="operator@arvlite.example.com", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _figures(client: Client) -> dict[str, tuple[str, str]]:
    response = client.get("/admin/")
    assert response.status_code == 200
    return {
        label: (value, url.replace("&amp;", "&"))
        for url, label, value in FIGURE.findall(response.content.decode())
    }


def _scan(content: ARContent, started_at: datetime, *, counted: bool = True) -> None:
    ViewSession.objects.create(company=content.company, project=content.project, content=content,
                               started_at=started_at, counted_view=counted)  # fmt: skip


def _delivery(company: Company, status: str) -> None:
    Delivery.objects.create(company=company, event="content.ready", channel="email", address="a@example.com",
                            subject="Ready", status=status)  # fmt: skip


@pytest.fixture
def two_studios(company: Company, other_company: Company) -> None:
    """Rows of both companies: what the figures must add up across tenants."""
    today = start_of_today()
    for studio in (company, other_company):
        with company_scope(studio):
            published = make_content(studio, status=ARContent.Status.ACTIVE)
            _scan(published, today + timedelta(minutes=5))
            _scan(published, today + timedelta(minutes=6), counted=False)  # only session events
            _scan(published, today - timedelta(minutes=1))  # yesterday
    with company_scope(company):
        make_content(company, pipeline_status=ARContent.Pipeline.FAILED, status=ARContent.Status.DRAFT)
        make_content(company, web_target_status=ARContent.WebTarget.FAILED)
        make_video(make_content(company), status=Video.Status.FAILED)
        _delivery(company, Delivery.Status.FAILED)
        _delivery(company, Delivery.Status.SENT)
        StoredFile.objects.create(company=company, kind="photo", key="held/unpaid.jpg", size=5 * GIB,
                                  sha256="0" * 64, mime_type="image/jpeg",
                                  held_until=timezone.now() + timedelta(hours=1))  # fmt: skip
    with company_scope(other_company):
        make_video(make_content(other_company, status=ARContent.Status.PAUSED))
        _delivery(other_company, Delivery.Status.FAILED)


def test_the_figures_add_up_both_companies_and_link_to_the_same_rows(
    client: Client, operator: User, two_studios: None
) -> None:
    figures = _figures(client)
    with scopes_disabled():
        used = sum(StoredFile.objects.filter(held_until__isnull=True).values_list("size", flat=True))
    assert used < GIB  # the 5 GiB held file is left out
    from django.template.defaultfilters import filesizeformat

    assert {label: value for label, (value, _url) in figures.items()} == {
        "companies": "2",
        "published content": "2",
        "scans today": "2",
        "storage used": str(filesizeformat(used)),
        "photo pipelines failed": "1",
        "web AR targets failed": "1",
        "videos failed to process": "1",
        "notification deliveries failed": "2",
    }
    for label, (value, url) in figures.items():
        response = client.get(url)
        assert response.status_code == 200, (label, url)
        if label != "storage used":
            changelist = response.context["cl"]
            assert changelist.result_count == int(value), (label, url)
            assert not changelist.has_filters or changelist.has_active_filters or label == "companies"


def test_the_failures_are_highlighted_only_when_there_are_some(
    client: Client, operator: User, company: Company
) -> None:
    html = client.get("/admin/").content.decode()
    assert 'class="ops-alert"' not in html
    with company_scope(company):
        make_content(company, pipeline_status=ARContent.Pipeline.FAILED, status=ARContent.Status.DRAFT)
    html = client.get("/admin/").content.decode()
    assert html.count('class="ops-alert"') == 1


def test_the_page_makes_the_same_queries_however_many_rows(
    client: Client, operator: User, company: Company, other_company: Company
) -> None:
    with company_scope(company):
        make_content(company, status=ARContent.Status.ACTIVE)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    with company_scope(other_company):
        for _each in range(4):
            content = make_content(other_company, status=ARContent.Status.ACTIVE)
            _scan(content, timezone.now())
    WorkerHeartbeat.objects.create(hostname="w1@host", pid=1, seen_at=timezone.now())
    WorkerHeartbeat.objects.create(hostname="w2@host", pid=2, seen_at=timezone.now())
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/")
    assert len(many) == len(few)


def test_it_shows_each_worker_with_how_long_ago_it_was_seen(client: Client, operator: User) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="media@node-1", pid=10, seen_at=now - timedelta(seconds=30))
    WorkerHeartbeat.objects.create(hostname="default@node-2", pid=11, seen_at=now - timedelta(minutes=10))
    html = client.get("/admin/").content.decode()
    workers = html.split('data-testid="workers"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr( class=\"ops-late\")?>\s*<td>([^<]+)</td>\s*<td[^>]*>([^<]+)", workers)
    assert [(host, bool(late)) for late, host, _ago in rows] == [
        ("media@node-1", False),
        ("default@node-2", True),
    ]
    assert re.match(r"(30|31|32) seconds ago", rows[0][2])
    assert "no-worker" not in html


def test_without_any_heartbeat_it_says_no_worker_was_seen(
    client: Client, operator: User, settings: object
) -> None:
    eager = client.get("/admin/").content.decode()
    assert "No worker seen: tasks run inside the web process" in eager
    settings.CELERY_TASK_ALWAYS_EAGER = False  # type: ignore[attr-defined]
    queued = client.get("/admin/").content.decode()
    assert "No worker seen: no Celery worker has reported" in queued


def test_members_who_are_not_staff_never_see_it(client: Client, owner: User, two_studios: None) -> None:
    client.force_login(owner)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "operator-dashboard" not in client.get("/admin/", follow=True).content.decode()


def test_staff_see_only_the_figures_of_what_they_may_view(client: Client, two_studios: None) -> None:
    clerk = UserFactory(email="clerk@arvlite.example.com", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_company"))
    client.force_login(clerk)
    html = client.get("/admin/").content.decode()
    assert [label for _url, label, _value in FIGURE.findall(html)] == ["companies"]
    assert 'data-testid="workers"' not in html
    assert "no-worker" not in html


def test_an_operator_without_a_company_is_shown_the_back_office_at_home(
    client: Client, operator: User
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/admin/"' in html
    assert "operator-dashboard-link" in html
    assert "Create your company" not in html


def test_an_operator_who_belongs_to_a_company_goes_to_it(
    client: Client, operator: User, company: Company
) -> None:
    MembershipFactory(company=company, user=operator, role=Role.OWNER)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/c/{company.slug}/"


def test_a_member_without_a_company_is_asked_to_create_one(client: Client) -> None:
    client.force_login(UserFactory(email="new@studio.example.com"))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/companies/new/"


def test_sizes_in_the_admin_are_human_readable(client: Client, operator: User, company: Company) -> None:
    import uuid

    from videos.models import UploadSession

    with company_scope(company):
        stored = StoredFile.objects.create(company=company, kind="photo", key="sizes/big.jpg", size=3 * GIB,
                                           sha256="0" * 64, mime_type="image/jpeg")  # fmt: skip
        video = make_video(make_content(company))
        Video.objects.filter(pk=video.pk).update(size_bytes=5 * 1024**2)
        upload = UploadSession.objects.create(company=company, upload_id=uuid.uuid4(), length=2 * 1024**2,
                                              offset=1024**2, expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    Company.objects.filter(pk=company.pk).update(storage_quota_bytes=10 * GIB)
    pages = {
        "/admin/companies/company/": ["10.0\xa0GB"],
        f"/admin/companies/company/{company.pk}/change/": ["of 10.0\xa0GB"],
        "/admin/companies/storedfile/": ["3.0\xa0GB"],
        f"/admin/companies/storedfile/{stored.pk}/change/": ["3.0\xa0GB"],
        f"/admin/videos/video/{video.pk}/change/": ["5.0\xa0MB"],
        "/admin/videos/uploadsession/": ["2.0\xa0MB", "1.0\xa0MB"],
        f"/admin/videos/uploadsession/{upload.pk}/change/": ["2.0\xa0MB", "1.0\xa0MB"],
    }
    for url, shown in pages.items():
        html = client.get(url).content.decode()
        for text in shown:
            assert text in html, (url, text)
        # Raw byte counts only where they are typed in (the quota's input), never as text.
        assert not re.search(rf">\s*({3 * GIB}|{10 * GIB}|{5 * 1024**2}|{2 * 1024**2})\s*<", html), url
    # Sizes the system measured are not editable either.
    assert 'name="size_bytes"' not in client.get(f"/admin/videos/video/{video.pk}/change/").content.decode()
