from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from koers.networks.base import PermanentError, PollingSource, RetryableError
from koers.networks.rss import RssSource
from koers.networks.testing.rss import FakeFeed


@pytest.fixture
def feed():
    with FakeFeed() as fake:
        fake.add_item(
            "Koers gaat live",
            "https://voorbeeld.nl/1",
            '<p>Lees <a href="https://voorbeeld.nl/meer">meer</a> &amp; reageer</p>',
            categories=("Strategie",),
        )
        fake.add_item("Tweede bericht", "https://voorbeeld.nl/2", "Kort")
        yield fake


def test_rss_source_satisfies_the_polling_protocol(feed):
    assert isinstance(RssSource(feed.url + "/feed.xml"), PollingSource)


def test_entries_become_incoming_posts_with_text_links_tags_and_utc_dates(feed):
    result = RssSource(feed.url + "/feed.xml").fetch()

    first = result.posts[0]
    assert first.network == "rss"
    assert first.remote_id == "https://voorbeeld.nl/1"
    assert first.text == "Koers gaat live\n\nLees meer & reageer"
    assert first.links == ("https://voorbeeld.nl/1", "https://voorbeeld.nl/meer")
    assert first.hashtags == ("strategie",)
    assert first.lang == "nl"
    assert first.created_at == datetime(2025, 11, 1, 13, 0, tzinfo=UTC)
    assert result.etag and result.last_modified


def test_the_second_poll_with_the_stored_validators_gets_304_and_no_entries(feed):
    source = RssSource(feed.url + "/feed.xml")
    first = source.fetch()

    second = source.fetch(first.etag, first.last_modified)

    assert second.not_modified and second.posts == ()
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)
    assert (feed.full_responses, feed.not_modified_responses) == (1, 1)
    sent = feed.requests[-1]
    assert sent.header("if-none-match") == first.etag


def test_a_changed_feed_is_fetched_again_through_the_poll_cursor(feed):
    source = RssSource(feed.url + "/feed.xml")
    batch = source.poll()
    assert json.loads(batch.cursor)["etag"]

    unchanged = source.poll(batch.cursor)
    feed.add_item("Derde", "https://voorbeeld.nl/3")
    changed = source.poll(unchanged.cursor)

    assert unchanged.posts == () and unchanged.extra["not_modified"] == "true"
    assert [p.remote_id for p in changed.posts][-1] == "https://voorbeeld.nl/3"


def test_server_errors_are_retryable_and_a_missing_feed_is_permanent(feed):
    feed.fail_next(1, status=503)
    with pytest.raises(RetryableError):
        RssSource(feed.url + "/feed.xml").fetch()
    with pytest.raises(PermanentError, match="404"):
        RssSource(feed.url + "/weg.xml").fetch()


def test_an_unreachable_feed_is_retryable(closed_port_url):
    with pytest.raises(RetryableError):
        RssSource(closed_port_url + "/feed.xml", timeout=2).fetch()
