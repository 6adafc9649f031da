"""Every API error answers with the one documented body (docs/API.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import RequestFactory
from rest_framework.test import APIClient

from arvlite.core.api.errors import api_exception_handler
from arvlite.core.api.throttling import UserOrApiKeyRateThrottle
from arvlite.core.views import server_error
from companies.models import Company, User

pytestmark = pytest.mark.django_db
ERROR_KEYS = {"status", "code", "message", "errors", "request_id"}


def assert_error_body(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    body = response.json()
    assert set(body) >= ERROR_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["message"]
    assert body["request_id"] == response["X-Request-ID"]
    return body


def test_validation_errors_list_the_fields(
    api_client_for: Callable[[User], APIClient], company: Company, owner: User
) -> None:
    response = api_client_for(owner).get(f"/api/v1/companies/{company.slug}/members/?role=emperor")
    body = assert_error_body(response, 400, "validation_error")
    assert "role" in body["errors"]
    assert body["message"] == "The request has invalid fields: role."


def test_missing_credentials_are_401_with_a_bearer_challenge(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/companies/")
    assert_error_body(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_is_401(api_client: APIClient) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_error_body(api_client.get("/api/v1/companies/"), 401, "token_not_valid")


def test_a_role_too_low_is_403(
    api_client_for: Callable[[User], APIClient], company: Company, viewer: User
) -> None:
    response = api_client_for(viewer).get(f"/api/v1/companies/{company.slug}/audit-log/")
    body = assert_error_body(response, 403, "permission_denied")
    assert body["message"] == "Your role in this company does not allow this action."


def test_another_company_is_404(
    api_client_for: Callable[[User], APIClient], company: Company, outsider: User
) -> None:
    assert_error_body(
        api_client_for(outsider).get(f"/api/v1/companies/{company.slug}/members/"), 404, "not_found"
    )


def test_an_unknown_api_path_is_404_in_the_same_body(api_client: APIClient) -> None:
    assert_error_body(api_client.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_a_wrong_method_is_405(api_client_for: Callable[[User], APIClient], owner: User) -> None:
    assert_error_body(api_client_for(owner).delete("/api/v1/companies/"), 405, "method_not_allowed")


def test_throttling_is_429_with_retry_after(
    api_client_for: Callable[[User], APIClient], owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(UserOrApiKeyRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": "2/minute"})
    client = api_client_for(owner)
    assert client.get("/api/v1/companies/").status_code == 200
    assert client.get("/api/v1/companies/").status_code == 200
    response = client.get("/api/v1/companies/")
    body = assert_error_body(response, 429, "throttled")
    assert body["retry_after"] > 0
    assert int(response["Retry-After"]) > 0


def test_an_unexpected_exception_is_500_without_internals() -> None:
    request = RequestFactory().get("/api/v1/companies/")
    response = api_exception_handler(RuntimeError("secret internals"), {"request": request, "view": None})
    assert response.status_code == 500
    assert response.data["code"] == "server_error"
    assert "secret" not in str(response.data)


def test_a_service_validation_error_becomes_400() -> None:
    error = DjangoValidationError({"name": ["Name is taken."]})
    response = api_exception_handler(error, {"request": None, "view": None})
    assert response.status_code == 400
    assert response.data["errors"] == {"name": ["Name is taken."]}


def test_the_django_500_handler_answers_json_under_api() -> None:
    response = server_error(RequestFactory().get("/api/v1/anything/"))
    assert response.status_code == 500
    assert b'"code": "server_error"' in response.content


def test_the_django_500_handler_answers_html_elsewhere() -> None:
    response = server_error(RequestFactory().get("/c/somewhere/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
