"""A token reaches its own workspace only: another workspace's rows are neither listed nor
found by id (404 in the API's error shape), and read-only tokens change nothing."""

from __future__ import annotations

import pytest

from koers.alerts.models import AlertEvent
from koers.core.models import AuditEvent
from koers.engagement.models import InboxItem
from koers.publishing.models import ContentItem


def _ids(response, key="items"):
    body = response.json()
    rows = body[key] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def test_lists_show_only_the_token_s_workspace(api_as, anna, acme, acme_world, bolt_world):
    api = api_as(anna, acme)
    acme_ids = {
        name: acme_world[name].pk for name in ("channel", "item", "topic", "inbox", "alert")
    }
    assert _ids(api.get("/channels"), None) == {acme_ids["channel"]}
    assert _ids(api.get("/items")) == {acme_ids["item"]}
    assert _ids(api.get("/topics"), None) == {acme_ids["topic"]}
    assert _ids(api.get("/mentions")) == {m.pk for m in acme_world["mentions"]}
    assert _ids(api.get("/mentions", {"query": "bolt OR acme"})) == {
        m.pk for m in acme_world["mentions"]
    }
    assert _ids(api.get("/inbox")) == {acme_ids["inbox"]}
    assert _ids(api.get("/alerts")) == {acme_ids["alert"]}
    assert [w["slug"] for w in api.get("/workspaces").json()] == ["acme"]
    assert (
        "Bolt"
        not in api.get("/calendar", {"start": "2026-01-01", "end": "2026-12-31"}).content.decode()
    )


@pytest.mark.parametrize(
    "path",
    [
        "/channels/{channel}",
        "/items/{item}",
        "/topics/{topic}",
        "/inbox/{inbox}",
        "/alerts/{alert}",
    ],
)
def test_another_workspace_s_ids_are_not_found(api_as, anna, acme, acme_world, bolt_world, path):
    api = api_as(anna, acme)
    ids = {name: bolt_world[name].pk for name in ("channel", "item", "topic", "inbox", "alert")}
    response = api.get(path.format(**ids))
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Not found in this workspace.",
        "errors": {},
    }
    assert api.get("/workspaces/bolt").status_code == 404
    # Filters naming another workspace's rows find nothing either.
    assert api.get("/mentions", {"topic": bolt_world["topic"].pk}).json()["items"] == []
    assert api.get("/items", {"channel": bolt_world["channel"].pk}).json()["items"] == []


def test_another_workspace_s_rows_can_not_be_changed(api_as, anna, acme, acme_world, bolt_world):
    api = api_as(anna, acme)
    item, inbox, alert = bolt_world["item"], bolt_world["inbox"], bolt_world["alert"]
    before = AuditEvent.objects.count()
    assert (
        api.patch(f"/items/{item.pk}", {"title": "Gekaapt"}, **{"If-Match": "*"}).status_code == 404
    )
    assert api.post(f"/items/{item.pk}/submit", **{"If-Match": "*"}).status_code == 404
    assert (
        api.post(f"/inbox/{inbox.pk}/close", {"reason": "spam"}, **{"If-Match": "*"}).status_code
        == 404
    )
    assert api.post(f"/alerts/{alert.pk}/acknowledge", **{"If-Match": "*"}).status_code == 404
    # Nor used as a reference in one's own items: Bolt's channel is "not a valid choice".
    response = api.post(
        "/items", {"title": "x", "channels": [{"channel": bolt_world["channel"].pk}]}
    )
    assert response.status_code == 422 and "channels" in response.json()["errors"]
    item.refresh_from_db()
    assert item.title == "Post Bolt" and item.state == "draft"
    assert InboxItem.objects.get(pk=inbox.pk).status == "open"
    assert AlertEvent.objects.get(pk=alert.pk).acknowledged_at is None
    assert AuditEvent.objects.count() == before


def test_a_read_only_token_can_not_write_and_nothing_changes(api_as, anna, acme, acme_world):
    api = api_as(anna, acme, read_only=True)
    item = acme_world["item"]
    etag = api.get(f"/items/{item.pk}")["ETag"]
    before = (ContentItem.objects.count(), AuditEvent.objects.count())
    calls = [
        api.post("/items", {"title": "Nieuw"}),
        api.patch(f"/items/{item.pk}", {"title": "Anders"}, **{"If-Match": etag}),
        api.post(f"/items/{item.pk}/submit", **{"If-Match": etag}),
        api.post(f"/inbox/{acme_world['inbox'].pk}/close", {"reason": "spam"}, **{"If-Match": "*"}),
        api.post(f"/alerts/{acme_world['alert'].pk}/acknowledge", **{"If-Match": "*"}),
    ]
    for response in calls:
        assert response.status_code == 403
        assert response.json()["code"] == "read_only"
    item.refresh_from_db()
    assert item.title == "Post Acme" and item.state == "draft"
    assert (ContentItem.objects.count(), AuditEvent.objects.count()) == before
    assert InboxItem.objects.get(pk=acme_world["inbox"].pk).status == "open"
    assert api.get("/items").status_code == 200


def test_each_token_has_its_own_rate_limit(api_as, anna, acme, settings):
    settings.KOERS_API_RATE_LIMIT = 3
    settings.KOERS_API_RATE_WINDOW = 60
    api, other = api_as(anna, acme), api_as(anna, acme)
    assert [api.get("/workspaces").status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("/workspaces")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert other.get("/workspaces").status_code == 200
