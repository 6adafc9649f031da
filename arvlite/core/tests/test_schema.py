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
            for code in ("404", "429", "500") if public else ("401", "403", "404", "429", "500"):
                assert code in operation["responses"], (path, code)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_documentation_pages_load_without_a_cdn(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr.net" not in html
    assert "https://" not in html  # no outside host at all (ReDoc's Google fonts are left out)
