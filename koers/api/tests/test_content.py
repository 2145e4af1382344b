"""Content items through the API: the calendar's rules, actions and audit log; ETag/If-Match;
one error shape in the language asked for."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from koers.core.models import AuditEvent
from koers.publishing.models import ContentItem, State, StateChange


def _future(days=7):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_create_a_draft_with_channels_and_a_time(api_as, anna, acme, acme_world):
    api = api_as(anna, acme)
    channel = acme_world["channel"]
    response = api.post(
        "/items",
        {"title": "Lancering", "text": "Nieuwe fiets!", "date": _future(),
         "channels": [{"channel": channel.pk, "text": "Eigen tekst"}]},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    item = ContentItem.objects.get(pk=body["id"])
    assert item.workspace == acme and item.state == State.DRAFT and item.created_by == anna
    assert body["time"] == "09:00:00"  # as the calendar: a date without a time is 09:00
    assert body["channels"][0]["text"] == "Eigen tekst"
    assert response["ETag"]
    assert AuditEvent.objects.filter(
        action="item.create", actor=anna, object_id=str(item.pk)
    ).exists()


def test_update_needs_if_match_and_a_stale_one_changes_nothing(
    api_as, anna, bram, acme, acme_world
):
    item = acme_world["item"]
    anna_api, bram_api = api_as(anna, acme), api_as(bram, acme)
    etag = anna_api.get(f"/items/{item.pk}")["ETag"]
    assert bram_api.get(f"/items/{item.pk}")["ETag"] == etag

    missing = anna_api.patch(f"/items/{item.pk}", {"title": "Zonder"})
    assert missing.status_code == 428 and missing.json()["code"] == "if_match_required"

    first = bram_api.patch(f"/items/{item.pk}", {"title": "Bram was eerst"}, **{"If-Match": etag})
    assert first.status_code == 200 and first["ETag"] != etag
    edits = AuditEvent.objects.filter(action="item.edit").count()

    stale = anna_api.patch(
        f"/items/{item.pk}", {"title": "Anna overschrijft"}, **{"If-Match": etag}
    )
    assert stale.status_code == 412 and stale.json()["code"] == "etag_mismatch"
    item.refresh_from_db()
    assert item.title == "Bram was eerst" and item.text == "Tekst Acme"
    assert AuditEvent.objects.filter(action="item.edit").count() == edits

    fresh = anna_api.patch(f"/items/{item.pk}", {"text": "Nieuw"}, **{"If-Match": first["ETag"]})
    assert fresh.status_code == 200
    item.refresh_from_db()
    assert (item.title, item.text) == ("Bram was eerst", "Nieuw")  # untouched fields stay


def test_submit_schedule_and_cancel_use_the_calendar_s_actions(api_as, anna, acme, acme_world):
    api = api_as(anna, acme)
    item = acme_world["item"]
    etag = api.get(f"/items/{item.pk}")["ETag"]
    # No date yet: scheduling is refused with the calendar's reason and nothing changes.
    refused = api.post(f"/items/{item.pk}/schedule", **{"If-Match": etag})
    assert refused.status_code == 409 and refused.json()["code"] == "rejected"
    assert "date and time" in refused.json()["message"]
    item.refresh_from_db()
    assert item.state == State.DRAFT  # not even approved: all or nothing

    planned = api.patch(
        f"/items/{item.pk}", {"date": _future(), "time": "10:30"}, **{"If-Match": etag}
    )
    submitted = api.post(f"/items/{item.pk}/submit", **{"If-Match": planned["ETag"]})
    assert submitted.json()["state"] == "in_review"
    scheduled = api.post(f"/items/{item.pk}/schedule", **{"If-Match": submitted["ETag"]})
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["state"] == "scheduled"
    cancelled = api.post(f"/items/{item.pk}/cancel", **{"If-Match": scheduled["ETag"]})
    assert cancelled.json()["state"] == "approved"
    steps = list(StateChange.objects.filter(item=item).values_list("to_state", flat=True))
    assert steps == ["draft", "in_review", "approved", "scheduled", "approved"]
    actions = set(
        AuditEvent.objects.filter(object_id=str(item.pk)).values_list("action", flat=True)
    )
    assert {"item.submit", "item.approve", "item.schedule", "item.unschedule"} <= actions or {
        "item.submit", "item.approve", "item.unschedule"} <= actions  # fmt: skip


def test_a_contributor_can_not_schedule(api_as, dirk, acme, acme_world):
    item = acme_world["item"]
    api = api_as(dirk, acme)
    response = api.post(f"/items/{item.pk}/schedule", **{"If-Match": "*"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    item.refresh_from_db()
    assert item.state == State.DRAFT


def test_an_editor_token_of_an_owner_is_held_to_editor(api_as, anna, acme):
    api = api_as(anna, acme, role="contributor")
    assert api.get("/workspaces").json()[0]["role"] == "contributor"
    assert api.post("/items/1/schedule", **{"If-Match": "*"}).status_code == 403


def test_errors_have_one_shape_in_the_language_asked_for(api_as, anna, acme, acme_world):
    dutch = api_as(anna, acme, language="nl")
    missing = dutch.post("/items", {"text": "zonder titel"})
    assert missing.status_code == 422
    assert missing.json() == {
        "code": "invalid",
        "message": "De invoer is niet geldig.",
        "errors": {"title": ["Dit veld is verplicht."]},
    }
    english = api_as(anna, acme, language="en")
    wrong = english.post("/items", {"title": "x", "date": "morgen", "channels": "alle"})
    assert wrong.status_code == 422
    assert set(wrong.json()["errors"]) == {"date", "channels"}
    bad_json = english.send("POST", "/items", "{title: ")
    assert bad_json.status_code == 400 and bad_json.json()["code"] == "bad_json"
    assert english.get("/items/999999").status_code == 404
    assert english.get("/items/99999999999999999999999").status_code == 422
    assert english.get("/items", {"cursor": "!!"}).status_code == 422
    time_only = english.post("/items", {"title": "x", "time": "10:00"})
    assert time_only.status_code == 422 and "__all__" in time_only.json()["errors"]
    assert ContentItem.objects.filter(title="x").count() == 0


def test_pages_of_items_follow_the_cursor(api_as, anna, acme, acme_world):
    api = api_as(anna, acme)
    for n in range(4):
        api.post("/items", {"title": f"Idee {n}"})
    first = api.get("/items", {"limit": 3}).json()
    second = api.get("/items", {"limit": 3, "cursor": first["next"]}).json()
    titles = [i["title"] for i in first["items"] + second["items"]]
    assert titles == ["Post Acme", "Idee 0", "Idee 1", "Idee 2", "Idee 3"]
    assert second["next"] is None


def test_the_calendar_lists_planned_items_of_the_period(api_as, anna, acme, acme_world):
    api = api_as(anna, acme)
    day = _future(3)
    api.post("/items", {"title": "Gepland", "date": day, "time": "08:00"})
    found = api.get("/calendar", {"start": day, "end": day}).json()
    assert [i["title"] for i in found] == ["Gepland"]
    assert api.get("/calendar", {"start": day, "end": "2020-01-01"}).status_code == 422


def test_writes_need_no_csrf_token_only_the_bearer_token(token_for, anna, acme):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    secret = token_for(anna, acme)
    response = strict.post(
        "/api/v1/items", '{"title": "Van curl"}', content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )  # fmt: skip
    assert response.status_code == 201
    assert ContentItem.objects.filter(title="Van curl", workspace=acme).count() == 1


def test_a_contributor_token_of_an_editor_does_not_keep_an_approval(api_as, bram, acme, acme_world):
    from koers.publishing import actions as publishing_actions
    from koers.publishing.models import PublishingSettings

    PublishingSettings.for_workspace(acme)  # exists from here on
    PublishingSettings.objects.filter(workspace=acme).update(review_every_change=False)
    item = acme_world["item"]
    publishing_actions.approve_item(item, bram, schedule=False)
    token = api_as(bram, acme, role="contributor")
    response = token.patch(f"/items/{item.pk}", {"text": "stiekem"}, **{"If-Match": "*"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert (item.state, item.text) == (State.APPROVED, "Tekst Acme")
    # With the editor role the calendar's rule applies: the change keeps the approval.
    editor = api_as(bram, acme)
    assert (
        editor.patch(f"/items/{item.pk}", {"text": "open"}, **{"If-Match": "*"}).status_code == 200
    )
    item.refresh_from_db()
    assert (item.state, item.text) == (State.APPROVED, "open")


def test_list_queries_do_not_grow_with_the_rows(
    api_as, anna, acme, acme_world, django_assert_max_num_queries
):
    api = api_as(anna, acme)
    for n in range(8):
        api.post(
            "/items", {"title": f"Idee {n}", "channels": [{"channel": acme_world["channel"].pk}]}
        )
    with django_assert_max_num_queries(8):
        assert len(api.get("/items").json()["items"]) == 9
    with django_assert_max_num_queries(8):
        assert len(api.get("/mentions").json()["items"]) == 3
    with django_assert_max_num_queries(8):
        assert len(api.get("/inbox").json()["items"]) == 1


def test_dates_at_the_edge_of_the_calendar_are_refused_not_a_500(api_as, anna, acme):
    api = api_as(anna, acme)
    assert api.get("/calendar", {"start": "9999-12-31", "end": "9999-12-31"}).status_code == 422
    assert api.get("/calendar", {"start": "0001-01-01", "end": "0001-01-02"}).status_code == 422
    early = api.post("/items", {"title": "Oud", "date": "0001-01-01", "time": "00:00"})
    assert early.status_code == 422 and "date" in early.json()["errors"]
    assert api.get("/mentions", {"since": "0001-01-01T00:00:00+01:00"}).status_code == 422
    assert not ContentItem.objects.filter(title="Oud").exists()
