"""The search box's pages and API: grouped results of the current company only, the empty
state and the hint, paging, bounded queries, and no 500 on anything typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from arcontent.tests.factories import make_content
from arvlite.core.search import search_query, search_run
from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from orders.tests.factories import make_order
from projects.tests.factories import ProjectFactory
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db

NASTY = ["\x00", "a\x00b", "%%", "__", "%_%", "' OR 1=1 --", "\\", "Солнце", "🌞🌞", "\u202e\u200b", "x" * 5000,
         "+7 (912) 345", "8 912", "..", "()", "<script>alert(1)</script>"]  # fmt: skip


def _everything(company: Company, name: str) -> dict[str, Any]:
    """One of each kind in ``company``, all found by ``name`` (and by the phone)."""
    with company_scope(company):
        project = ProjectFactory(company=company, name=f"{name} weddings")
        content = make_content(company, project=project, customer_name=f"{name} Petrova",
                               customer_phone="+79123456789")  # fmt: skip
        video = make_video(content, title=f"{name} first dance")
        order = make_order(company, customer_name=f"{name} Petrova", customer_phone="+79123456789")
    return {"project": project, "content": content, "video": video, "order": order}


@pytest.fixture
def alice_items(company: Company) -> dict[str, Any]:
    return _everything(company, "Anna")


@pytest.fixture
def bob_items(other_company: Company) -> dict[str, Any]:
    return _everything(other_company, "Anna")


def _suggest(client: Client, company: Company, q: str) -> Any:
    return client.get(f"/c/{company.slug}/search/suggest/", {"q": q}, HTTP_HX_REQUEST="true")


def test_the_header_has_the_search_box_on_company_pages(
    client: Client, company: Company, viewer: User
) -> None:
    client.force_login(viewer)
    page = client.get(f"/c/{company.slug}/").content.decode()
    assert 'role="combobox"' in page
    assert f'hx-get="/c/{company.slug}/search/suggest/"' in page
    assert 'role="combobox"' not in client.get("/accounts/me/").content.decode()  # no company chosen


def test_suggestions_are_grouped_by_kind_with_links(
    client: Client, company: Company, viewer: User, alice_items: dict[str, Any]
) -> None:
    client.force_login(viewer)
    response = _suggest(client, company, "anna")
    html = response.content.decode()
    assert response.status_code == 200
    for kind in ("projects", "content", "videos", "orders"):
        assert f'data-testid="search-group-{kind}"' in html
    assert html.count('role="option"') == 5  # four hits and "All results"
    assert f'href="/c/{company.slug}/projects/{alice_items["project"].pk}/"' in html
    assert f'href="/c/{company.slug}/content/{alice_items["content"].unique_id}/"' in html
    assert f"#video-{alice_items['video'].pk}" in html
    assert f'href="/c/{company.slug}/orders/{alice_items["order"].pk}/"' in html
    assert "4 results" in html


def test_phone_digits_find_content_and_orders(
    client: Client, company: Company, viewer: User, alice_items: dict[str, Any]
) -> None:
    client.force_login(viewer)
    html = _suggest(client, company, "+7 (912) 345").content.decode()
    assert alice_items["content"].order_number in html
    assert alice_items["order"].number in html
    assert 'data-testid="search-group-projects"' not in html


def test_a_short_query_gives_the_hint_and_a_miss_the_empty_state(
    client: Client, company: Company, viewer: User, alice_items: dict[str, Any]
) -> None:
    client.force_login(viewer)
    assert 'data-testid="search-hint"' in _suggest(client, company, "a").content.decode()
    missed = _suggest(client, company, "zebra").content.decode()
    assert "Nothing found for “zebra”." in missed
    assert 'role="option"' not in missed
    page = client.get(f"/c/{company.slug}/search/", {"q": "zebra"}).content.decode()
    assert 'data-testid="search-empty"' in page


def test_nothing_of_another_company_leaks(
    client: Client,
    company: Company,
    other_company: Company,
    owner: User,
    alice_items: dict[str, Any],
    bob_items: dict[str, Any],
    api_client_for: Any,
) -> None:
    client.force_login(owner)
    bob_marks = [f"/c/{other_company.slug}/", str(bob_items["content"].unique_id),
                 f"/projects/{bob_items['project'].pk}/", f"#video-{bob_items['video'].pk}",
                 f"/orders/{bob_items['order'].pk}/"]  # fmt: skip
    api = api_client_for(owner)
    for q in ("anna", "petrova", "+7 912 345", "weddings", "dance", bob_items["order"].number):
        pages = [
            _suggest(client, company, q).content.decode(),
            client.get(f"/c/{company.slug}/search/", {"q": q}).content.decode(),
            *(client.get(f"/c/{company.slug}/search/", {"q": q, "kind": kind}).content.decode()
              for kind in ("projects", "content", "videos", "orders")),
            api.get(f"/api/v1/companies/{company.slug}/search/", {"q": q}).content.decode(),
            api.get(f"/api/v1/companies/{company.slug}/search/", {"q": q, "kind": "orders"}).content.decode(),
        ]  # fmt: skip
        for body in pages:
            for mark in bob_marks:
                assert mark not in body, (q, mark)
    found = api.get(f"/api/v1/companies/{company.slug}/search/", {"q": "anna"}).json()
    urls = [hit["url"] for group in found["groups"] for hit in group["results"]]
    assert len(urls) == 4
    assert all(f"/c/{company.slug}/" in url for url in urls)


def test_the_outsider_gets_404_for_the_other_companys_search(
    client: Client, company: Company, outsider: User, alice_items: dict[str, Any], api_client_for: Any
) -> None:
    client.force_login(outsider)
    assert _suggest(client, company, "anna").status_code == 404
    assert client.get(f"/c/{company.slug}/search/", {"q": "anna"}).status_code == 404
    answer = api_client_for(outsider).get(f"/api/v1/companies/{company.slug}/search/", {"q": "anna"})
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_the_results_page_shows_each_kind_and_pages_through_one(
    client: Client, company: Company, viewer: User
) -> None:
    with company_scope(company):
        for number in range(25):
            ProjectFactory(company=company, name=f"Studio {number:02d}")
    client.force_login(viewer)
    overview = client.get(f"/c/{company.slug}/search/", {"q": "studio"}).content.decode()
    assert overview.count('data-testid="search-result"') == 5
    assert "All 25 results in Projects" in overview
    assert 'value="studio"' in overview  # the header's box keeps the text

    first = client.get(f"/c/{company.slug}/search/", {"q": "studio", "kind": "projects"}).content.decode()
    assert first.count('data-testid="search-result"') == 20
    assert "Page 1 of 2" in first
    second = client.get(f"/c/{company.slug}/search/", {"q": "studio", "kind": "projects", "page": "2"})
    assert second.content.decode().count('data-testid="search-result"') == 5
    assert (
        client.get(f"/c/{company.slug}/search/", {"q": "studio", "kind": "projects", "page": "3"}).status_code
        == 404
    )
    assert client.get(f"/c/{company.slug}/search/", {"q": "studio", "page": "x"}).status_code == 404
    # An unknown kind searches everything.
    assert client.get(f"/c/{company.slug}/search/", {"q": "studio", "kind": "secrets"}).status_code == 200


@pytest.mark.parametrize("q", NASTY)
def test_nothing_typed_gives_a_500(
    client: Client, company: Company, viewer: User, api_client_for: Any, q: str
) -> None:
    client.force_login(viewer)
    for response in (_suggest(client, company, q), client.get(f"/c/{company.slug}/search/", {"q": q})):
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()  # what was typed is escaped
    answer = api_client_for(viewer).get(f"/api/v1/companies/{company.slug}/search/", {"q": q})
    assert answer.status_code in (200, 400), answer.content
    if answer.status_code == 400:
        assert answer.json()["code"] == "validation_error"
        assert "q" in answer.json()["errors"]


def test_the_api_answers_groups_and_refuses_bad_input(
    company: Company, viewer: User, alice_items: dict[str, Any], api_client_for: Any
) -> None:
    api = api_client_for(viewer)
    url = f"/api/v1/companies/{company.slug}/search/"
    body = api.get(url, {"q": "Anna"}).json()
    assert body["query"] == "Anna"
    assert [(group["kind"], group["count"]) for group in body["groups"]] == [
        ("projects", 1),
        ("content", 1),
        ("videos", 1),
        ("orders", 1),
    ]
    assert body["groups"][3]["results"][0] == {
        "id": str(alice_items["order"].pk),
        "title": alice_items["order"].number,
        "subtitle": "Anna Petrova · Draft",
        "url": f"{settings.PUBLIC_URL}/c/{company.slug}/orders/{alice_items['order'].pk}/",
    }
    assert api.get(url, {"q": "a"}).json() == {"query": "a", "groups": []}

    too_long = api.get(url, {"q": "x" * 101})
    assert (too_long.status_code, too_long.json()["code"]) == (400, "validation_error")
    unknown = api.get(url, {"q": "anna", "kind": "secrets"}).json()
    assert "Unknown kind" in unknown["errors"]["kind"][0]
    assert api.get(url, {"q": "anna", "page_size": "500"}).status_code == 400
    assert api.get(url, {"q": "anna", "page": "0"}).status_code == 400
    past = api.get(url, {"q": "anna", "page": "2"})
    assert (past.status_code, past.json()["code"]) == (404, "not_found")
    assert api.get(url, {"q": "a\x00b"}).status_code == 400  # NUL: refused, as in every text field


def test_the_api_pages_through_one_kind(company: Company, viewer: User, api_client_for: Any) -> None:
    with company_scope(company):
        for number in range(7):
            ProjectFactory(company=company, name=f"Studio {number}")
    url = f"/api/v1/companies/{company.slug}/search/"
    body = (
        api_client_for(viewer).get(url, {"q": "studio", "kind": "projects", "page": 2, "page_size": 5}).json()
    )
    [group] = body["groups"]
    assert (group["count"], [hit["title"] for hit in group["results"]]) == (7, ["Studio 5", "Studio 6"])


def test_one_query_per_kind(
    company: Company, alice_items: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with company_scope(company), django_assert_num_queries(4):
        groups = search_run(company=company, role="viewer", query=search_query("anna"), limit=5)
    assert [group.total for group in groups] == [1, 1, 1, 1]


def test_the_suggestions_cost_the_same_for_many_hits(
    client: Client, company: Company, viewer: User, alice_items: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(viewer)
    with CaptureQueriesContext(connection) as few:
        _suggest(client, company, "anna")
    _everything(company, "Anna Maria")
    _everything(company, "Annabel")
    with CaptureQueriesContext(connection) as many:
        _suggest(client, company, "anna")
    assert len(many) == len(few)
