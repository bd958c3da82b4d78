"""The OpenAPI document and its two UIs are served without credentials and without any CDN."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_served_as_json_and_yaml(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {tag["name"] for tag in schema["tags"]} == {
        "connect4", "webcamconsult", "updox", "support", "cliniko", "fhir"
    }
    assert client.get("/openapi.yaml").content.startswith(b"openapi: 3.")


@pytest.mark.parametrize("page", ["/docs/", "/redoc/"])
def test_ui_pages_load_assets_from_this_server_only(client, page):
    html = client.get(page).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page should reference its scripts"
    assert all(not s.startswith(("http://", "https://", "//")) for s in sources), sources
    assert any("drf_spectacular_sidecar" in s for s in sources)
