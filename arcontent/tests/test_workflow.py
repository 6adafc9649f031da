"""Order numbers and the publishing workflow."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from arcontent import services
from arcontent.models import ARContent
from arcontent.tests.factories import make_content, publishable
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from companies.tests.factories import CompanyFactory
from projects.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoped")]
S = ARContent.Status


def test_order_numbers_run_per_company_and_year(company: Company, other_company: Company) -> None:
    with transaction.atomic():
        first = services.order_number_next(company=company, year=2026)
        second = services.order_number_next(company=company, year=2026)
        theirs = services.order_number_next(company=other_company, year=2026)
        next_year = services.order_number_next(company=company, year=2027)
    assert (first, second, theirs, next_year) == (
        "ARV-2026-000001", "ARV-2026-000002", "ARV-2026-000001", "ARV-2027-000001",
    )  # fmt: skip


def test_a_rolled_back_creation_gives_its_number_back(company: Company) -> None:
    def allocate_then_fail() -> None:
        with transaction.atomic():
            services.order_number_next(company=company, year=2026)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        allocate_then_fail()
    with transaction.atomic():
        assert services.order_number_next(company=company, year=2026) == "ARV-2026-000001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_get_distinct_numbers_without_gaps() -> None:
    company = CompanyFactory()
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def allocate() -> None:
        try:
            start.wait()
            with transaction.atomic():
                results.append(services.order_number_next(company=company, year=2026))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [f"ARV-2026-{n:06d}" for n in range(1, 9)]


def test_publishing_starts_the_term(company: Company, editor: User) -> None:
    content = publishable(company, term_years=2)
    before = timezone.now()
    services.content_publish(content=content, actor=editor)
    content.refresh_from_db()
    assert content.status == S.ACTIVE
    assert content.published_at is not None
    assert content.published_at >= before
    assert content.expires_at is not None
    assert content.expires_at.year == before.year + 2


@pytest.mark.parametrize("status", [S.DRAFT, S.PROCESSING, S.EXPIRED, S.ARCHIVED])
def test_only_ready_or_paused_content_can_be_published(company: Company, editor: User, status: str) -> None:
    content = make_content(company, status=status)
    with pytest.raises(ValidationError, match="cannot be published"):
        services.content_publish(content=content, actor=editor)
    content.refresh_from_db()
    assert content.status == status


def test_a_similar_marker_blocks_publishing_until_an_editor_overrides(company: Company, editor: User) -> None:
    content = publishable(company, similar_matches=[{"same_company": False, "inliers": 120}])
    with pytest.raises(ValidationError, match="looks like another marker"):
        services.content_publish(content=content, actor=editor)
    services.content_override(content=content, actor=editor, what="similar")
    assert services.content_publish(content=content, actor=editor).status == S.ACTIVE


def test_a_poor_score_blocks_publishing_until_an_editor_overrides(company: Company, editor: User) -> None:
    content = publishable(company, analysis={"score": 12, "level": "poor", "recommendations": []})
    with pytest.raises(ValidationError, match="hard to recognise"):
        services.content_publish(content=content, actor=editor)
    services.content_override(content=content, actor=editor, what="quality")
    assert services.content_publish(content=content, actor=editor).status == S.ACTIVE


def test_pause_resume_and_illegal_moves(company: Company, editor: User) -> None:
    content = publishable(company)
    with pytest.raises(ValidationError, match="cannot be paused"):
        services.content_pause(content=content, actor=editor)
    services.content_publish(content=content, actor=editor)
    assert services.content_pause(content=content, actor=editor).status == S.PAUSED
    with pytest.raises(ValidationError, match="cannot be paused"):
        services.content_pause(content=content, actor=editor)
    assert services.content_resume(content=content, actor=editor).status == S.ACTIVE
    assert services.content_archive(content=content, actor=editor).status == S.ARCHIVED
    with pytest.raises(ValidationError, match="cannot be renewed"):
        services.content_renew(content=content, actor=editor)


def test_renewing_extends_from_the_later_of_now_and_the_expiry(company: Company, editor: User) -> None:
    future = timezone.now() + timedelta(days=100)
    content = make_content(company, status=S.ACTIVE, expires_at=future, published_at=timezone.now())
    renewed = services.content_renew(content=content, actor=editor, years=1)
    assert renewed.expires_at == future.replace(year=future.year + 1)

    past = timezone.now() - timedelta(days=10)
    expired = make_content(company, status=S.EXPIRED, expires_at=past, published_at=past)
    before = timezone.now()
    renewed = services.content_renew(content=expired, actor=editor)
    assert renewed.status == S.ACTIVE
    assert renewed.expires_at is not None
    assert renewed.expires_at >= before.replace(year=before.year + 1)


def test_the_expiry_job_is_safe_to_repeat(company: Company) -> None:
    past = timezone.now() - timedelta(minutes=1)
    due = make_content(company, status=S.ACTIVE, expires_at=past, published_at=past)
    paused_due = make_content(company, status=S.PAUSED, expires_at=past, published_at=past)
    fine = make_content(company, status=S.ACTIVE, expires_at=timezone.now() + timedelta(days=1))
    assert services.content_expire_due() == 2
    assert services.content_expire_due() == 0
    with scopes_disabled():
        states = {c.pk: c.status for c in ARContent.objects.all()}
    assert states == {due.pk: S.EXPIRED, paused_due.pk: S.EXPIRED, fine.pk: S.ACTIVE}


def test_every_change_is_audited(company: Company, editor: User) -> None:
    from companies.models import AuditEntry

    content = publishable(company)
    services.content_publish(content=content, actor=editor)
    services.content_pause(content=content, actor=editor)
    with company_scope(company):
        entries = list(AuditEntry.objects.filter(target_id=str(content.pk)).order_by("id"))
    assert [e.action for e in entries] == ["content.publish", "content.pause"]
    assert entries[0].changes["status"] == ["ready", "active"]
    assert entries[0].actor == editor


def test_published_content_blocks_deleting_the_company(company: Company, owner: User) -> None:
    from companies.services import company_delete

    content = publishable(company)
    services.content_publish(content=content, actor=owner)
    with pytest.raises(ValidationError, match="1 published AR content"):
        company_delete(company=company, actor=owner)


def test_a_company_with_only_draft_and_archived_content_is_deleted_with_it(
    company: Company, owner: User, api_client_for: Any
) -> None:
    """Found by an outside probe: the content's PROTECT on its project made this a 500."""
    draft = make_content(company)
    archived = make_content(company)
    ARContent.objects.filter(pk=archived.pk).update(status=ARContent.Status.ARCHIVED)

    response = api_client_for(owner).delete(f"/api/v1/companies/{company.slug}/")

    assert response.status_code == 204, response.content
    with scopes_disabled():
        assert not Company.objects.filter(pk=company.pk).exists()
        assert not ARContent.objects.filter(pk__in=[draft.pk, archived.pk]).exists()
        assert not Project.objects.filter(pk=draft.project_id).exists()


def test_a_project_with_content_cannot_be_deleted(company: Company, owner: User) -> None:
    from projects.services import project_delete

    content = make_content(company)
    with pytest.raises(ValidationError, match="still has AR content"):
        project_delete(project=content.project, actor=owner)


def test_deleting_content_removes_its_files(
    company: Company, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.storage import default_storage

    content = make_content(company)
    assert content.photo is not None
    assert content.marker is not None
    keys = [content.photo.key, content.marker.key]
    with django_capture_on_commit_callbacks(execute=True):
        services.content_delete(content=content, actor=editor)
    assert not any(default_storage.exists(key) for key in keys)


def test_published_content_cannot_be_deleted(company: Company, editor: User) -> None:
    content = publishable(company)
    services.content_publish(content=content, actor=editor)
    with pytest.raises(ValidationError, match="Pause or archive"):
        services.content_delete(content=content, actor=editor)


@pytest.mark.parametrize(
    ("raw", "stored"), [("8 912 345-67-89", "+79123456789"), ("+7 (912) 345 67 89", "+79123456789"), ("", "")]
)
def test_phone_numbers_are_normalised(raw: str, stored: str) -> None:
    assert services.normalize_phone(raw) == stored


@pytest.mark.parametrize("raw", ["12", "not a phone", "+7 000"])
def test_bad_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError, match="valid phone number"):
        services.normalize_phone(raw)
