from __future__ import annotations

import pytest

from koers.networks.base import PollingSource
from koers.networks.bluesky import BlueskySearchSource, BlueskySession
from koers.networks.mastodon import MastodonSource
from koers.networks.testing.bluesky import FakeBluesky
from koers.networks.testing.mastodon import FakeMastodon


@pytest.fixture
def mastodon():
    with FakeMastodon() as fake:
        yield fake


def test_mastodon_statuses_are_normalised_from_html(mastodon):
    mastodon.add_remote_status(
        "Lekker #koffie bij https://voorbeeld.nl/zon",
        tags=["koffie"],
        links=["https://voorbeeld.nl/zon"],
        acct="anna@voorbeeld.social",
        display_name="Anna",
    )
    source = MastodonSource(mastodon.url, mastodon.token, hashtag="#koffie")

    [post] = source.poll().posts

    assert isinstance(source, PollingSource)
    assert post.text == "Lekker #koffie bij https://voorbeeld.nl/zon"
    assert post.hashtags == ("koffie",)
    assert post.links == ("https://voorbeeld.nl/zon",)
    assert post.author_handle == "@anna@voorbeeld.social"
    assert post.author_name == "Anna"
    assert post.lang == "nl"
    assert post.remote_id.startswith(mastodon.url + "/users/anna/statuses/")
    assert post.created_at.tzinfo is not None
    assert post.metrics is not None and post.metrics.reach is None


def test_a_mastodon_hashtag_poll_walks_every_page_after_the_cursor_without_a_gap(mastodon):
    for number in range(3):
        mastodon.add_remote_status(f"oud {number} #koffie", tags=["koffie"])
    source = MastodonSource(mastodon.url, mastodon.token, hashtag="koffie", page_size=2)
    first = source.poll()
    assert [p.text for p in first.posts] == ["oud 1 #koffie", "oud 2 #koffie"]  # newest page

    for number in range(5):
        mastodon.add_remote_status(f"nieuw {number} #koffie", tags=["koffie"])
    mastodon.add_remote_status("ander onderwerp #thee", tags=["thee"])
    second = source.poll(first.cursor)

    assert [p.text for p in second.posts] == [f"nieuw {n} #koffie" for n in range(5)]
    assert source.poll(second.cursor).posts == ()


def test_mastodon_public_timeline_and_search_sources(mastodon):
    mastodon.add_remote_status("Koers is een mooi woord")
    mastodon.add_remote_status("Iets anders")

    public = MastodonSource(mastodon.url, mastodon.token, public=True).poll()
    search = MastodonSource(mastodon.url, mastodon.token, query="koers").poll()

    assert len(public.posts) == 2
    assert [p.text for p in search.posts] == ["Koers is een mooi woord"]


def test_a_mastodon_source_needs_exactly_one_feed(mastodon):
    with pytest.raises(ValueError):
        MastodonSource(mastodon.url, hashtag="a", query="b")


def test_bluesky_search_pages_with_the_cursor_and_resumes_from_the_watermark():
    with FakeBluesky() as server:
        for number in range(3):
            server.add_post("anna.bsky.social", f"koers oud {number}")
        session = BlueskySession(server.handle, server.password, service_url=server.url)
        source = BlueskySearchSource(session, "koers", page_size=2)

        first = source.poll()
        assert [p.text for p in first.posts] == ["koers oud 1", "koers oud 2"]

        for number in range(5):
            server.add_post("bram.bsky.social", f"koers nieuw {number}")
        server.add_post("bram.bsky.social", "iets anders")
        second = source.poll(first.cursor)

    texts = [p.text for p in second.posts]
    # "since" is inclusive: the newest post of the last poll comes again (caller dedupes).
    assert texts == ["koers oud 2"] + [f"koers nieuw {n}" for n in range(5)]
    assert second.cursor > first.cursor
    post = second.posts[-1]
    assert post.author_handle == "@bram.bsky.social"
    assert post.url.startswith("https://bsky.app/profile/bram.bsky.social/post/")
    assert post.lang == "nl"


def test_the_mastodon_stream_pushes_new_tagged_statuses_as_they_arrive(mastodon):
    import threading
    import time

    from koers.networks.mastodon import MastodonStream

    received = []
    arrived = threading.Event()

    def on_post(post):
        received.append(post)
        arrived.set()

    handle = MastodonStream(mastodon.url, mastodon.token, hashtag="koffie").start(on_post)
    try:
        deadline = time.monotonic() + 5
        while mastodon.open_streams == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        mastodon.add_remote_status("Andere tag #thee", tags=["thee"])
        mastodon.add_remote_status("Verse #koffie", tags=["koffie"])
        assert arrived.wait(5)
    finally:
        handle.close()
    deadline = time.monotonic() + 3
    while handle.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)

    assert not handle.is_alive()
    assert [p.text for p in received] == ["Verse #koffie"]
    assert received[0].hashtags == ("koffie",)


def test_a_search_source_on_an_unreachable_instance_is_retryable(closed_port_url):
    from koers.networks.base import RetryableError

    source = MastodonSource(closed_port_url, "token", query="koers", timeout=2)
    with pytest.raises(RetryableError):
        source.poll()
