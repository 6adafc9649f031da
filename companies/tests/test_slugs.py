"""A new company's web address from its name: Cyrillic transliterated, a free variant
when taken — in the API without a slug, in the form, and as the form's suggestion."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from companies.models import Company, User
from companies.slugs import free_slug, slug_from_name
from companies.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Солнечная студия", "solnechnaya-studiya"),
        ("Фотоателье «Щука и Ёж»", "fotoatele-shchuka-i-ezh"),
        ("Sunny Portraits & Co.", "sunny-portraits-co"),
        ("Юла Хэппи", "yula-kheppi"),
        ("!!!", ""),
    ],
)
def test_a_name_gives_an_address(name: str, slug: str) -> None:
    assert slug_from_name(name) == slug


def test_a_taken_address_gets_the_next_free_variant(db: None) -> None:
    CompanyFactory(slug="solnechnaya-studiya")
    CompanyFactory(slug="solnechnaya-studiya-2")
    assert free_slug("Солнечная студия") == "solnechnaya-studiya-3"
    assert free_slug("***") == "studio"
    long = "Очень " * 30
    assert len(free_slug(long)) <= 60


def test_the_api_makes_the_address_when_none_is_given(
    owner: User, api_client_for: Callable[[User], APIClient]
) -> None:
    client = api_client_for(owner)
    first = client.post("/api/v1/companies/", {"name": "Солнечная студия"}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["slug"] == "solnechnaya-studiya"
    second = client.post("/api/v1/companies/", {"name": "Солнечная студия"}, format="json")
    assert second.json()["slug"] == "solnechnaya-studiya-2"
    taken = client.post("/api/v1/companies/", {"name": "X", "slug": "solnechnaya-studiya"}, format="json")
    assert taken.status_code == 400  # a slug asked for explicitly is not changed silently
    suggestion = client.get("/api/v1/company-slug/", {"name": "Солнечная студия"})
    assert suggestion.json()["slug"] == "solnechnaya-studiya-3"
    assert suggestion.json()["url"].endswith("/c/solnechnaya-studiya-3/")
    assert client.get("/api/v1/company-slug/").status_code == 400


def test_the_form_takes_an_empty_address(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    page = client.get("/companies/new/")
    assert "Web address" in page.content.decode()
    assert 'data-testid="slug-preview"' in page.content.decode()
    answer = client.post("/companies/new/", {"name": "Солнечная студия", "slug": ""})
    assert answer.status_code == 302
    assert Company.objects.filter(slug="solnechnaya-studiya").exists()
