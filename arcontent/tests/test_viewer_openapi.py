"""The viewer API in the OpenAPI document (its own tag) says what the contract says:
the same required fields, the same nullability, and real answers validate against it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests import viewer_contract as contract
from arcontent.tests.factories import make_content
from arcontent.viewer.openapi import TAG
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db

VIEWER_PATHS = {
    "/api/viewer/ar/{uid}/check": "get",
    "/api/viewer/ar/{uid}/manifest": "get",
    "/api/viewer/ar/{uid}/active-video": "get",
    "/api/viewer/ar/{uid}/sessions": "post",
    "/api/viewer/demo/list": "get",
}


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return (
            Client()
            .get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/vnd.oai.openapi+json")
            .json()
        )


def _resolve(node: Any, schema: dict[str, Any]) -> Any:
    """OpenAPI 3.0 → plain JSON Schema: $refs inlined, ``nullable`` as a null type."""
    if isinstance(node, list):
        return [_resolve(each, schema) for each in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _resolve(schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]], schema)
    plain = {key: _resolve(value, schema) for key, value in node.items() if key not in ("nullable", "format")}
    if node.get("nullable") and "type" in plain:
        plain["type"] = [plain["type"], "null"]
    return plain


def _component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return _resolve({"$ref": f"#/components/schemas/{name}"}, schema)


def test_the_viewer_api_has_its_own_tag_and_every_route(schema: dict[str, Any]) -> None:
    assert TAG in [tag["name"] for tag in schema["tags"]]
    for path, method in VIEWER_PATHS.items():
        operation = schema["paths"][path][method]
        assert operation["tags"] == [TAG]
        assert operation["security"] == []  # public
        assert "401" not in operation["responses"]
        assert "429" in operation["responses"]


@pytest.mark.parametrize(
    ("component", "decoder"),
    [("ViewerVideo", contract.VIDEO), ("ViewerManifest", contract.MANIFEST), ("ViewerCheck", contract.CHECK)],
)
def test_the_schema_requires_what_strict_decoders_require(
    schema: dict[str, Any], component: str, decoder: dict[str, Any]
) -> None:
    documented = _component(schema, component)
    assert set(documented["required"]) == set(decoder["required"])
    for name, rule in decoder["properties"].items():
        assert name in documented["properties"], name
        decoder_nullable = "null" in (rule.get("type") if isinstance(rule.get("type"), list) else []) or (
            None in rule.get("enum", [])
        )
        type_ = documented["properties"][name].get("type")
        assert (isinstance(type_, list) and "null" in type_) == decoder_nullable, name


def test_real_answers_validate_against_the_documented_schemas(
    client: Client, company: Company, schema: dict[str, Any]
) -> None:
    with scopes_disabled():
        content = make_content(
            company, status=ARContent.Status.ACTIVE,
            expires_at=timezone.now() + timedelta(days=365), published_at=timezone.now(),
        )  # fmt: skip
        make_video(content, title="Hello")
    uid = content.unique_id
    answers = {
        "ViewerCheck": client.get(f"/api/viewer/ar/{uid}/check"),
        "ViewerManifest": client.get(f"/api/viewer/ar/{uid}/manifest"),
        "ViewerActiveVideo": client.get(f"/api/viewer/ar/{uid}/active-video"),
        "ViewerDemoList": client.get("/api/viewer/demo/list"),
        "ViewerError": client.get("/api/viewer/ar/not-a-uuid/manifest"),
    }
    for component, response in answers.items():
        assert response.status_code in (200, 404), component
        jsonschema.validate(response.json(), _component(schema, component))
    report = {"session_id": "5b0c8f8e-6a35-4f0e-9b7d-1c2d3e4f5a6b", "event": "start", "os": "iOS 18"}
    jsonschema.validate(report, _component(schema, "ViewerSessionReport"))
    accepted = client.post(f"/api/viewer/ar/{uid}/sessions", report, content_type="application/json")
    assert accepted.status_code == 202
