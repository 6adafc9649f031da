from __future__ import annotations

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
