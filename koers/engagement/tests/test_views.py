"""Inbox pages: list with filters and counts, item actions by role, settings, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from koers.engagement import actions
from koers.engagement.models import InboxItem, InboxSettings, Status
from koers.engagement.tests.conftest import NOON, make_mention

pytestmark = pytest.mark.django_db
LATE = NOON + timedelta(hours=5)  # past the default 240-minute target


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(LATE, tick=False):
        yield


def add(workspace, user, text="Vraag", **fields) -> InboxItem:
    item, _created = actions.add_manually(make_mention(workspace, text, **fields), user)
    return item


def url(name, workspace, *args):
    return reverse(f"engagement:{name}", args=[workspace.slug, *args])


def test_the_list_shows_overdue_and_negative_first_with_counts(client_for, acme, anna):
    recent = NOON + timedelta(hours=4)
    add(acme, anna, "Fijne dag", published_at=recent)
    add(acme, anna, "Slechte service!", published_at=recent, sentiment="negative")
    add(acme, anna, "Al lang wachtend")  # overdue
    closed = add(acme, anna, "Spam")
    actions.close(closed, anna, reason="spam")
    response = client_for(anna).get(url("index", acme))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Al lang wachtend") < body.index("Slechte service!") < body.index("Fijne dag")
    assert "Spam" not in body  # the list opens on open messages
    counts = response.context["counts"]
    assert (counts["open"], counts["overdue"], counts["closed"]) == (3, 1, 1)


def test_filters_by_status_assignee_network_sentiment_and_overdue(client_for, acme, anna, bram):
    mine = add(acme, anna, "Voor Anna", published_at=LATE)
    actions.assign(mine, anna, anna)
    add(acme, anna, "Bluesky-vraag", network="bluesky", published_at=LATE)
    add(acme, anna, "Boos bericht", sentiment="negative", published_at=LATE)
    add(acme, anna, "Te laat")
    client = client_for(anna)

    def texts(**query):
        response = client.get(url("index", acme), query)
        return {i.mention.text for i in response.context["page"].object_list}

    assert texts(assignee="me") == {"Voor Anna"}
    assert texts(assignee=str(bram.pk)) == set()
    assert texts(network="bluesky") == {"Bluesky-vraag"}
    assert texts(sentiment="negative") == {"Boos bericht"}
    assert texts(overdue="on") == {"Te laat"}
    assert texts(status="answered") == set()


def test_the_list_fragment_for_htmx_and_a_fixed_number_of_queries(
    client_for, acme, anna, django_assert_max_num_queries
):
    for n in range(12):
        add(acme, anna, f"Vraag {n}")
    client = client_for(anna)
    with django_assert_max_num_queries(12):
        response = client.get(
            url("index", acme), {"status": "open"}, headers={"HX-Request": "true"}
        )
    assert b"<h1>" not in response.content
    assert b"Vraag 11" in response.content


def test_a_contributor_assigns_to_self_closes_and_reopens(client_for, acme, anna, dirk):
    item = add(acme, anna)
    client = client_for(dirk)
    client.post(url("assign", acme, item.pk), {"to": "me"})
    item.refresh_from_db()
    assert item.assignee == dirk
    client.post(url("close", acme, item.pk), {"reason": "no_question", "note": "bedankje"})
    item.refresh_from_db()
    assert (item.status, item.close_reason) == (Status.CLOSED, "no_question")
    page = client.get(url("item", acme, item.pk)).content.decode()
    assert "bedankje" in page
    client.post(url("reopen", acme, item.pk))
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_close_without_a_reason_shows_the_error_and_changes_nothing(client_for, acme, anna):
    item = add(acme, anna)
    response = client_for(anna).post(url("close", acme, item.pk), {"reason": ""})
    assert response.status_code == 200
    assert response.context["close_form"].errors
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_answered_elsewhere_in_the_workspace_zone(client_for, acme, anna):
    item = add(acme, anna)
    client_for(anna).post(url("answered", acme, item.pk), {"answered_at": "2026-11-18T13:30"})
    item.refresh_from_db()
    # 13:30 in Amsterdam is 12:30 UTC.
    assert (item.status, item.answered_at) == (Status.ANSWERED, NOON + timedelta(minutes=90))


def test_answered_elsewhere_before_the_message_is_an_error_on_the_form(client_for, acme, anna):
    item = add(acme, anna)
    response = client_for(anna).post(
        url("answered", acme, item.pk), {"answered_at": "2026-11-18T08:00"}
    )
    assert "eerder zijn dan het bericht" in str(response.context["answered_form"].errors)
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_notes_and_history_show_on_the_item(client_for, acme, anna, bram):
    item = add(acme, anna, "Lantaarnpaal kapot")
    client = client_for(anna)
    client.post(url("note", acme, item.pk), {"text": "Doorgezet naar openbare ruimte"})
    client.post(url("assign", acme, item.pk), {"assignee": bram.pk})
    page = client.get(url("item", acme, item.pk)).content.decode()
    assert "Lantaarnpaal kapot" in page
    assert "Doorgezet naar openbare ruimte" in page
    assert "bram" in page


def test_a_viewer_reads_but_cannot_act(client_for, acme, anna, vera):
    item = add(acme, anna)
    client = client_for(vera)
    page = client.get(url("item", acme, item.pk))
    assert page.status_code == 200
    assert url("assign", acme, item.pk).encode() not in page.content
    for name, data in (
        ("assign", {"to": "me"}),
        ("close", {"reason": "spam"}),
        ("note", {"text": "x"}),
    ):
        assert client.post(url(name, acme, item.pk), data).status_code == 403
    item.refresh_from_db()
    assert (item.status, item.assignee) == (Status.OPEN, None)


def test_adding_a_mention_from_the_listening_stream(client_for, acme, anna, dirk, vera):
    mention = make_mention(acme, "Iets voor de inbox")
    assert client_for(vera).post(url("add", acme, mention.pk)).status_code == 403
    response = client_for(dirk).post(url("add", acme, mention.pk))
    item = InboxItem.objects.get(mention=mention)
    assert response["Location"] == url("item", acme, item.pk)
    assert item.origin == "manual"
    client_for(dirk).post(url("add", acme, mention.pk))
    assert InboxItem.objects.count() == 1


def test_the_stream_offers_add_to_inbox_to_contributors_only(client_for, acme, dirk, vera):
    mention = make_mention(acme, "Zichtbaar in de stroom", published_at=LATE)
    stream = reverse("listening:mentions", args=[acme.slug])
    button = url("add", acme, mention.pk).encode()
    assert button in client_for(dirk).get(stream, {"period": "7"}).content
    assert button not in client_for(vera).get(stream, {"period": "7"}).content


def test_settings_for_owners_and_admins_only(client_for, acme, anna, bram):
    data = {"target_minutes": 120, "use_office_hours": "on", "office_days": [0, 1, 2, 3, 4],
            "office_start": "08:30", "office_end": "17:00"}  # fmt: skip
    assert client_for(bram).post(url("settings", acme), data).status_code == 403
    client_for(anna).post(url("settings", acme), data)
    inbox = InboxSettings.objects.get(workspace=acme)
    assert (inbox.target_minutes, inbox.use_office_hours, inbox.office_days) == (
        120, True, [0, 1, 2, 3, 4],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"target_minutes": 0}, "target_minutes"),
        (
            {
                "target_minutes": 60,
                "use_office_hours": "on",
                "office_start": "09:00",
                "office_end": "17:00",
            },
            "office_days",
        ),  # fmt: skip
        (
            {
                "target_minutes": 60,
                "use_office_hours": "on",
                "office_days": [0],
                "office_start": "17:00",
                "office_end": "09:00",
            },
            "office_end",
        ),  # fmt: skip
    ],
)
def test_settings_errors_are_shown_and_nothing_is_saved(client_for, acme, anna, data, field):
    response = client_for(anna).post(url("settings", acme), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert InboxSettings.objects.get(workspace=acme).target_minutes == 240


def test_another_workspaces_items_are_not_found(client_for, acme, anna, carla, bolt):
    item = add(acme, anna)
    mention = make_mention(acme)
    client = client_for(carla)
    assert client.get(url("item", acme, item.pk)).status_code == 404
    assert client.get(url("item", bolt, item.pk)).status_code == 404
    assert client.post(url("close", bolt, item.pk), {"reason": "spam"}).status_code == 404
    assert client.post(url("assign", bolt, item.pk), {"to": "me"}).status_code == 404
    assert client.post(url("add", bolt, mention.pk)).status_code == 404
    item.refresh_from_db()
    assert (item.status, item.assignee) == (Status.OPEN, None)
    assert not InboxItem.objects.filter(mention=mention).exists()


def test_the_navigation_leads_to_the_inbox(client_for, acme, anna):
    response = client_for(anna).get(reverse("workspace-home", args=[acme.slug]))
    assert url("index", acme).encode() in response.content


def test_a_corrected_sentiment_moves_the_item_in_the_list(client_for, acme, anna):
    from koers.listening.actions import correct_sentiment

    recent = NOON + timedelta(hours=4)  # not overdue: only the sentiment orders them
    first = add(acme, anna, "Eerste vraag", published_at=recent)
    second = add(acme, anna, "Tweede vraag", published_at=recent + timedelta(minutes=1))
    assert (first.negative, second.negative) == (False, False)

    def order():
        response = client_for(anna).get(url("index", acme))
        return [i.pk for i in response.context["page"].object_list]

    assert order() == [first.pk, second.pk]
    correct_sentiment(second.mention, anna, "negative")
    second.refresh_from_db()
    assert second.negative is True
    assert order() == [second.pk, first.pk]
    correct_sentiment(second.mention, anna, "neutral")
    assert order() == [first.pk, second.pk]


def test_the_list_order_and_count_read_only_the_inbox_items(
    client_for, acme, anna, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        add(acme, anna, f"Vraag {n}", sentiment=("negative", "neutral")[n % 2])
    with CaptureQueriesContext(connection) as captured:
        response = client_for(anna).get(url("index", acme))
    assert response.status_code == 200
    inbox = [q["sql"] for q in captured.captured_queries if "engagement_inboxitem" in q["sql"]]
    ordered = [sql for sql in inbox if "ORDER BY" in sql or "COUNT(" in sql]
    assert ordered and not [sql for sql in ordered if "listening_mention" in sql], ordered
    assert {i.mention.text for i in response.context["page"].object_list} == {
        "Vraag 0",
        "Vraag 1",
        "Vraag 2",
    }
