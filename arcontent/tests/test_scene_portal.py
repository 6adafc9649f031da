"""The scene forms of the portal: the content page's card and a project's scene defaults.
What the preview draws is tested in Chromium (test_scene_browser.py)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.test.testcases import TestCase

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arcontent.tests.test_scene_api import frame_png
from arvlite.core.tenancy import company_scope
from companies.models import Company, StoredFile, User
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

FORM = {
    "fit": "cover", "scale": "1", "offset_x": "0", "offset_y": "0", "corner_radius": "0",
    "chroma_key_color": "#00ff00", "chroma_key_tolerance": "0.3", "loop": "on", "sound_on": "on",
    "fade_in_ms": "0", "before_ready": "poster",
}  # fmt: skip


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data, follow=True)


def test_the_content_page_shows_the_scene_card_with_its_values(
    client: Client, company: Company, editor: User
) -> None:
    with company_scope(company):
        content = make_content(company, scene={"fit": "contain", "scale": 0.75})
    client.force_login(editor)
    page = client.get(f"/c/{company.slug}/content/{content.unique_id}/").content.decode()
    assert 'data-testid="scene-card"' in page
    assert '<option value="contain" selected>' in page
    assert 'name="scale" min="0.1" max="3" step="0.01" value="0.75"' in page
    assert 'id="scene-preview-config"' in page  # the preview's settings, as JSON


def test_saving_the_card_keeps_only_what_differs_from_the_project(
    client: Client, company: Company, editor: User
) -> None:
    project = ProjectFactory(company=company, scene_defaults={"loop": False})
    with company_scope(company):
        content = make_content(company, project=project)
    client.force_login(editor)
    url = f"/c/{company.slug}/content/{content.unique_id}/scene/"
    # The form shows loop unticked (the project's); the studio ticks it and picks contain.
    response = post(client, url, {**FORM, "fit": "contain", "overlay": _named(frame_png())})
    assert "The scene is saved" in response.content.decode()
    content.refresh_from_db()
    assert content.scene == {"fit": "contain", "loop": True}
    assert content.scene_overlay is not None


def _named(data: bytes, name: str = "frame.png") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def test_a_bad_form_says_why_and_changes_nothing(client: Client, company: Company, editor: User) -> None:
    with company_scope(company):
        content = make_content(company, scene={"fit": "stretch"})
    client.force_login(editor)
    url = f"/c/{company.slug}/content/{content.unique_id}/scene/"
    response = post(client, url, {**FORM, "scale": "1000"})
    assert "The scale must be between 0.1 and 3" in response.content.decode()
    # A frame that is not a PNG: the settings sent with it are not stored either.
    response = post(
        client, url, {**FORM, "fit": "contain", "overlay": _named(b"GIF89a not a frame", "x.png")}
    )
    assert "PNG" in response.content.decode()
    content.refresh_from_db()
    assert content.scene == {"fit": "stretch"}
    with company_scope(company):
        assert not StoredFile.objects.filter(kind=StoredFile.Kind.OVERLAY).exists()


def test_the_project_scene_page_sets_the_defaults(client: Client, company: Company, editor: User) -> None:
    project = ProjectFactory(company=company)
    client.force_login(editor)
    url = f"/c/{company.slug}/projects/{project.pk}/scene/"
    page = client.get(url).content.decode()
    assert 'data-testid="scene-form"' in page
    assert 'name="overlay"' not in page  # a frame belongs to one print
    sound_off = {name: value for name, value in FORM.items() if name != "sound_on"}  # the box unticked
    response = post(client, url, {**sound_off, "corner_radius": "0.2"})
    assert "The scene defaults are saved" in response.content.decode()
    project.refresh_from_db()
    assert project.scene_defaults == {"corner_radius": 0.2, "sound_on": False}
    detail = client.get(f"/c/{company.slug}/projects/{project.pk}/").content.decode()
    assert f"/c/{company.slug}/projects/{project.pk}/scene/" in detail


def test_an_archived_project_keeps_its_defaults(client: Client, company: Company, editor: User) -> None:
    from projects.models import Project

    project = ProjectFactory(company=company, status=Project.Status.ARCHIVED)
    client.force_login(editor)
    response = post(client, f"/c/{company.slug}/projects/{project.pk}/scene/", FORM)
    assert "Archived projects are read-only." in response.content.decode()
    project.refresh_from_db()
    assert project.scene_defaults == {}


def test_archived_content_has_no_scene_form(client: Client, company: Company, editor: User) -> None:
    with company_scope(company):
        content = make_content(company, status=ARContent.Status.ARCHIVED)
    client.force_login(editor)
    page = client.get(f"/c/{company.slug}/content/{content.unique_id}/").content.decode()
    assert 'data-testid="scene-card"' in page
    assert 'data-testid="scene-form"' not in page
