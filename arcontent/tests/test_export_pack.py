"""The export pack, opened as the customer would: its page is in the requester's language
(and says so in ``lang``) and lists exactly the files the zip holds."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from companies.files import stored_file_create
from companies.models import Company, StoredFile, User

pytestmark = pytest.mark.django_db
Clients = Callable[[User], APIClient]
MIND = b"\x00mind-target\x01" * 8


def _pack(client: APIClient, company: Company, content: ARContent, language: str) -> zipfile.ZipFile:
    response = client.get(
        f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/export.zip",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.getvalue()))


def _listed(page: str) -> set[str]:
    listing = page.split("<ul data-files>", 1)[1].split("</ul>", 1)[0]
    return set(re.findall(r'<a href="([^"]+)">', listing))


def _with_web_target(company: Company) -> ARContent:
    target = stored_file_create(
        company=company, kind=StoredFile.Kind.WEB_TARGET, content=io.BytesIO(MIND),
        original_name="target.mind", generated_mime="application/octet-stream",
    )  # fmt: skip
    return make_content(company, web_target=target, web_target_status=ARContent.WebTarget.READY)


def test_it_lists_the_web_target_only_when_the_pack_holds_one(
    api_client_for: Clients, company: Company, viewer: User
) -> None:
    client = api_client_for(viewer)
    with_target = _pack(client, company, _with_web_target(company), "en")
    without = _pack(client, company, make_content(company), "en")

    assert "target.mind" in with_target.namelist()
    assert with_target.read("target.mind") == MIND
    assert "target.mind" not in without.namelist()
    for archive in (with_target, without):
        page = archive.read("index.html").decode()
        assert _listed(page) == set(archive.namelist()) - {"index.html"}
    assert "MindAR" in with_target.read("index.html").decode()
    assert "target.mind" not in without.read("index.html").decode()
    assert "MindAR" not in without.read("index.html").decode()


@pytest.mark.parametrize(("language", "heading"), [("en", "Online"), ("ru", "Онлайн")])
def test_the_page_is_in_the_requesters_language_and_says_so(
    api_client_for: Clients, company: Company, viewer: User, language: str, heading: str
) -> None:
    archive = _pack(api_client_for(viewer), company, make_content(company), language)
    page = archive.read("index.html").decode()
    assert f'<html lang="{language}">' in page
    assert f"<h2>{heading}</h2>" in page


def test_the_page_places_the_video_as_the_scene_says(
    api_client_for: Clients, company: Company, viewer: User
) -> None:
    from arcontent.tests.test_scene_api import frame_png
    from arvlite.core.tenancy import company_scope
    from videos.tests.factories import make_video

    overlay = stored_file_create(company=company, kind=StoredFile.Kind.OVERLAY,
                                 content=io.BytesIO(frame_png()), original_name="frame.png")  # fmt: skip
    content = make_content(company, scene_overlay=overlay, scene={
        "fit": "contain", "scale": 0.8, "offset_x": 0.1, "loop": False, "sound_on": False, "fade_in_ms": 700,
    })  # fmt: skip
    with company_scope(company):
        video = make_video(content)
        video.rendition_720 = video.original
        video.save()
    archive = _pack(api_client_for(viewer), company, content, "en")
    page = archive.read("index.html").decode()
    assert archive.read("overlay.png") == frame_png()
    assert _listed(page) == set(archive.namelist()) - {"index.html"}
    placed = re.search(r"<video [^>]*data-scene-video[^>]*>", page)
    assert placed is not None
    tag = placed.group(0)
    # 0.8 of the print, its centre 0.1 of the width right of the photo's centre.
    assert "left: 20.000%; top: 10.000%; width: 80.000%; height: 80.000%" in tag
    assert "object-fit: contain" in tag
    assert "animation-duration: 700ms" in tag
    assert " muted" in tag
    assert " loop" not in tag
    assert 'src="overlay.png"' in page
