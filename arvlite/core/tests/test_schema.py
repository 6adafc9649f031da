from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_documents_every_api_route_and_the_error_body(client: Client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert "ErrorResponse" in schema["components"]["schemas"]
    paths = schema["paths"]
    assert "/api/v1/companies/{company_slug}/members/" in paths
    for path, item in paths.items():
        assert path.startswith("/api/"), path
        for operation in item.values():
            public = operation.get("security") == []
            for code in (
                ("404", "429", "500", "503") if public else ("401", "403", "404", "429", "500", "503")
            ):
                assert code in operation["responses"], (path, code)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_documentation_pages_load_without_a_cdn(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr.net" not in html
    assert "https://" not in html  # no outside host at all (ReDoc's Google fonts are left out)


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("qr.png", "image/png"), ("qr.svg", "image/svg+xml"), ("label.pdf", "application/pdf"),
     ("print-sheet.pdf", "application/pdf"), ("export.zip", "application/zip")],
)  # fmt: skip
def test_file_downloads_are_documented_as_their_files(client: Client, name: str, media_type: str) -> None:
    # They were documented as the content's JSON: @action had dropped their schema.
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/companies/{company_slug}/ar-content/{unique_id}/" + name]["get"]
    assert operation["responses"]["200"]["content"] == {
        media_type: {"schema": {"type": "string", "format": "binary"}}
    }
    assert operation["summary"]
    assert "application/json" in operation["responses"]["404"]["content"]  # errors stay the error body


def _json_schema(node: Any, components: dict[str, Any]) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: references inlined, `nullable` as a null type."""
    if isinstance(node, list):
        return [_json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(components[node["$ref"].rsplit("/", 1)[-1]], components)
    converted = {key: _json_schema(value, components) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _assert_matches(schema: dict[str, Any], component: str, body: Any) -> None:
    import jsonschema

    components = schema["components"]["schemas"]
    validator = jsonschema.Draft7Validator(
        _json_schema(components[component], components), format_checker=jsonschema.FormatChecker()
    )
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(body)]
    assert not errors, errors


def test_answers_with_empty_optional_fields_match_the_schema(
    api_client_for: Any, company: Any, owner: Any
) -> None:
    # The schema said `format: email` for contact/customer e-mails that are "" when none is
    # given, and a string for a project's template_name that is null without a template.
    from arcontent.tests.factories import make_content
    from arvlite.core.tenancy import company_scope
    from projects.models import Project

    company.contact_email = ""
    company.save(update_fields=["contact_email"])
    with company_scope(company):
        project = Project.objects.create(company=company, name="No template")
        content = make_content(company, project=project, customer_email="")
    client = api_client_for(owner)
    schema = yaml.safe_load(client.get("/api/schema/").content)
    base = f"/api/v1/companies/{company.slug}"

    company_body = client.get(f"{base}/").json()
    assert company_body["contact_email"] == ""
    _assert_matches(schema, "Company", company_body)
    project_body = client.get(f"{base}/projects/{project.pk}/").json()
    assert project_body["template_name"] is None
    _assert_matches(schema, "Project", project_body)
    content_body = client.get(f"{base}/ar-content/{content.unique_id}/").json()
    assert content_body["customer_email"] == ""
    _assert_matches(schema, "ARContent", content_body)


def test_every_tus_operation_documents_the_version_refusal(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    tus = {
        (path, method): operation
        for path, item in schema["paths"].items()
        if "/uploads/" in path
        for method, operation in item.items()
        if method in ("post", "patch", "delete")
    }
    assert len(tus) >= 3
    for where, operation in tus.items():
        assert "412" in operation["responses"], where
