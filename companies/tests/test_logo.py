"""The company logo (issue 18, found by the outside probe): the API's `logo` is the public
link that works, the link changes with the logo, the served type comes from the bytes and
not the uploaded name, and a replaced logo is removed from storage."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.test.testcases import TestCase
from rest_framework.test import APIClient

from companies.models import Company, User
from companies.tests.media import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _set_logo(client: APIClient, company: Company, data: bytes, name: str) -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.patch(f"/api/v1/companies/{company.slug}/", {"logo": upload}, format="multipart")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_api_logo_is_the_public_link_and_is_served_by_its_bytes(
    api_client_for: Callable[[User], APIClient], company: Company, owner: User
) -> None:
    client = api_client_for(owner)
    assert client.get(f"/api/v1/companies/{company.slug}/").json()["logo"] is None

    response = _set_logo(client, company, png_bytes(), "logo.pdf")  # a PNG named as a PDF
    assert response.status_code == 200, response.content
    url = response.json()["logo"]
    assert url.startswith("http")
    assert f"/brand/{company.pk}/logo?v=" in url
    served = Client().get(_path(url))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served.getvalue() == png_bytes()


def test_a_new_logo_is_a_new_link_and_the_old_file_is_removed(
    api_client_for: Callable[[User], APIClient], company: Company, owner: User
) -> None:
    client = api_client_for(owner)
    first = _set_logo(client, company, png_bytes(), "logo.png").json()["logo"]
    company.refresh_from_db()
    old_name = company.logo.name or ""
    assert default_storage.exists(old_name)

    second = _set_logo(client, company, jpeg_bytes(), "logo.jpg").json()["logo"]

    assert second != first  # the day-long cache of the old link cannot hide the new logo
    assert not default_storage.exists(old_name)
    assert Client().get(_path(second))["Content-Type"] == "image/jpeg"


def test_a_stored_logo_that_is_not_an_image_is_never_served(company: Company) -> None:
    from django.core.files.base import ContentFile

    company.logo.save("logo.png", ContentFile(b"<html><script>alert(1)</script></html>"), save=True)
    assert Client().get(f"/brand/{company.pk}/logo").status_code == 404


def test_a_logo_over_the_pixel_limit_is_refused(
    api_client_for: Callable[[User], APIClient], company: Company, owner: User, settings: Any
) -> None:
    from PIL import Image

    settings.PHOTO_MAX_PIXELS = 1_000_000  # a real image just over it stays small and fast
    buffer = io.BytesIO()
    Image.new("RGB", (1001, 1000), (200, 30, 30)).save(buffer, "PNG")
    response = _set_logo(api_client_for(owner), company, buffer.getvalue(), "logo.png")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"logo": ["Images can have at most 1 megapixels."]}
    company.refresh_from_db()
    assert not company.logo
