from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from koers.networks.base import (
    AuthError,
    MediaItem,
    OutgoingPost,
    PermanentError,
    Publisher,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.mastodon import MastodonPublisher
from koers.networks.testing.mastodon import FakeMastodon


@pytest.fixture
def server():
    with FakeMastodon(max_characters=500) as fake:
        yield fake


def publisher_for(server: FakeMastodon, **kwargs) -> MastodonPublisher:
    kwargs.setdefault("media_poll_interval", 0.01)
    return MastodonPublisher(server.url, server.token, **kwargs)


def test_mastodon_publisher_satisfies_the_publisher_protocol(server):
    assert isinstance(publisher_for(server), Publisher)


def test_publishing_with_an_image_uploads_it_with_alt_text_and_waits_until_processed(server, png):
    publisher = publisher_for(server)
    post = OutgoingPost(
        text="Nieuwe koers! #koffie",
        media=(MediaItem(png, "image/png", "Een kop koffie op een houten tafel", "koffie.png"),),
        language="nl",
        content_warning="eten",
        visibility="unlisted",
    )

    result = publisher.publish(post, "attempt-1")

    [status] = server.own_statuses()
    assert result.remote_id == status["id"]
    assert result.url == f"{server.url}/@koers/{status['id']}"
    assert result.published_at.tzinfo is not None
    assert status["language"] == "nl"
    assert status["spoiler_text"] == "eten"
    assert status["visibility"] == "unlisted"
    [media] = status["media_attachments"]
    assert media["description"] == "Een kop koffie op een houten tafel"
    assert server.media_data[media["id"]] == png
    # The upload answered 202 (processing); the adapter polled until the URL was there.
    assert server.count("GET", f"/api/v1/media/{media['id']}") == 1
    assert server.count("POST", "/api/v1/statuses") == 1


def test_resending_with_the_same_idempotency_key_returns_the_same_status(server):
    publisher = publisher_for(server)
    post = OutgoingPost(text="Eén keer, niet twee keer")

    first = publisher.publish(post, "attempt-42")
    second = publisher.publish(post, "attempt-42")

    assert first == second
    assert len(server.own_statuses()) == 1
    idempotency_headers = [
        r.header("idempotency-key") for r in server.requests if r.path == "/api/v1/statuses"
    ]
    assert idempotency_headers == ["attempt-42", "attempt-42"]


def test_a_503_is_retryable_and_creates_nothing(server):
    publisher = publisher_for(server)
    publisher.limits()  # read the instance before the failure is armed
    server.fail_next(1, status=503, path_prefix="/api/v1/statuses")

    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost(text="Hallo"), "attempt-503")

    assert caught.value.status == 503
    assert server.own_statuses() == []
    # The retry with the same key goes through, once.
    publisher.publish(OutgoingPost(text="Hallo"), "attempt-503")
    assert len(server.own_statuses()) == 1


def test_a_429_is_retryable_with_the_wait_the_instance_asked_for(server):
    publisher = publisher_for(server)
    publisher.limits()
    server.fail_next(
        1,
        status=429,
        path_prefix="/api/v1/statuses",
        headers={"X-RateLimit-Reset": "2099-01-01T00:00:00.000Z"},
    )

    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost(text="Hallo"), "attempt-429")

    assert caught.value.status == 429
    assert caught.value.retry_after is not None and caught.value.retry_after > 0


def test_a_timeout_after_sending_is_unknown_and_lookup_finds_the_post_without_posting_again(
    server,
):
    publisher = publisher_for(server, timeout=0.5)
    publisher.limits()
    post = OutgoingPost(text="Belangrijk bericht met @anna@voorbeeld.social erin")
    started = datetime.now(UTC)
    server.delay_after_handling("/api/v1/statuses", seconds=1.5)

    with pytest.raises(UnknownOutcomeError):
        publisher.publish(post, "attempt-timeout")

    assert len(server.own_statuses()) == 1  # the server did create it
    # A fresh adapter (another worker, after a crash) finds it from what the caller stored.
    found = publisher_for(server).lookup("attempt-timeout", post, since=started)
    assert found is not None
    assert found.remote_id == server.own_statuses()[0]["id"]
    assert server.count("POST", "/api/v1/statuses") == 1
    never = OutgoingPost(text="Nooit verstuurd")
    assert publisher.lookup("other-key", never, since=started) is None


def test_lookup_never_takes_a_status_from_before_the_attempt_or_one_owned_by_another_post(
    server,
):
    publisher = publisher_for(server)
    post = OutgoingPost(text="Koffie is klaar")
    earlier = publisher.publish(post, "yesterday-item")
    started = datetime.now(UTC) + timedelta(minutes=10)  # the attempt began well after it
    assert publisher.lookup("today-item", post, since=started) is None

    just_now = datetime.now(UTC)
    other = publisher.publish(post, "other-item")  # same text, another item's status
    assert publisher.lookup("mine", post, since=just_now).remote_id in {  # type: ignore[union-attr]
        earlier.remote_id,
        other.remote_id,
    }
    owned = frozenset({earlier.remote_id, other.remote_id})
    assert publisher.lookup("mine", post, since=just_now, exclude=owned) is None


def test_lookup_compares_images_alt_text_and_reply_target(server, png):
    publisher = publisher_for(server)
    started = datetime.now(UTC)
    sent = OutgoingPost(text="Kijk", media=(MediaItem(png, "image/png", "Een fiets", "f.png"),))
    publisher.publish(sent, "with-image")

    other_alt = OutgoingPost(text="Kijk", media=(MediaItem(png, "image/png", "Een auto", "a.png"),))
    no_image = OutgoingPost(text="Kijk")
    as_reply = OutgoingPost(text="Kijk", media=sent.media, in_reply_to="1")
    assert publisher.lookup("a", other_alt, since=started) is None
    assert publisher.lookup("b", no_image, since=started) is None
    assert publisher.lookup("c", as_reply, since=started) is None
    assert publisher.lookup("d", sent, since=started) is not None


def test_lookup_pages_back_past_many_newer_statuses_to_the_attempt(server):
    publisher = publisher_for(server)
    started = datetime.now(UTC)
    post = OutgoingPost(text="Het eerste bericht van de dag")
    first = publisher.publish(post, "first")
    for n in range(95):  # more than two of Mastodon's 40-status pages
        server.add_remote_status(f"ruis {n}")  # someone else's: not in the account's list
        publisher.publish(OutgoingPost(text=f"Later bericht {n}"), f"later-{n}")

    found = publisher_for(server).lookup("first", post, since=started)

    assert found is not None and found.remote_id == first.remote_id
    pages = [r for r in server.requests if r.path.endswith(f"/{server.account['id']}/statuses")]
    assert len(pages) == 4  # 40 + 40 + 16 statuses, then the empty page that ends the list
    assert all(int(r.query["limit"][0]) == 40 for r in pages)


def test_lookup_that_cannot_reach_the_attempt_is_still_unknown_not_not_found(server, monkeypatch):
    from koers.networks import mastodon

    monkeypatch.setattr(mastodon, "LOOKUP_MAX_PAGES", 2)
    publisher = publisher_for(server)
    started = datetime.now(UTC)
    for n in range(81):
        publisher.publish(OutgoingPost(text=f"Bericht {n}"), f"k-{n}")

    with pytest.raises(RetryableError, match="still checking"):
        publisher.lookup("lost", OutgoingPost(text="Kwijt"), since=started)


def test_connection_refused_is_retryable(closed_port_url):
    publisher = MastodonPublisher(closed_port_url, "token", timeout=2)

    with pytest.raises(RetryableError):
        publisher.limits()


def test_a_revoked_token_is_an_auth_error_carrying_the_instance_reason(server):
    publisher = publisher_for(server)
    server.revoke_token("The access token was revoked")

    with pytest.raises(AuthError, match="The access token was revoked") as caught:
        publisher.fetch_account_metrics()

    assert server.token not in str(caught.value)
    status = publisher.check_connection()
    assert not status.ok
    assert "revoked" in status.reason


def test_check_connection_names_the_account(server):
    status = publisher_for(server).check_connection()

    assert status.ok
    assert status.account == f"@koers@{server.url.removeprefix('http://')}"


def test_the_character_limit_comes_from_the_instance_and_urls_count_as_23(server):
    server.max_characters = 100
    publisher = publisher_for(server)
    long_url = "https://voorbeeld.nl/" + "a" * 200

    limits = publisher.limits()

    assert (limits.max_chars, limits.url_length, limits.max_images) == (100, 23, 4)
    fits = OutgoingPost(text="x" * 76 + " " + long_url)  # 76 + 1 + 23 = 100
    assert publisher.text_length(fits) == 100
    assert publisher.validate(fits) == []
    too_long = OutgoingPost(text="x" * 77 + " " + long_url)
    [problem] = publisher.validate(too_long)
    assert problem.code == "too_long"
    with pytest.raises(PermanentError, match="101 characters"):
        publisher.publish(too_long, "attempt-long")
    assert server.count("POST", "/api/v1/statuses") == 0


def test_remote_mention_domains_and_the_content_warning_count_like_mastodon(server):
    publisher = publisher_for(server)

    length = publisher.text_length(
        OutgoingPost(text="Hoi @anna@voorbeeld.social ☕", content_warning="koffie")
    )

    assert length == len("Hoi @anna ☕") + len("koffie")


def test_metrics_map_favourites_reblogs_replies_and_leave_reach_unavailable(server):
    publisher = publisher_for(server)
    result = publisher.publish(OutgoingPost(text="Meet mij"), "attempt-metrics")
    server.set_counts(result.remote_id, favourites=7, reblogs=3, replies=2)

    [metrics] = publisher.fetch_post_metrics([result.remote_id, "999"])

    assert (metrics.likes, metrics.reposts, metrics.replies) == (7, 3, 2)
    assert metrics.reach is None and metrics.impressions is None and metrics.quotes is None


def test_account_metrics_come_from_verify_credentials(server):
    metrics = publisher_for(server).fetch_account_metrics()

    assert (metrics.followers, metrics.following, metrics.posts) == (120, 45, 0)


def test_deleting_twice_is_not_an_error(server):
    publisher = publisher_for(server)
    result = publisher.publish(OutgoingPost(text="Weg ermee"), "attempt-delete")

    publisher.delete(result.remote_id)
    publisher.delete(result.remote_id)

    assert server.own_statuses() == []


def test_an_instance_that_went_away_before_the_post_was_sent_is_retryable_not_unknown(server):
    publisher = publisher_for(server)
    publisher.limits()  # a pooled keep-alive connection now exists
    server.stop()

    with pytest.raises(RetryableError):
        publisher.publish(OutgoingPost(text="Hallo"), "attempt-gone")
