"""Topics and mentions: keyset pages newest first, the stream's filters, the query language."""

from __future__ import annotations

from datetime import timedelta

from koers.api.endpoints import listening
from koers.listening.models import Mention

from .conftest import NOON


def _texts(page):
    return [m["text"] for m in page["items"]]


def _many(acme, n, start=NOON):
    for i in range(n):
        Mention.objects.create(
            workspace=acme, network="bluesky", remote_id=f"at://m/{i}", text=f"fiets nummer {i}",
            text_hash=f"{i:016x}", lang="nl", sentiment="positive",
            published_at=start - timedelta(minutes=i // 2),  # pairs share a time: ids break ties
        )  # fmt: skip


def test_mentions_come_in_keyset_pages_without_gaps_or_doubles(api_as, anna, acme):
    _many(acme, 7)
    api = api_as(anna, acme)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = api.get("/mentions", params).json()
        seen += [m["id"] for m in page["items"]]
        cursor, pages = page["next"], pages + 1
        if cursor is None:
            break
    stored = list(Mention.objects.order_by("-published_at", "-id").values_list("id", flat=True))
    assert seen == stored and pages == 3


def test_mentions_filter_by_topic_network_sentiment_and_time(api_as, anna, acme, acme_world):
    _many(acme, 2)
    api = api_as(anna, acme)
    topic = acme_world["topic"].pk
    assert _texts(api.get("/mentions", {"topic": topic}).json()) == [
        "Acme vraag 0", "Acme vraag 1", "Acme vraag 2"
    ]  # fmt: skip
    assert _texts(api.get("/mentions", {"network": "bluesky", "sentiment": "positive"}).json()) == [
        "fiets nummer 1", "fiets nummer 0"
    ]  # fmt: skip
    window = {"since": "2026-11-18T09:30:00+00:00", "until": "2026-11-18T10:30:00+00:00"}
    assert _texts(api.get("/mentions", window).json()) == ["Acme vraag 1"]
    assert api.get("/mentions", {"until": "0.5"}).status_code == 422
    assert api.get("/mentions", {"since": "2026-11-18T09:30:00"}).status_code == 422  # no zone


def test_the_query_language_of_topics_filters_mentions(api_as, anna, acme, acme_world):
    _many(acme, 4)
    api = api_as(anna, acme)
    found = api.get("/mentions", {"query": 'fiets AND NOT "nummer 1"'}).json()
    assert _texts(found) == ["fiets nummer 0", "fiets nummer 3", "fiets nummer 2"]
    assert _texts(api.get("/mentions", {"query": "vraag network:bluesky"}).json()) == []
    wrong = api_as(anna, acme, language="nl").get("/mentions", {"query": "(fiets"})
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "invalid" and wrong.json()["errors"]["query"][0]


def test_a_query_page_reads_a_bounded_number_of_mentions(api_as, anna, acme, monkeypatch):
    monkeypatch.setattr(listening, "SCAN_LIMIT", 4)
    monkeypatch.setattr(listening, "BATCH", 3)
    _many(acme, 9)
    api = api_as(anna, acme)
    first = api.get("/mentions", {"query": "nummer", "limit": 50}).json()
    assert first["scanned"] == 4 and len(first["items"]) == 4 and first["next"]
    rest = api.get("/mentions", {"query": "nummer", "cursor": first["next"]}).json()
    rest2 = api.get("/mentions", {"query": "nummer", "cursor": rest["next"]}).json()
    assert rest2["next"] is None
    ids = [m["id"] for page in (first, rest, rest2) for m in page["items"]]
    assert len(ids) == len(set(ids)) == 9


def test_topics_are_listed_and_found(api_as, anna, acme, acme_world):
    api = api_as(anna, acme)
    topic = acme_world["topic"]
    assert [t["name"] for t in api.get("/topics").json()] == ["Topic Acme"]
    assert api.get(f"/topics/{topic.pk}").json()["query"] == "acme"
