"""A member makes an API token in the settings (HTMX), uses it, revokes it; the API's docs page
renders from koers' own files with every other address blocked."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.session import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_make_use_and_revoke_a_token_then_read_the_docs_offline(
    page, screenshot, live_server, acme
):
    log_in(page)
    page.goto("/w/acme/settings/api/")
    expect(page.get_by_role("heading", name="Instellingen")).to_be_visible()
    page.get_by_label("Naam").fill("Dashboard")
    page.get_by_label("Rol van het token").select_option("editor")
    page.get_by_role("button", name="Token maken").click()
    secret_field = page.get_by_label("API-token")
    expect(secret_field).to_be_visible()
    secret = secret_field.input_value()
    assert secret.startswith("koers_")
    screenshot("api-tokens-nl")

    api = f"{live_server.url}/api/v1"
    headers = {"Authorization": f"Bearer {secret}"}
    answer = httpx.get(f"{api}/workspaces", headers=headers, timeout=10)
    assert answer.status_code == 200 and answer.json()[0]["role"] == "editor"

    page.get_by_role("button", name="Intrekken").click()
    expect(page.get_by_text("Token „Dashboard” ingetrokken.")).to_be_visible()
    assert httpx.get(f"{api}/workspaces", headers=headers, timeout=10).status_code == 401

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/w/acme/settings/api/")
    expect(page.get_by_role("button", name="Make token")).to_be_visible()
    screenshot("api-tokens-en")

    outside: list[str] = []

    def only_koers(route):  # noqa: ANN001
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_koers)
    page.goto("/api/v1/docs")
    expect(page.get_by_text("koers API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/items/{item_id}/schedule").first).to_be_visible()
    screenshot("api-docs")
    assert outside == []
