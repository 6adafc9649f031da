"""Publishing as a studio meets it in its first hour: refused without a video to play (with
the sentence saying what to add), "publish anyway" past a similar-marker warning in one
click, the QR code on the content page, and similar content linked only within the company."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from arcontent import services
from arcontent.models import ARContent
from arcontent.tests.factories import make_content, publishable
from arvlite.core.tenancy import company_scope
from companies.models import AuditEntry, Company, User
from companies.tests.factories import api_key_client
from videos.models import Video
from videos.tests.factories import playable_video

pytestmark = pytest.mark.django_db
S = ARContent.Status
NO_VIDEO = "Add a video before publishing: it is what a scan of the print plays."


def similar_to(other: ARContent, *, same_company: bool = True) -> list[dict[str, Any]]:
    if not same_company:
        return [{"same_company": False, "inliers": 80}]
    return [{"same_company": True, "unique_id": str(other.unique_id), "order_number": other.order_number,
             "inliers": 80}]  # fmt: skip


def page_of(company: Company, content: ARContent, rest: str = "") -> str:
    return f"/c/{company.slug}/content/{content.unique_id}/{rest}"


# --- no video, no publishing -------------------------------------------------------------


def test_it_refuses_publishing_without_any_video_and_says_what_to_add(company: Company, editor: User) -> None:
    with company_scope(company):
        content = make_content(company)
        with pytest.raises(ValidationError) as refused:
            services.content_publish(content=content, actor=editor)
        assert refused.value.messages == [NO_VIDEO]
        content.refresh_from_db()
        assert content.status == S.READY
        assert content.published_at is None


@pytest.mark.parametrize(
    ("video", "sentence"),
    [
        ({"status": Video.Status.PROCESSING}, "Wait until the video is processed"),
        ({"status": Video.Status.UPLOADED}, "Wait until the video is processed"),
        ({"status": Video.Status.READY, "enabled": False}, "Turn a ready video on"),
        ({"status": Video.Status.READY, "end_date": "past"}, "Turn a ready video on"),
        ({"status": Video.Status.FAILED}, "The videos could not be processed"),
    ],
)
def test_it_says_why_the_videos_there_cannot_play(
    company: Company, editor: User, video: dict[str, Any], sentence: str
) -> None:
    if video.get("end_date") == "past":
        video = {**video, "end_date": timezone.localdate() - timedelta(days=3)}
    with company_scope(company):
        content = make_content(company)
        Video.objects.create(company=company, content=content, **video)
        reasons = services.publish_blockers(content)
        assert len(reasons) == 1
        assert reasons[0].startswith(sentence)
        with pytest.raises(ValidationError, match=sentence):
            services.content_publish(content=content, actor=editor)


def test_a_ready_enabled_video_lets_it_publish(company: Company, editor: User) -> None:
    with company_scope(company):
        content = make_content(company)
        playable_video(content, end_date=timezone.localdate())  # plays until the end of today
        assert services.publish_blockers(content) == []
        assert services.content_publish(content=content, actor=editor).status == S.ACTIVE


def test_the_portal_shows_the_refusal_as_one_sentence(client: Client, company: Company, editor: User) -> None:
    content = make_content(company)
    client.force_login(editor)
    detail = client.get(page_of(company, content)).content.decode()
    assert NO_VIDEO in detail  # listed before the click, too
    answer = client.post(page_of(company, content, "publish/"), follow=True).content.decode()
    assert answer.count(NO_VIDEO) == 2  # the message and the list of blockers
    content.refresh_from_db()
    assert content.status == S.READY


def test_the_api_refuses_with_the_sentence_in_the_error_body(
    api_client_for: Any, company: Company, editor: User
) -> None:
    content = make_content(company)
    response = api_client_for(editor).post(
        f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/publish/"
    )
    assert response.status_code == 400
    assert response.json()["message"] == NO_VIDEO
    listed = api_client_for(editor).get(f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/")
    assert listed.json()["publish_blockers"] == [NO_VIDEO]


def test_resuming_paused_content_needs_a_video_too(company: Company, editor: User) -> None:
    with company_scope(company):
        content = publishable(company)
        services.content_publish(content=content, actor=editor)
        services.content_pause(content=content, actor=editor)
        Video.objects.filter(content=content).update(enabled=False)
        with pytest.raises(ValidationError, match="Turn a ready video on"):
            services.content_resume(content=content, actor=editor)


# --- publish anyway ----------------------------------------------------------------------


def test_publish_anyway_accepts_the_warning_and_publishes_in_one_click(
    client: Client, company: Company, editor: User
) -> None:
    other = make_content(company)
    content = publishable(company, similar_matches=similar_to(other))
    client.force_login(editor)
    detail = client.get(page_of(company, content)).content.decode()
    assert 'data-testid="action-publish-anyway"' in detail
    assert 'data-testid="action-publish"' not in detail  # it would only be refused
    answer = client.post(page_of(company, content, "publish-anyway/"), follow=True).content.decode()
    assert "Published: scans now play the video." in answer
    content.refresh_from_db()
    assert content.status == S.ACTIVE
    assert content.similar_override_by == editor
    with company_scope(company):
        actions = set(AuditEntry.objects.filter(target_id=str(content.pk)).values_list("action", flat=True))
    assert {"content.override_similar", "content.publish"} <= actions


def test_publish_anyway_without_a_video_keeps_the_acceptance_and_says_what_is_left(
    client: Client, company: Company, editor: User
) -> None:
    content = make_content(company, similar_matches=similar_to(make_content(company)))
    client.force_login(editor)
    answer = client.post(page_of(company, content, "publish-anyway/"), follow=True).content.decode()
    assert NO_VIDEO in answer
    content.refresh_from_db()
    assert content.status == S.READY
    assert content.similar_override_by == editor
    assert 'data-testid="action-publish"' in answer  # the warning is gone; plain publishing is next


def test_viewers_cannot_publish_anyway(client: Client, company: Company, viewer: User) -> None:
    content = publishable(company, similar_matches=similar_to(make_content(company)))
    client.force_login(viewer)
    assert client.post(page_of(company, content, "publish-anyway/")).status_code == 403
    content.refresh_from_db()
    assert (content.status, content.similar_override_by_id) == (S.READY, None)


def test_the_api_publishes_past_the_warning_with_accept_similar(
    api_client_for: Any, company: Company, editor: User
) -> None:
    content = publishable(company, similar_matches=similar_to(make_content(company), same_company=False))
    client = api_client_for(editor)
    url = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/publish/"
    refused = client.post(url)
    assert refused.status_code == 400
    assert "looks like another marker" in refused.json()["message"]
    published = client.post(url, {"accept_similar": True}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "active"
    assert published.json()["similar"]["overridden"] is True


def test_an_api_key_cannot_accept_the_warning(company: Company) -> None:
    content = publishable(company, similar_matches=similar_to(make_content(company)))
    url = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/publish/"
    response = api_key_client(company).post(url, {"accept_similar": True}, format="json")
    assert response.status_code == 403
    content.refresh_from_db()
    assert content.status == S.READY


# --- the QR code and the similar content on the page ----------------------------------------


def test_the_qr_code_is_on_the_content_page_with_copy_and_download(
    client: Client, company: Company, viewer: User, settings: Any
) -> None:
    content = make_content(company)
    client.force_login(viewer)
    detail = client.get(page_of(company, content)).content.decode()
    svg = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/qr.svg"
    png = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/qr.png"
    assert f'<img src="{svg}"' in detail
    assert f'data-link="{settings.PUBLIC_URL}/view/{content.unique_id}"' in detail
    assert f'href="{png}" download data-testid="qr-download"' in detail
    image = client.get(svg)  # the portal's session is enough for the inline image
    assert image.status_code == 200
    assert image["Content-Type"].startswith("image/svg+xml")


def test_similar_content_of_the_same_company_is_a_link(
    client: Client, company: Company, viewer: User
) -> None:
    other = make_content(company)
    content = make_content(company, similar_matches=similar_to(other))
    client.force_login(viewer)
    detail = client.get(page_of(company, content)).content.decode()
    assert (
        f'<a href="{page_of(company, other)}" data-testid="similar-link">{other.order_number}</a>' in detail
    )


def test_another_companys_similar_content_is_never_named_or_linked(
    client: Client, company: Company, other_company: Company, viewer: User
) -> None:
    theirs = make_content(other_company)
    # Even a match recorded as "same company" (it never should be) is resolved within the
    # company before it becomes a link: the other company's content is not found.
    content = make_content(
        company, similar_matches=[*similar_to(theirs, same_company=False), *similar_to(theirs)]
    )
    client.force_login(viewer)
    detail = client.get(page_of(company, content)).content.decode()
    assert "another customer" in detail
    assert str(theirs.unique_id) not in detail
    assert 'data-testid="similar-link"' not in detail


def test_a_deleted_similar_content_is_named_without_a_link(
    client: Client, company: Company, viewer: User
) -> None:
    other = make_content(company)
    content = make_content(company, similar_matches=similar_to(other))
    number = other.order_number
    other.delete()
    client.force_login(viewer)
    detail = client.get(page_of(company, content)).content.decode()
    assert f"Looks like your content {number}." in detail
    assert 'data-testid="similar-link"' not in detail
