"""The OpenAPI document and the browsable docs page, whose scripts come from koers itself."""

from __future__ import annotations

import json
import re

from django.contrib.staticfiles import finders


def test_the_openapi_document_is_3_1_with_bearer_auth(client, anna):
    raw = client.get("/api/v1/openapi.json").content

    def no_duplicates(pairs):  # Swagger UI's YAML parser refuses duplicate keys ("200", 200)
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    schema = json.loads(raw, object_pairs_hook=no_duplicates)
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/items/{item_id}/schedule" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_page_uses_only_vendored_files(client, anna):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert '"validatorUrl": null' in html  # Swagger UI must not call validator.swagger.io
