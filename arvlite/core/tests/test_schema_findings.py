"""What the schema fuzzer (test_schema_fuzz.py) found, each kept as a focused regression."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client

from arcontent.tests.route_roles import _bulk_job_with_pdf
from arvlite.core.tenancy import company_scope
from arvlite.core.tests.test_schema import _assert_matches
from orders.models import Order
from orders.tests.factories import make_order
from videos.tests.route_roles import schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    return yaml.safe_load(client.get("/api/schema/").content)


def _operation(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return schema["paths"]["/api/v1/companies/{company_slug}/" + path][method]


def test_it_answers_errors_of_a_download_as_the_json_error_body(
    api_client_for: Any, company: Any, owner: Any
) -> None:
    # An unknown ?format= on a file download answered 404 as "*/*" with the error dict's
    # keys run together ("statuscodemessage…"): the download renderer passed it through.
    job = _bulk_job_with_pdf(company)["pk"]
    response = api_client_for(owner).get(
        f"/api/v1/companies/{company.slug}/bulk-jobs/{job}/file.pdf?format=x"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_it_refuses_a_schedule_outside_the_services_years(
    api_client_for: Any, company: Any, owner: Any
) -> None:
    # Year 0203 was stored and came back as "0203-…+02:30:17", no RFC 3339 date-time.
    ids = schedule(company)
    path = (
        f"/api/v1/companies/{company.slug}/ar-content/{ids['unique_id']}/videos/{ids['video_id']}"
        f"/schedules/{ids['pk']}/"
    )
    response = api_client_for(owner).patch(path, {"starts_at": "0203-09-08T07:35:57"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["starts_at"]
    assert api_client_for(owner).patch(path, {"note": "Birthday"}, format="json").status_code == 200


def test_an_order_without_content_and_its_first_history_entry_match_the_schema(
    api_client_for: Any, company: Any, owner: Any, schema: dict[str, Any]
) -> None:
    # Order.content is null until the order makes its content; the first status change
    # comes from "" — the schema said a uuid string and a status.
    with company_scope(company):
        order = make_order(company, status=Order.Status.AWAITING_PAYMENT)
    client = api_client_for(owner)
    body = client.get(f"/api/v1/companies/{company.slug}/orders/{order.pk}/").json()
    assert body["content"] is None
    _assert_matches(schema, "Order", body)
    history = client.get(f"/api/v1/companies/{company.slug}/orders/{order.pk}/history/").json()
    first = history["results"][-1] if "results" in history else history[-1]
    assert first["from_status"] == ""
    _assert_matches(schema, "StatusChange", first)


def test_a_company_without_terms_link_matches_the_schema(
    api_client_for: Any, company: Any, owner: Any, schema: dict[str, Any]
) -> None:
    body = api_client_for(owner).get(f"/api/v1/companies/{company.slug}/").json()
    assert body["terms_url"] == ""
    _assert_matches(schema, "Company", body)


def test_the_schema_documents_what_the_fuzzer_saw_answered(schema: dict[str, Any]) -> None:
    overlay = _operation(schema, "ar-content/{unique_id}/scene/overlay/", "delete")
    assert "200" in overlay["responses"]  # it answers the scene
    assert "204" not in overlay["responses"]
    for path in ("invoices/{id}/pdf/", "credit-notes/{id}/pdf/", "bulk-jobs/{id}/file.pdf"):
        assert list(_operation(schema, path, "get")["responses"]["200"]["content"]) == ["application/pdf"]
    chunk = _operation(schema, "ar-content/{unique_id}/uploads/{upload_id}/", "patch")
    assert "411" in chunk["responses"]  # a chunk without Content-Length
    resend = schema["paths"]["/api/v1/auth/verify-email/resend/"]["post"]["responses"]
    assert {"200", "202"} <= set(resend)  # already confirmed / sent
    video_url = schema["components"]["schemas"]["ViewerVideo"]["properties"]["video_url"]
    assert {"type": "string", "maxLength": 0} in video_url["anyOf"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:  # DRF answers 415 to a body in a type it cannot parse
                assert "415" in operation["responses"], (method, path)
