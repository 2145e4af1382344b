"""The X adapter against the fake X API: tokens, posts, media, exactly-once, reading, levels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from koers.networks import catalog
from koers.networks.base import (
    AuthError,
    MediaItem,
    OutgoingPost,
    PermanentError,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.testing.server import FaultPlan
from koers.networks.testing.x import ACCOUNT_ID, FakeX
from koers.networks.x import (
    AccessLevelError,
    Tokens,
    XAuth,
    XMentionsSource,
    XPublisher,
    XSearchSource,
    exchange_code,
    text_length,
)


@pytest.fixture
def server():
    with FakeX() as fake:
        yield fake


class Saved:
    """What ``on_token_change`` stored (the channel's encrypted columns, in the real thing)."""

    def __init__(self) -> None:
        self.pairs: list[Tokens] = []

    def __call__(self, tokens: Tokens) -> None:
        self.pairs.append(tokens)


def _auth(server: FakeX, saved: Saved | None = None, *, ttl: int | None = None) -> XAuth:
    answer = server.issue_tokens(ttl=ttl)
    tokens = Tokens(
        answer["access_token"],
        answer["refresh_token"],
        datetime.now(UTC) + timedelta(seconds=answer["expires_in"]),
    )
    return XAuth(
        tokens,
        client_id=server.client_id,
        client_secret=server.client_secret,
        api_url=server.url,
        on_token_change=saved,
    )


def _publisher(server: FakeX, saved: Saved | None = None, **kwargs) -> XPublisher:
    return XPublisher(_auth(server, saved), sleep=lambda _s: None, timeout=2.0, **kwargs)


def _video(size: int = 10_000) -> MediaItem:
    return MediaItem(b"\x00" * size, "video/mp4", "Een korte film", "film.mp4")


# -- capabilities and counting ----------------------------------------------------------------
def test_x_declares_threads_quotes_video_and_the_post_caps_per_access_level():
    declared = catalog.capabilities("x")
    assert declared is not None and declared.provider == "x"
    assert {"thread", "quote", "reply", "video", "images"} <= declared.publish
    assert "first_comment" not in declared.publish
    assert declared.limits.max_chars == 280 and declared.limits.max_videos == 1
    assert declared.post_cap("") == 500 and declared.post_cap("basic") == 3_000


def test_x_counts_links_as_23_and_wide_characters_as_two():
    assert text_length("a" * 10 + " https://example.nl/" + "b" * 100) == 10 + 1 + 23
    assert text_length("日本") == 4
    assert text_length("👍🏽") == 2
    assert text_length("é") == 1


# -- tokens -----------------------------------------------------------------------------------
def test_code_exchange_needs_the_pkce_verifier_and_basic_auth(server):
    import base64
    import hashlib

    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    answer = httpx.get(
        server.url + "/i/oauth2/authorize",
        params={
            "client_id": server.client_id,
            "redirect_uri": "https://koers.example/connect/x/callback/",
            "state": "s1",
            "code_challenge": challenge.decode(),
            "code_challenge_method": "S256",
            "scope": "tweet.read",
        },
    )
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["location"])
    code = location.params["code"]
    assert location.params["state"] == "s1"
    with pytest.raises(AuthError, match="authorization code was invalid"):
        exchange_code(
            code,
            code_verifier="wrong" * 10,
            redirect_uri="https://koers.example/connect/x/callback/",
            client_id=server.client_id,
            client_secret=server.client_secret,
            api_url=server.url,
        )
    # The code is used up by the refused try, like X does: a new consent gives a new code.
    again = httpx.get(server.url + "/i/oauth2/authorize", params=dict(answer.request.url.params))
    code = httpx.URL(again.headers["location"]).params["code"]
    tokens = exchange_code(
        code,
        code_verifier=verifier,
        redirect_uri="https://koers.example/connect/x/callback/",
        client_id=server.client_id,
        client_secret=server.client_secret,
        api_url=server.url,
    )
    assert tokens.refresh_token and "offline.access" in tokens.scopes
    assert tokens.access_token not in repr(tokens)


def test_an_expired_access_token_is_refreshed_and_the_new_pair_saved_at_once(server):
    saved = Saved()
    auth = _auth(server, saved, ttl=60)  # inside the refresh margin: refreshed before use
    old_refresh = auth.tokens.refresh_token
    publisher = XPublisher(auth, sleep=lambda _s: None)
    assert publisher.check_connection().account == "@koers"
    [pair] = saved.pairs
    assert pair.refresh_token != old_refresh and pair.refresh_token in server.refresh_tokens
    assert old_refresh in server.used_refresh_tokens  # rotated: the old one is dead
    # A token the server expired early: 401, one refresh, the call succeeds.
    server.expire_access_tokens()
    result = publisher.publish(OutgoingPost("Na het verlopen"), "k1")
    assert server.tweets[result.remote_id]["_raw"] == "Na het verlopen"
    assert len(saved.pairs) == 2


def test_a_revoked_refresh_token_breaks_the_channel_with_xs_reason(server):
    saved = Saved()
    publisher = _publisher(server, saved)
    server.expire_access_tokens()
    server.revoke_refresh_tokens()
    with pytest.raises(AuthError, match="Value passed for the token was invalid"):
        publisher.publish(OutgoingPost("Gaat niet"), "k1")
    assert saved.pairs == [] and server.own_posts() == []
    status = publisher.check_connection()
    assert not status.ok and "Reconnect" in status.reason


def test_a_refresh_token_another_worker_used_first_is_replaced_by_the_stored_pair(server):
    first = _auth(server)
    stored: dict[str, Tokens] = {}
    fresh = server.issue_tokens()
    stored["now"] = Tokens(fresh["access_token"], fresh["refresh_token"], None)
    server.refresh_tokens.discard(first.tokens.refresh_token)  # used by the other worker
    auth = XAuth(
        first.tokens,
        client_id=server.client_id,
        client_secret=server.client_secret,
        api_url=server.url,
        reload=lambda: stored["now"],
    )
    auth.refresh()
    assert auth.tokens.access_token == fresh["access_token"]


# -- publishing -------------------------------------------------------------------------------
def test_text_reply_and_quote_go_out_with_their_references(server):
    publisher = _publisher(server)
    first = publisher.publish(OutgoingPost("Eerste"), "k1")
    reply = publisher.publish(OutgoingPost("Antwoord", in_reply_to=first.remote_id), "k2")
    quote = publisher.publish(OutgoingPost("Citaat", quote_of=first.remote_id), "k3")
    assert first.url == f"https://x.com/koers/status/{first.remote_id}"
    assert server.tweets[reply.remote_id]["referenced_tweets"] == [
        {"type": "replied_to", "id": first.remote_id}
    ]
    assert server.tweets[quote.remote_id]["referenced_tweets"] == [
        {"type": "quoted", "id": first.remote_id}
    ]


def test_images_are_uploaded_in_chunks_with_alt_text(server, png, monkeypatch):
    monkeypatch.setattr("koers.networks.x.publisher.CHUNK_BYTES", 100)
    publisher = _publisher(server)
    image = MediaItem(png, "image/png", "Een fiets", "fiets.png")
    result = publisher.publish(OutgoingPost("Met foto", media=(image,)), "k1")
    [key] = server.tweets[result.remote_id]["attachments"]["media_keys"]
    session = server.media[key.split("_", 1)[1]]
    assert len(session["segments"]) == -(-len(png) // 100) and session["alt_text"] == "Een fiets"
    assert session["category"] == "tweet_image"


def test_a_video_waits_for_processing_before_the_post(server):
    waits: list[float] = []
    publisher = XPublisher(_auth(server), sleep=waits.append)
    result = publisher.publish(OutgoingPost("Film", media=(_video(),)), "k1")
    assert waits == [1.0, 1.0, 1.0]  # pending → in_progress → in_progress → succeeded
    assert server.tweets[result.remote_id]["attachments"]["media_keys"][0].startswith("7_")
    assert server.count("GET", "/2/media/upload") == 3


def test_failed_video_processing_is_permanent_with_xs_reason(server):
    publisher = _publisher(server)
    server.fail_processing_next("InvalidMedia", "Unsupported video codec")
    with pytest.raises(PermanentError, match="process the video: Unsupported video codec"):
        publisher.publish(OutgoingPost("Film", media=(_video(),)), "k1")
    assert server.own_posts() == []


def test_images_and_a_video_in_one_post_are_refused_before_sending(server, png):
    publisher = _publisher(server)
    post = OutgoingPost("Mix", media=(MediaItem(png, "image/png", "a"), _video()))
    assert [p.code for p in publisher.validate(post)] == ["mixed_media"]
    with pytest.raises(PermanentError):
        publisher.publish(post, "k1")
    assert server.media == {}


def test_a_duplicate_text_is_refused_with_xs_words(server):
    publisher = _publisher(server)
    publisher.publish(OutgoingPost("Twee keer"), "k1")
    with pytest.raises(PermanentError, match="duplicate content"):
        publisher.publish(OutgoingPost("Twee keer"), "k2")


# -- rate limits ------------------------------------------------------------------------------
def test_a_429_is_retryable_after_xs_reset_time(server):
    publisher = _publisher(server)
    server.ratelimit_next(1, "/2/tweets", retry_after=40)
    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost("Te vroeg"), "k1")
    assert caught.value.status == 429 and 30 <= caught.value.retry_after <= 41
    assert server.own_posts() == []


def test_a_used_up_window_answers_429_until_its_reset(server):
    publisher = _publisher(server)
    server.window["/2/tweets"] = 2
    publisher.publish(OutgoingPost("een"), "k1")
    assert publisher.client.rate_limits["/2/tweets"][1] == 1
    publisher.publish(OutgoingPost("twee"), "k2")
    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost("drie"), "k3")
    assert caught.value.retry_after is not None and caught.value.retry_after > 800


# -- exactly once -----------------------------------------------------------------------------
def test_a_post_dropped_after_receipt_is_found_and_never_posted_twice(server):
    publisher = _publisher(server)
    since = datetime.now(UTC)
    post = OutgoingPost("Precies één keer & niet vaker https://example.nl/a")
    server.drop_next(1, "/2/tweets")
    with pytest.raises(UnknownOutcomeError):
        publisher.publish(post, "k1")
    [created] = server.own_posts()
    found = publisher.lookup("k1", post, since=since)
    assert found is not None and found.remote_id == created["id"]
    assert publisher.lookup("k1", post, since=since, exclude=frozenset({created["id"]})) is None
    assert len(server.own_posts()) == 1


def test_lookup_pages_back_and_ignores_other_posts_and_older_ones(server):
    publisher = _publisher(server)
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    old = server._create(server.account, "Zoek mij", created_at=two_days_ago)
    since = datetime.now(UTC)
    mine = publisher.publish(OutgoingPost("Zoek mij", in_reply_to=old["id"]), "k1")
    for number in range(230):
        server._create(server.account, f"ander bericht {number}")
    found = publisher.lookup("k1", OutgoingPost("Zoek mij", in_reply_to=old["id"]), since=since)
    assert found is not None and found.remote_id == mine.remote_id
    assert publisher.lookup("k2", OutgoingPost("Zoek mij"), since=since) is None
    assert server.count("GET", f"/2/users/{ACCOUNT_ID}/tweets") >= 6  # three pages, twice


def test_random_faults_never_make_a_second_post_when_looked_up_first(server):
    publisher = _publisher(server)
    server.faults = FaultPlan.parse("drop=0.3,drop503=0.2,fail=0.2,seed=3,only=/2/tweets")
    since = datetime.now(UTC)
    post = OutgoingPost("Eén keer, ondanks alles")
    outcome = None
    for _try in range(30):
        try:
            outcome = publisher.lookup("k", post, since=since) or publisher.publish(post, "k")
            break
        except (RetryableError, UnknownOutcomeError):
            continue
    assert outcome is not None
    server.faults = FaultPlan()
    assert [p["id"] for p in server.own_posts()] == [outcome.remote_id]


# -- reading ----------------------------------------------------------------------------------
def test_mentions_are_read_page_by_page_and_the_cursor_skips_what_was_read(server):
    publisher = _publisher(server)
    for number in range(130):
        server.add_tweet(f"fan{number}", f"@koers vraag {number}")
    server.add_tweet("iemand", "over iets anders")
    source = XMentionsSource(publisher.client, ACCOUNT_ID)
    batch = source.poll(None)
    assert len(batch.posts) == 130 and len({p.remote_id for p in batch.posts}) == 130
    assert batch.posts[0].mentions == ("koers",) and batch.posts[0].author_handle == "@fan129"
    assert server.count("GET", f"/2/users/{ACCOUNT_ID}/mentions") == 2
    server.add_tweet("laat", "@koers nog een vraag")
    later = source.poll(batch.cursor)
    assert [p.text for p in later.posts] == ["@koers nog een vraag"]


def test_free_access_says_plainly_which_level_mentions_and_search_need(server):
    publisher = _publisher(server)
    server.access_level = "free"
    with pytest.raises(AccessLevelError) as mentions:
        XMentionsSource(publisher.client, ACCOUNT_ID).poll(None)
    with pytest.raises(AccessLevelError) as search:
        XSearchSource(publisher.client, "koers").poll(None)
    assert mentions.value.needs == "basic" and mentions.value.status == 403
    assert "mentions of the account" in mentions.value.message
    assert "Basic level" in search.value.message and "Free: publishing only" in search.value.message
    assert "recent search" in search.value.message
    # Publishing still works at Free.
    assert publisher.publish(OutgoingPost("Gratis mag dit"), "k1").remote_id


def test_recent_search_reads_matching_posts(server):
    publisher = _publisher(server)
    server.add_tweet("anna", "Lekker fietsen in Duinwijk")
    server.add_tweet("bob", "Iets anders")
    batch = XSearchSource(publisher.client, "fietsen").poll(None)
    assert [p.author_handle for p in batch.posts] == ["@anna"]


def test_metrics_use_non_public_counts_for_own_posts_and_public_ones_otherwise(server):
    publisher = _publisher(server)
    own = publisher.publish(OutgoingPost("Meten"), "k1")
    server.set_counts(own.remote_id, likes=3, reposts=1, impressions=50)
    [metrics] = publisher.fetch_post_metrics([own.remote_id])
    assert (metrics.likes, metrics.reposts, metrics.impressions) == (3, 1, 100)
    other = server.add_tweet("anna", "niet van ons")
    server.set_counts(other["id"], likes=2, impressions=7)
    found = {m.remote_id: m for m in publisher.fetch_post_metrics([own.remote_id, other["id"]])}
    assert found[other["id"]].impressions == 7 and found[own.remote_id].impressions == 50
    assert publisher.fetch_account_metrics().followers == 250
