from __future__ import annotations

import threading
import time

import pytest

from koers.networks.base import RetryableError
from koers.networks.jetstream import JetstreamSource, event_to_delete, event_to_post
from koers.networks.testing.jetstream import FakeJetstream, sample_events


def take(source: JetstreamSource, cursor: int | None, distinct: int):
    """Everything yielded until ``distinct`` different posts were seen, then stop."""
    stop = threading.Event()
    taken = []
    for item in source.stream(cursor, stop):
        taken.append(item)
        if len({t.post.remote_id for t in taken}) >= distinct:
            stop.set()
            break
    return taken


def test_a_commit_event_becomes_an_incoming_post_with_its_hashtag_facet():
    [event] = [
        e
        for e in sample_events(1)
        if e["kind"] == "commit" and e["commit"]["operation"] == "create"
    ]

    post = event_to_post(event)

    assert post is not None
    assert post.remote_id == f"at://{event['did']}/app.bsky.feed.post/{event['commit']['rkey']}"
    assert post.text == "Koffie bij Café de Zon ☕ #koffie #0"
    assert post.hashtags == ("koffie",)
    assert post.lang == "nl"
    assert post.author_handle == event["did"]


def test_deletes_and_identity_events_are_not_posts():
    noise = [
        e for e in sample_events(1) if e["kind"] != "commit" or e["commit"]["operation"] != "create"
    ]

    assert len(noise) == 2
    assert [event_to_post(e) for e in noise] == [None, None]


def test_after_a_disconnect_the_stream_resumes_from_the_cursor_without_a_gap():
    events = sample_events(10)
    with FakeJetstream(events, disconnect_after=4) as server:
        source = JetstreamSource(server.url, overlap_us=100_000, sleep=lambda s: None)
        start = events[0]["time_us"]

        taken = take(source, start, 10)

    texts = {item.post.text for item in taken}
    assert {f"#{i}" for i in range(10)} <= {t.rsplit(" ", 1)[1] for t in texts}
    # Reconnected with the last seen time_us minus the overlap, never later than it.
    assert source.connections >= 3
    assert all(later is not None for later in server.cursors)
    # Duplicates only where the overlap re-delivered them, never a missing post.
    assert len(taken) > 10
    # First connection: post 0, a delete, an identity event, post 1 — then the break.
    assert server.cursors[1] == taken[1].time_us - 100_000
    # Cursors only move forward and every post came in time_us order per connection.
    assert server.cursors == sorted(server.cursors)


def test_a_restarted_consumer_resumes_from_the_stored_cursor():
    events = sample_events(8)
    with FakeJetstream(events) as server:
        first = take(JetstreamSource(server.url, overlap_us=0), events[0]["time_us"], 5)
        stored = first[-1].time_us

        second = take(JetstreamSource(server.url, overlap_us=0), stored, 4)

    seen = [item.post.remote_id for item in first + second]
    assert len(set(seen)) == 8  # all eight posts; the one at the cursor came twice
    assert len(seen) == 9
    assert second[0].post.remote_id == first[-1].post.remote_id


def test_reconnects_back_off_exponentially_and_give_up_after_max_failures():
    waits: list[float] = []
    with FakeJetstream(sample_events(2), fail_connections=10) as server:
        source = JetstreamSource(
            server.url, backoff_initial=0.5, backoff_max=2.0, max_failures=4, sleep=waits.append
        )

        with pytest.raises(RetryableError, match="unreachable"):
            take(source, 0, 1)

    assert waits == [0.5, 1.0, 2.0, 2.0]


def test_a_refused_handshake_is_retried_and_then_streams():
    events = sample_events(3)
    with FakeJetstream(events, fail_connections=2) as server:
        source = JetstreamSource(server.url, sleep=lambda s: None)

        taken = take(source, events[0]["time_us"], 3)

    assert len(taken) == 3


def test_stopping_a_quiet_stream_takes_about_a_second():
    events = sample_events(2)
    with FakeJetstream(events) as server:
        source = JetstreamSource(server.url, receive_timeout=30)
        stop = threading.Event()
        seen = []

        def consume():
            for item in source.stream(events[0]["time_us"], stop):
                seen.append(item)

        worker = threading.Thread(target=consume)
        worker.start()
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            worker.join(0.05)
        stop.set()
        worker.join(3)

    assert len(seen) == 2
    assert not worker.is_alive()


def test_a_post_delete_event_names_the_post_and_other_events_name_none():
    events = sample_events(1)
    [delete] = [e for e in events if e.get("commit", {}).get("operation") == "delete"]
    like_delete = {**delete, "commit": {**delete["commit"], "collection": "app.bsky.feed.like"}}

    assert event_to_delete(delete) == (
        f"at://{delete['did']}/app.bsky.feed.post/{delete['commit']['rkey']}"
    )
    assert [event_to_delete(e) for e in events if e is not delete] == [None, None]
    assert event_to_delete(like_delete) is None
