"""Bulk workflow actions: the services, the task, the portal pages and the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from arcontent.bulk import services
from arcontent.bulk.models import BulkJob
from arcontent.bulk.tasks import run_bulk_job
from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import AuditEntry, Company, User
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db
Status = ARContent.Status
Clients = Callable[[User], APIClient]


def active(company: Company) -> ARContent:
    now = timezone.now()
    return make_content(company, status=Status.ACTIVE, published_at=now, expires_at=now + timedelta(days=300))


def publishable(company: Company) -> ARContent:
    """Ready content with a ready video (publishing needs one)."""
    content = make_content(company)
    with company_scope(company):
        make_video(content)
    return content


def statuses(company: Company, contents: list[ARContent]) -> list[str]:
    with company_scope(company):
        return [ARContent.objects.get(pk=c.pk).status for c in contents]


@pytest.mark.usefixtures("scoped")
def test_it_publishes_what_it_can_and_says_why_not_for_the_rest(company: Company, editor: User) -> None:
    ready, draft = publishable(company), make_content(company, status=Status.DRAFT)
    poor = make_content(company, analysis={"score": 10, "level": "poor"})
    make_video(poor)
    job = services.bulk_job_start(
        company=company, actor=editor, kind="publish", ids=[ready.unique_id, draft.unique_id, poor.unique_id]
    )
    assert (job.status, job.total, job.done, job.failed) == ("done", 3, 1, 2)
    assert statuses(company, [ready, draft, poor]) == [Status.ACTIVE, Status.DRAFT, Status.READY]
    by_id = {item["id"]: item for item in job.results}
    assert by_id[str(ready.unique_id)]["ok"] is True
    assert "cannot be published" in by_id[str(draft.unique_id)]["message"]
    assert "trackability: poor" in by_id[str(poor.unique_id)]["message"]
    # Each item went through the service: its own audit entry, plus the job's.
    with company_scope(company):
        actions = list(AuditEntry.objects.filter(company=company).values_list("action", flat=True))
    assert actions.count("content.publish") == 1
    assert "content.bulk_publish" in actions


@pytest.mark.usefixtures("scoped")
def test_another_companys_ids_are_not_found_like_ids_of_nothing(
    company: Company, other_company: Company, editor: User
) -> None:
    mine, theirs = make_content(company), make_content(other_company)
    nothing = uuid.uuid4()
    job = services.bulk_job_start(
        company=company, actor=editor, kind="archive", ids=[mine.unique_id, theirs.unique_id, nothing]
    )
    assert (job.done, job.failed) == (1, 2)
    messages = {item["id"]: item for item in job.results}
    assert messages[str(theirs.unique_id)] == {**messages[str(nothing)], "id": str(theirs.unique_id)}
    assert messages[str(theirs.unique_id)]["order_number"] == ""  # nothing of theirs is told
    assert statuses(other_company, [theirs]) == [Status.READY]


@pytest.mark.usefixtures("scoped")
def test_a_resubmitted_job_changes_nothing_twice(company: Company, editor: User) -> None:
    contents = [active(company), active(company)]
    ids = [c.unique_id for c in contents]
    first = services.bulk_job_start(company=company, actor=editor, kind="pause", ids=ids)
    again = services.bulk_job_start(company=company, actor=editor, kind="pause", ids=ids)
    assert (first.done, again.done, again.failed) == (2, 2, 0)
    assert {item["message"] for item in again.results} == {"Already paused."}
    with company_scope(company):
        assert AuditEntry.objects.filter(action="content.pause").count() == 2


@pytest.mark.usefixtures("scoped")
def test_bad_selections_are_refused(company: Company, editor: User) -> None:
    for kind, ids, field in (
        ("explode", [uuid.uuid4()], "action"),
        ("publish", [], "ids"),
        ("publish", ["not-a-uuid"], "ids"),
        ("publish", [uuid.uuid4() for _ in range(services.MAX_ITEMS + 1)], "ids"),
    ):
        with pytest.raises(services.ValidationError) as refused:
            services.bulk_job_start(company=company, actor=editor, kind=kind, ids=ids)
        assert field in refused.value.message_dict
    with pytest.raises(services.ValidationError):
        services.bulk_job_start(company=company, actor=editor, kind="renew", ids=[uuid.uuid4()],
                                options={"years": 99})  # fmt: skip


@pytest.mark.usefixtures("scoped")
def test_a_large_job_runs_on_the_worker_after_commit_with_progress(
    company: Company, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    contents = [publishable(company) for _ in range(services.INLINE_MAX + 2)]
    with django_capture_on_commit_callbacks() as queued:
        job = services.bulk_job_start(
            company=company, actor=editor, kind="publish", ids=[c.unique_id for c in contents]
        )
    assert job.status == "queued"
    assert len(queued) == 1  # sent only once the job row is committed
    with scopes_disabled():
        run_bulk_job(job.pk, actor_id=editor.pk)
        job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.percent) == ("done", len(contents), 0, 100)
    assert set(statuses(company, contents)) == {Status.ACTIVE}
    with scopes_disabled():  # a second delivery: already claimed, nothing happens
        run_bulk_job(job.pk, actor_id=editor.pk)
        job.refresh_from_db()
    assert len(job.results) == len(contents)


@pytest.mark.usefixtures("scoped")
def test_a_task_skips_items_already_done_after_a_crash(company: Company, editor: User) -> None:
    first, second = make_content(company), make_content(company)
    with company_scope(company):
        job = BulkJob.objects.create(
            company=company, user=editor, kind="archive", content_ids=[first.pk, second.pk], total=2, done=1,
            results=[{"id": str(first.unique_id), "order_number": first.order_number, "ok": True, "message": "x"}],
        )  # fmt: skip
    with scopes_disabled():
        run_bulk_job(job.pk, actor_id=editor.pk)
        job.refresh_from_db()
    assert (job.done, job.failed, len(job.results)) == (2, 0, 2)
    assert statuses(company, [first, second]) == [Status.READY, Status.ARCHIVED]


@pytest.mark.usefixtures("scoped")
def test_renew_extends_each_term(company: Company, editor: User) -> None:
    content = active(company)
    job = services.bulk_job_start(company=company, actor=editor, kind="renew", ids=[content.unique_id],
                                  options={"years": "2"})  # fmt: skip
    assert job.done == 1
    with company_scope(company):
        renewed = ARContent.objects.get(pk=content.pk)
    assert content.expires_at is not None
    assert renewed.expires_at is not None
    assert renewed.expires_at.year == content.expires_at.year + 2


@pytest.mark.usefixtures("scoped")
def test_a_removed_editor_does_not_act_on_the_worker(company: Company, editor: User) -> None:
    with company_scope(company):
        job = BulkJob.objects.create(company=company, user=editor, kind="pause", content_ids=[], total=0)
    editor.memberships.update(role="viewer")
    assert services.bulk_job_actor(job, editor.pk) is None


# --- portal ------------------------------------------------------------------------------


def test_the_list_shows_checkboxes_to_editors_only(client: Client, company: Company, editor: User,
                                                   viewer: User) -> None:  # fmt: skip
    make_content(company)
    client.force_login(viewer)
    assert b'data-testid="bulk-check"' not in client.get(f"/c/{company.slug}/content/").content
    client.force_login(editor)
    assert b'data-testid="bulk-check"' in client.get(f"/c/{company.slug}/content/").content


def test_the_portal_starts_a_job_and_shows_its_summary(
    client: Client, company: Company, editor: User
) -> None:
    ready, draft = publishable(company), make_content(company, status=Status.DRAFT)
    client.force_login(editor)
    response = client.post(f"/c/{company.slug}/content/bulk/",
                           {"action": "publish", "ids": [str(ready.unique_id), str(draft.unique_id)]})  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page
    assert "1 item done" in page
    assert "1 item refused" in page
    assert "cannot be published" in page


def test_htmx_gets_the_card_or_the_errors(client: Client, company: Company, editor: User) -> None:
    content = make_content(company)
    client.force_login(editor)
    url = f"/c/{company.slug}/content/bulk/"
    card = client.post(url, {"action": "archive", "ids": [str(content.unique_id)]}, HTTP_HX_REQUEST="true")
    assert card.status_code == 200
    assert b'data-testid="bulk-job"' in card.content
    refused = client.post(url, {"action": "archive"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert b"Choose at least one content." in refused.content


def test_another_companys_job_is_404(client: Client, company: Company, other_company: Company,
                                     outsider: User) -> None:  # fmt: skip
    with company_scope(company):
        job = BulkJob.objects.create(company=company, kind="pause", total=0)
    client.force_login(outsider)
    assert client.get(f"/c/{other_company.slug}/content/bulk/{job.pk}/").status_code == 404
    assert client.get(f"/c/{other_company.slug}/content/bulk/{job.pk}/status/").status_code == 404


# --- API ---------------------------------------------------------------------------------


def test_the_api_starts_a_job_and_reports_each_item(api_client_for: Clients, company: Company,
                                                    editor: User) -> None:  # fmt: skip
    content, draft = publishable(company), make_content(company, status=Status.DRAFT)
    client = api_client_for(editor)
    response = client.post(f"/api/v1/companies/{company.slug}/ar-content/bulk/",
                           {"action": "publish", "ids": [str(content.unique_id), str(draft.unique_id)]},
                           format="json")  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["done"], body["failed"]) == ("done", 1, 1)
    assert [item["ok"] for item in body["results"]] == [True, False]
    again = client.get(f"/api/v1/companies/{company.slug}/bulk-jobs/{body['id']}/")
    assert again.json()["results"] == body["results"]


def test_the_api_queues_a_large_job(api_client_for: Clients, company: Company, editor: User) -> None:
    ids = [str(make_content(company).unique_id) for _ in range(services.INLINE_MAX + 1)]
    response = api_client_for(editor).post(f"/api/v1/companies/{company.slug}/ar-content/bulk/",
                                           {"action": "archive", "ids": ids}, format="json")  # fmt: skip
    assert response.status_code == 202  # eager in tests, but sent only after the commit
    assert response.json()["status"] == "queued"


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"action": "fly", "ids": [str(uuid.uuid4())]}, "action"), ({"action": "publish", "ids": []}, "ids"),
     ({"action": "publish", "ids": ["x"]}, "ids"), ({"action": "renew", "ids": [str(uuid.uuid4())], "years": 0}, "years")],
)  # fmt: skip
def test_the_api_refuses_bad_input_in_the_error_format(
    api_client_for: Clients, company: Company, editor: User, payload: dict[str, Any], field: str
) -> None:
    response = api_client_for(editor).post(f"/api/v1/companies/{company.slug}/ar-content/bulk/", payload,
                                           format="json")  # fmt: skip
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["errors"]


def test_the_api_hides_another_companys_job(api_client_for: Clients, company: Company, other_company: Company,
                                            outsider: User) -> None:  # fmt: skip
    with company_scope(company):
        job = BulkJob.objects.create(company=company, kind="pause", total=0)
    response = api_client_for(outsider).get(f"/api/v1/companies/{other_company.slug}/bulk-jobs/{job.pk}/")
    assert response.status_code == 404


def test_operators_read_jobs_in_the_admin_and_change_nothing(client: Client, company: Company) -> None:
    from companies.tests.factories import UserFactory

    with company_scope(company):
        job = BulkJob.objects.create(company=company, kind="pause", total=0)
    client.force_login(UserFactory(email="operator@arvlite.example.com", is_staff=True, is_superuser=True))
    assert b"pause" in client.get("/admin/arcontent/bulkjob/").content
    assert client.get(f"/admin/arcontent/bulkjob/{job.pk}/change/").status_code == 200
    assert client.post(f"/admin/arcontent/bulkjob/{job.pk}/change/", {"kind": "publish"}).status_code == 403
