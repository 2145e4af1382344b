"""Source glue against the local fake servers: RSS with ETag, Mastodon timelines, Jetstream
replay with reconnect and resume from the stored cursor; backoff and status on errors."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from koers.listening import actions
from koers.listening.models import IngestRun, Mention, Source, SourceStatus, Topic
from koers.listening.rollups import recount, rollup_cells
from koers.listening.sources import poll_due, poll_source, run_jetstream
from koers.networks.jetstream import JetstreamSource
from koers.networks.testing.jetstream import FakeJetstream, sample_events
from koers.networks.testing.mastodon import FakeMastodon
from koers.networks.testing.rss import FakeFeed

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(acme):
    return Topic.objects.create(
        workspace=acme,
        name="Alles",
        kind="hashtag",
        query="koffie OR festival OR strategie OR community OR duinwijk",
    )


def _later(minutes: int = 10):
    return timezone.now() + timedelta(minutes=minutes)


# -- RSS ---------------------------------------------------------------------------------------
def test_rss_is_fetched_conditionally_and_new_items_are_stored_once(acme, topic):
    with FakeFeed() as feed:
        feed.add_item("Duinwijk opent strandpaviljoen", "https://nieuws.example/1", "<p>Zon</p>")
        feed.add_item("Weerbericht", "https://nieuws.example/2", "Regen")
        source = actions.create_source(
            acme, None, name="Nieuws", kind="rss", config={"feed_url": feed.url + "/feed.xml"}
        )
        first = poll_source(source.pk)
        second = poll_source(source.pk, now=_later(10))
        feed.add_item("Duinwijk: festival gaat door", "https://nieuws.example/3")
        third = poll_source(source.pk, now=_later(20))

    assert (first.stored, first.unmatched) == (1, 1)
    assert second.received == 0  # 304 Not Modified
    assert (third.stored, third.duplicates) == (1, 1)
    assert feed.not_modified_responses == 1
    source.refresh_from_db()
    assert source.etag and source.status == SourceStatus.OK
    assert Mention.objects.filter(workspace=acme).count() == 2
    assert Mention.objects.get(url="https://nieuws.example/1").lang == "nl"  # the feed's


def test_a_source_is_not_polled_before_it_is_due(acme, topic):
    with FakeFeed() as feed:
        feed.add_item("Duinwijk", "https://nieuws.example/1")
        source = actions.create_source(
            acme, None, name="Nieuws", kind="rss", config={"feed_url": feed.url + "/feed.xml"}
        )
        assert poll_due() == 1
        assert poll_due() == 0  # claimed: next poll in 300 s
        assert feed.full_responses == 1
    assert IngestRun.objects.filter(source=source).count() == 1


def test_a_failing_feed_backs_off_and_shows_the_error_then_recovers(acme, topic):
    with FakeFeed() as feed:
        feed.add_item("Duinwijk", "https://nieuws.example/1")
        source = actions.create_source(
            acme, None, name="Nieuws", kind="rss", config={"feed_url": feed.url + "/feed.xml"}
        )
        feed.fail_next(2, status=503)
        now = timezone.now()
        assert poll_source(source.pk, now=now) is None
        source.refresh_from_db()
        assert source.status == SourceStatus.BACKOFF
        assert source.failures == 1 and "503" in source.last_error
        assert source.next_poll_at - now == timedelta(seconds=600)

        assert poll_source(source.pk, now=now + timedelta(seconds=601)) is None
        source.refresh_from_db()
        assert source.next_poll_at - (now + timedelta(seconds=601)) == timedelta(seconds=1200)

        report = poll_source(source.pk, now=now + timedelta(hours=1))
    source.refresh_from_db()
    assert report.stored == 1
    assert (source.status, source.failures, source.last_error) == (SourceStatus.OK, 0, "")


def test_a_feed_that_is_gone_marks_the_source_as_needing_attention(acme, topic):
    with FakeFeed() as feed:
        source = actions.create_source(
            acme, None, name="Weg", kind="rss", config={"feed_url": feed.url + "/nope.xml"}
        )
        poll_source(source.pk)
    source.refresh_from_db()
    assert source.status == SourceStatus.BROKEN
    assert poll_due() == 0  # broken sources wait for a person


# -- Mastodon ----------------------------------------------------------------------------------
def test_mastodon_hashtag_timeline_is_polled_from_the_stored_cursor(acme, topic):
    with FakeMastodon() as server:
        for i in range(3):
            server.add_remote_status(f"Koffie in Duinwijk {i} #duinwijk", tags=["duinwijk"])
        source = actions.create_source(
            acme,
            None,
            name="Toots",
            kind="mastodon",
            config={"instance_url": server.url, "hashtag": "duinwijk"},
            credentials={"access_token": server.token},
        )
        first = poll_source(source.pk)
        server.add_remote_status("Festival in Duinwijk #duinwijk", tags=["duinwijk"])
        second = poll_source(source.pk, now=_later())
        third = poll_source(source.pk, now=_later(20))

    assert first.stored == 3
    assert (second.received, second.stored) == (1, 1)
    assert third.received == 0
    source.refresh_from_db()
    assert source.cursor
    assert Mention.objects.filter(network="mastodon").count() == 4


def test_a_revoked_mastodon_token_marks_the_source_as_needing_attention(acme, topic):
    with FakeMastodon() as server:
        source = actions.create_source(
            acme,
            None,
            name="Toots",
            kind="mastodon",
            config={"instance_url": server.url, "hashtag": "duinwijk"},
            credentials={"access_token": server.token},
        )
        server.revoke_token()
        assert poll_source(source.pk) is None
    source.refresh_from_db()
    assert source.status == SourceStatus.BROKEN
    assert "reconnect" in source.last_error
    assert server.token not in source.last_error
    assert rollup_cells(acme) == recount(acme)


def test_credentials_are_stored_encrypted(acme):
    source = actions.create_source(
        acme,
        None,
        name="Toots",
        kind="mastodon",
        config={"instance_url": "https://x.example", "search": "duinwijk"},
        credentials={"access_token": "geheim-token-123"},
    )
    stored = Source.objects.get(pk=source.pk)
    assert "geheim-token-123" not in stored.credentials
    assert actions.source_credentials(stored) == {"access_token": "geheim-token-123"}


# -- Jetstream ---------------------------------------------------------------------------------
class StopAfter:
    """Wraps a Jetstream consumer and stops the run after ``n`` distinct posts (tests only)."""

    def __init__(self, inner: JetstreamSource, n: int) -> None:
        self.inner, self.n = inner, n

    def stream(self, cursor, stop: threading.Event, on_delete=None):
        seen = set()
        for item in self.inner.stream(cursor, stop=stop, on_delete=on_delete):
            seen.add(item.post.remote_id)
            yield item
            if len(seen) >= self.n:
                stop.set()


def _jetstream_source(acme, cursor: str) -> Source:
    source = actions.create_source(acme, None, name="Jetstream", kind="bluesky_jetstream")
    source.cursor = cursor
    source.save(update_fields=["cursor"])
    return source


def test_jetstream_replay_survives_disconnects_and_resumes_from_the_cursor(acme, topic):
    events = sample_events(count=12)
    first_time = min(e["time_us"] for e in events)
    with FakeJetstream(events, disconnect_after=5) as server:
        source = _jetstream_source(acme, str(first_time))

        def consumer(n):
            return lambda s: StopAfter(
                JetstreamSource(server.url, sleep=lambda _s: None, overlap_us=100_000), n
            )

        report = run_jetstream(source, threading.Event(), flush_size=4, make_stream=consumer(12))
        stored_cursor = Source.objects.get(pk=source.pk).cursor
        connections_before = len(server.cursors)
        # A restart: a new consumer resumes from the stored cursor; nothing is stored twice.
        again = run_jetstream(
            Source.objects.get(pk=source.pk), threading.Event(), make_stream=consumer(1)
        )

    assert connections_before > 2, report  # it reconnected after each break
    # Twelve posts stored; the sample's delete event then removed post 0 again.
    assert report.stored == 12
    assert Mention.objects.filter(network="bluesky").count() == 11
    assert not Mention.objects.filter(text__endswith=" #0").exists()
    assert int(stored_cursor) == max(e["time_us"] for e in events if e["kind"] == "commit")
    assert server.cursors[connections_before] == int(stored_cursor) - 100_000
    assert again.stored == 0 and again.duplicates >= 1
    assert rollup_cells(acme) == recount(acme)


def test_koers_listen_once_polls_the_due_sources_of_one_workspace(acme, topic, bolt):
    import io

    from django.core.management import call_command

    with FakeFeed() as feed:
        feed.add_item("Duinwijk", "https://nieuws.example/1")
        for workspace in (acme, bolt):
            actions.create_source(
                workspace, None, name="N", kind="rss", config={"feed_url": feed.url + "/feed.xml"}
            )
        out = io.StringIO()
        call_command("listen", "--workspace", "acme", "--once", "--json", stdout=out)
    assert out.getvalue().strip() == '{"polled": 1}'
    assert Source.objects.get(workspace=bolt).last_polled_at is None


# -- Bluesky search ----------------------------------------------------------------------------
def test_bluesky_search_polls_from_its_cursor_and_keeps_the_session_encrypted(acme, topic):
    from koers.networks.testing.bluesky import FakeBluesky

    with FakeBluesky() as server:
        for i in range(3):
            server.add_post("inwoner.bsky.social", f"Koffie bij het strand van Duinwijk {i}")
        source = actions.create_source(
            acme,
            None,
            name="Bluesky zoeken",
            kind="bluesky_search",
            config={"handle": server.handle, "service_url": server.url, "search": "duinwijk"},
            credentials={"app_password": server.password},
        )
        first = poll_source(source.pk)
        server.add_post("inwoner.bsky.social", "Festival in Duinwijk dit weekend")
        second = poll_source(source.pk, now=_later())
        third = poll_source(source.pk, now=_later(20))
        logins = server.calls("com.atproto.server.createSession")

    assert first.stored == 3
    assert second.stored == 1  # the overlapping boundary post is received again, stored once
    assert third.stored == 0
    assert logins == 1  # the stored session is reused, never a login per poll
    assert Mention.objects.filter(network="bluesky").count() == 4
    source.refresh_from_db()
    assert source.cursor
    assert server.password not in source.credentials
    assert actions.source_credentials(source)["session"]
    assert rollup_cells(acme) == recount(acme)


def test_a_post_deleted_on_bluesky_is_removed_and_no_longer_counted(acme, topic):
    posts = [e for e in sample_events(count=4) if e.get("commit", {}).get("operation") == "create"]
    kept, gone = posts[0], posts[1]
    # Jetstream's delete event as it arrives: the commit names the record, nothing more.
    delete = {
        "did": gone["did"],
        "time_us": posts[-1]["time_us"] + 1_000,
        "kind": "commit",
        "commit": {
            "rev": "3lcgn3xqsuo2b",
            "operation": "delete",
            "collection": "app.bsky.feed.post",
            "rkey": gone["commit"]["rkey"],
        },
    }
    with FakeJetstream([*posts, delete]) as server:
        source = _jetstream_source(acme, str(posts[0]["time_us"]))
        # Stops once the delete has been applied (the pipeline then holds three mentions).
        stop = threading.Event()

        def consumer(s):
            inner = JetstreamSource(server.url, sleep=lambda _s: None)

            class UntilDeleted:
                def stream(self, cursor, stop, on_delete):
                    def deleted(item):
                        on_delete(item)
                        stop.set()

                    yield from inner.stream(cursor, stop=stop, on_delete=deleted)

            return UntilDeleted()

        report = run_jetstream(source, stop, flush_size=100, make_stream=consumer)

    assert report.stored == 4
    remaining = set(Mention.objects.values_list("remote_id", flat=True))
    gone_uri = f"at://{gone['did']}/app.bsky.feed.post/{gone['commit']['rkey']}"
    kept_uri = f"at://{kept['did']}/app.bsky.feed.post/{kept['commit']['rkey']}"
    assert gone_uri not in remaining and kept_uri in remaining
    assert len(remaining) == 3
    assert sum(rollup_cells(acme).values()) == 3
    assert rollup_cells(acme) == recount(acme)


def test_a_deleted_bluesky_account_takes_all_its_posts_with_it(acme, topic):
    posts = [e for e in sample_events(count=6) if e.get("commit", {}).get("operation") == "create"]
    gone_did = posts[0]["did"]  # sample authors take turns: posts 0 and 3 are this account's
    account_deleted = {
        "did": gone_did,
        "time_us": posts[-1]["time_us"] + 1_000,
        "kind": "account",
        "account": {
            "active": False,
            "did": gone_did,
            "seq": 1409753013,
            "status": "deleted",
            "time": "2025-11-24T16:05:00.000Z",
        },
    }
    deactivated = {
        **account_deleted,
        "did": posts[1]["did"],
        "time_us": account_deleted["time_us"] - 500,
        "account": {**account_deleted["account"], "did": posts[1]["did"], "status": "deactivated"},
    }
    with FakeJetstream([*posts, deactivated, account_deleted]) as server:
        source = _jetstream_source(acme, str(posts[0]["time_us"]))
        stop = threading.Event()

        def consumer(s):
            inner = JetstreamSource(server.url, sleep=lambda _s: None)

            class UntilAccountDeleted:
                def stream(self, cursor, stop, on_delete):
                    def deleted(item):
                        on_delete(item)
                        if item.account:
                            stop.set()

                    yield from inner.stream(cursor, stop=stop, on_delete=deleted)

            return UntilAccountDeleted()

        report = run_jetstream(source, stop, flush_size=100, make_stream=consumer)

    authors = [p["did"] for p in posts]
    assert report.stored == 6
    assert Mention.objects.count() == 6 - authors.count(gone_did) == 4
    assert not Mention.objects.filter(remote_id__startswith=f"at://{gone_did}/").exists()
    assert rollup_cells(acme) == recount(acme)
