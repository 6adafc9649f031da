"""Scene settings end to end on the server: the API (content, overlay, project and template
defaults), the audit, the viewer's manifest and active-video, and the cache invalidation."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.test.testcases import TestCase
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests import viewer_contract as contract
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import AuditEntry, Company, StoredFile, User
from projects.models import Project
from projects.tests.factories import ProjectFactory, ProjectTemplateFactory
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db(transaction=True)
Clients = Callable[[User], APIClient]


def frame_png(width: int = 120, height: int = 80, *, hole: bool = True) -> bytes:
    """A red frame with a transparent middle (where the video shows through)."""
    image = Image.new("RGBA", (width, height), (220, 20, 20, 255))
    if hole:
        image.paste((0, 0, 0, 0), (width // 5, height // 5, width * 4 // 5, height * 4 // 5))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def published(company: Company, **fields: Any) -> ARContent:
    with company_scope(company):
        content = make_content(
            company,
            status=ARContent.Status.ACTIVE,
            published_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=365),
            **fields,
        )
        make_video(content, title="Wedding")
    return content


def scene_url(content: ARContent) -> str:
    return f"/api/v1/companies/{content.company.slug}/ar-content/{content.unique_id}/scene/"


def patch(client: APIClient, url: str, body: Any) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.patch(url, body, format="json")


def manifest_scene(content: ARContent) -> dict[str, Any]:
    response = Client().get(f"/api/viewer/ar/{content.unique_id}/manifest")
    assert response.status_code == 200, response.content
    body = response.json()
    contract.validate(body, contract.MANIFEST)
    return body["scene"]


def test_the_manifest_and_active_video_carry_the_whole_scene(company: Company) -> None:
    content = published(company)
    scene = manifest_scene(content)
    assert scene == {
        "fit": "cover", "scale": 1.0, "offset_x": 0.0, "offset_y": 0.0, "corner_radius": 0.0,
        "chroma_key_enabled": False, "chroma_key_color": "#00ff00", "chroma_key_tolerance": 0.3,
        "loop": True, "sound_on": True, "fade_in_ms": 0, "before_ready": "poster", "overlay_url": None,
    }  # fmt: skip
    active = Client().get(f"/api/viewer/ar/{content.unique_id}/active-video").json()
    contract.validate(active, contract.ACTIVE_VIDEO)
    assert active["scene"] == scene


def test_an_editor_changes_the_scene_and_the_next_scan_plays_it(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    content = published(company)
    manifest_scene(content)  # cached now
    client = api_client_for(editor)
    response = patch(
        client, scene_url(content), {"fit": "contain", "scale": 0.8, "chroma_key_color": "#00FF00"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["settings"] == {"fit": "contain", "scale": 0.8, "chroma_key_color": "#00ff00"}
    assert body["effective"]["fit"] == "contain"
    assert body["effective"]["loop"] is True
    scene = manifest_scene(content)  # the cached snapshot was dropped
    assert (scene["fit"], scene["scale"]) == ("contain", 0.8)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="content.scene_update")
    assert entry.changes["fit"] == [None, "contain"]
    assert entry.actor == editor

    # null puts a setting back to the layer below; nothing else moves.
    response = patch(client, scene_url(content), {"fit": None})
    assert response.json()["settings"] == {"scale": 0.8, "chroma_key_color": "#00ff00"}
    assert manifest_scene(content)["fit"] == "cover"


def test_project_defaults_reach_content_that_has_not_set_its_own(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    project = ProjectFactory(company=company)
    own = published(company, project=project, scene={"fit": "stretch"})
    plain = published(company, project=project)
    manifest_scene(plain)
    client = api_client_for(editor)
    url = f"/api/v1/companies/{company.slug}/projects/{project.pk}/scene/"
    response = patch(client, url, {"fit": "contain", "loop": False})
    assert response.status_code == 200, response.content
    assert response.json()["settings"] == {"fit": "contain", "loop": False}
    assert (manifest_scene(plain)["fit"], manifest_scene(plain)["loop"]) == ("contain", False)
    assert (manifest_scene(own)["fit"], manifest_scene(own)["loop"]) == ("stretch", False)
    detail = client.get(scene_url(own)).json()
    assert detail["project_defaults"] == {"fit": "contain", "loop": False}
    assert detail["effective"]["fit"] == "stretch"


def test_a_templates_scene_defaults_pass_to_projects_made_from_it(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    template = ProjectTemplateFactory(company=company)
    client = api_client_for(editor)
    url = f"/api/v1/companies/{company.slug}/project-templates/{template.pk}/scene/"
    assert patch(client, url, {"corner_radius": 0.1}).status_code == 200
    response = client.post(
        f"/api/v1/companies/{company.slug}/projects/",
        {"name": "Weddings", "template": template.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    with scopes_disabled():
        assert Project.objects.get(pk=response.json()["id"]).scene_defaults == {"corner_radius": 0.1}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scale": 0}, "scale"),
        ({"scale": 1000}, "scale"),
        ({"offset_x": 0.7}, "offset_x"),
        ({"offset_y": -3}, "offset_y"),
        ({"chroma_key_color": "green"}, "chroma_key_color"),
        ({"chroma_key_color": "#12345g"}, "chroma_key_color"),
        ({"fit": "zoom"}, "fit"),
        ({"fade_in_ms": 60000}, "fade_in_ms"),
        ({"sparkles": True}, "sparkles"),
    ],
)
def test_bad_settings_are_refused_field_by_field_and_nothing_changes(
    api_client_for: Clients, company: Company, editor: User, body: dict[str, Any], field: str
) -> None:
    content = published(company, scene={"fit": "contain"})
    response = patch(api_client_for(editor), scene_url(content), {**body, "loop": False})
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["code"] == "validation_error"
    assert list(error["errors"]) == [field]
    assert error["errors"][field][0]
    content.refresh_from_db()
    assert content.scene == {"fit": "contain"}  # not half-written: loop was not stored either


def test_a_body_that_is_not_an_object_is_refused(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    content = published(company)
    response = patch(api_client_for(editor), scene_url(content), ["fit", "contain"])
    assert response.status_code == 400
    assert "message" in response.json()


def test_refusals_are_translated(api_client_for: Clients, company: Company, editor: User) -> None:
    content = published(company)
    client = api_client_for(editor)
    response = client.patch(scene_url(content), {"scale": 0}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert "масштаб" in response.json()["errors"]["scale"][0].lower()


def test_another_companys_scene_is_not_found(
    api_client_for: Clients, other_company: Company, outsider: User, company: Company
) -> None:
    content = published(company)
    client = api_client_for(outsider)
    their = f"/api/v1/companies/{other_company.slug}/ar-content/{content.unique_id}/scene/"
    assert client.get(their).status_code == 404
    assert patch(client, their, {"fit": "contain"}).status_code == 404
    overlay = client.put(their + "overlay/", {"file": io.BytesIO(frame_png())}, format="multipart")
    assert overlay.status_code == 404
    project_url = f"/api/v1/companies/{other_company.slug}/projects/{content.project_id}/scene/"
    assert patch(client, project_url, {"fit": "contain"}).status_code == 404
    content.refresh_from_db()
    assert content.scene == {}


def upload(client: APIClient, content: ARContent, data: bytes, name: str = "frame.png") -> Any:
    file = io.BytesIO(data)
    file.name = name
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.put(scene_url(content) + "overlay/", {"file": file}, format="multipart")


def test_an_overlay_frame_is_stored_played_and_replaced(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    content = published(company)
    manifest_scene(content)
    client = api_client_for(editor)
    response = upload(client, content, frame_png())
    assert response.status_code == 200, response.content
    assert response.json()["overlay_url"]
    overlay_url = manifest_scene(content)["overlay_url"]
    assert overlay_url
    assert overlay_url.startswith("http")
    parts = urlsplit(overlay_url)
    served = Client().get(f"{parts.path}?{parts.query}")
    assert served.status_code == 200
    assert served.getvalue() == frame_png()

    assert upload(client, content, frame_png(60, 40)).status_code == 200
    with scopes_disabled():
        assert StoredFile.objects.filter(kind=StoredFile.Kind.OVERLAY).count() == 1  # the old one went
    with TestCase.captureOnCommitCallbacks(execute=True):
        removed = client.delete(scene_url(content) + "overlay/")
    assert removed.status_code == 200
    assert removed.json()["overlay_url"] is None
    assert manifest_scene(content)["overlay_url"] is None
    with scopes_disabled():
        assert not StoredFile.objects.filter(kind=StoredFile.Kind.OVERLAY).exists()
        actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"content.overlay_set", "content.overlay_remove"} <= actions


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 200, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _opaque_png() -> bytes:
    return frame_png(hole=False)


def _truncated_png() -> bytes:
    return frame_png()[:-40]


def _pixel_bomb_png() -> bytes:
    """A PNG whose header claims 30000 × 30000 pixels (the pixel data is a tiny zlib stream)."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_jpeg, "PNG"),
        (lambda: b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "PNG"),
        (lambda: b"", "empty"),
        (_opaque_png, "transparent"),
        (_truncated_png, "damaged"),
        (_pixel_bomb_png, "pixels"),
    ],
)
def test_an_overlay_that_is_not_a_usable_png_is_refused_with_nothing_left(
    api_client_for: Clients, company: Company, editor: User, make: Callable[[], bytes], words: str
) -> None:
    content = published(company)
    response = upload(api_client_for(editor), content, make())
    assert response.status_code == 400, response.content
    message = " ".join(text for texts in response.json()["errors"].values() for text in texts)
    assert words in message
    content.refresh_from_db()
    assert content.scene_overlay_id is None
    with scopes_disabled():
        assert not StoredFile.objects.filter(kind=StoredFile.Kind.OVERLAY).exists()


@override_settings(SCENE_OVERLAY_MAX_BYTES=1000)
def test_an_overlay_over_the_size_limit_is_refused(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    content = published(company)
    big = frame_png(800, 600)
    assert len(big) > 1000
    response = upload(api_client_for(editor), content, big)
    assert response.status_code == 400
    assert "larger than" in response.json()["errors"]["overlay"][0]
    with scopes_disabled():
        assert not StoredFile.objects.filter(kind=StoredFile.Kind.OVERLAY).exists()


def test_viewers_read_but_do_not_change_the_scene(
    api_client_for: Clients, company: Company, viewer: User
) -> None:
    content = published(company)
    client = api_client_for(viewer)
    assert client.get(scene_url(content)).status_code == 200
    assert patch(client, scene_url(content), {"fit": "contain"}).status_code == 403


def test_archived_content_keeps_its_scene(api_client_for: Clients, company: Company, editor: User) -> None:
    with company_scope(company):
        content = make_content(company, status=ARContent.Status.ARCHIVED)
    response = patch(api_client_for(editor), scene_url(content), {"fit": "contain"})
    assert response.status_code == 400
    assert "read-only" in response.json()["message"] or response.json()["errors"]
