from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from koers.networks import safety
from koers.networks.base import (
    AuthError,
    MediaItem,
    OutgoingPost,
    Publisher,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.bluesky import (
    BlueskyPublisher,
    BlueskySession,
    build_facets,
    record_key_for,
)
from koers.networks.media import prepare_image
from koers.networks.testing.bluesky import FakeBluesky
from koers.networks.testing.server import FaultPlan

TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


@pytest.fixture
def server():
    with FakeBluesky() as fake:
        fake.add_account("anna.bsky.social", display_name="Anna")
        yield fake


def session_for(server: FakeBluesky, **kwargs) -> BlueskySession:
    return BlueskySession(server.handle, server.password, service_url=server.url, **kwargs)


def publisher_for(server: FakeBluesky, **kwargs) -> BlueskyPublisher:
    return BlueskyPublisher(session_for(server, **kwargs))


def test_bluesky_publisher_satisfies_the_publisher_protocol(server):
    assert isinstance(publisher_for(server), Publisher)


def test_the_record_key_is_a_valid_tid_derived_only_from_the_idempotency_key():
    first = record_key_for("attempt-1")

    assert TID.match(first)
    assert record_key_for("attempt-1") == first
    assert record_key_for("attempt-2") != first


def test_facets_use_utf8_byte_offsets_with_emoji_and_accents():
    text = "Café ☕ #koffie @anna.bsky.social https://voorbeeld.nl/é"
    dids = {"anna.bsky.social": "did:plc:anna"}

    facets = build_facets(text, dids.get)

    encoded = text.encode("utf-8")
    spans = [
        (encoded[f.index.byte_start : f.index.byte_end].decode(), f.features[0].py_type)
        for f in facets
    ]
    assert spans == [
        ("#koffie", "app.bsky.richtext.facet#tag"),
        ("@anna.bsky.social", "app.bsky.richtext.facet#mention"),
        ("https://voorbeeld.nl/é", "app.bsky.richtext.facet#link"),
    ]
    # "Café ☕ " is 7 code points but 10 bytes: é is 2 bytes, ☕ is 3.
    assert facets[0].index.byte_start == 10
    assert facets[0].features[0].tag == "koffie"
    assert facets[1].features[0].did == "did:plc:anna"
    assert facets[2].features[0].uri == "https://voorbeeld.nl/é"


def test_unresolvable_mentions_stay_plain_text():
    assert build_facets("Hoi @niemand.example", lambda handle: None) == []


def test_publishing_creates_one_record_with_facets_language_and_a_derived_rkey(server):
    publisher = publisher_for(server)
    text = "Café ☕ #koffie @anna.bsky.social"

    result = publisher.publish(OutgoingPost(text=text, language="nl"), "attempt-1")

    [record] = server.posts()
    assert record["text"] == text
    assert record["langs"] == ["nl"]
    assert [f["features"][0]["$type"] for f in record["facets"]] == [
        "app.bsky.richtext.facet#tag",
        "app.bsky.richtext.facet#mention",
    ]
    rkey = record_key_for("attempt-1")
    assert result.remote_id == f"at://{server.did}/app.bsky.feed.post/{rkey}"
    assert result.url == f"https://bsky.app/profile/{server.handle}/post/{rkey}"


def test_publishing_twice_with_the_same_key_returns_the_first_post(server):
    publisher = publisher_for(server)
    post = OutgoingPost(text="Eén keer")

    first = publisher.publish(post, "attempt-dup")
    second = publisher.publish(post, "attempt-dup")

    assert first.remote_id == second.remote_id
    assert len(server.posts()) == 1


def test_a_duplicate_key_answered_with_an_explicit_4xx_also_resolves_to_the_first_post():
    with FakeBluesky(duplicate_rkey_status=400, duplicate_rkey_error="RecordAlreadyExists") as fake:
        publisher = publisher_for(fake)
        first = publisher.publish(OutgoingPost(text="Eén keer"), "attempt-dup")

        assert publisher.publish(OutgoingPost(text="Eén keer"), "attempt-dup") == first
        assert len(fake.posts()) == 1


def test_a_503_is_retryable_and_creates_nothing(server):
    publisher = publisher_for(server)
    publisher.session.ensure()
    server.fail_next(1, status=503, path_prefix="/xrpc/com.atproto.repo.createRecord")

    with pytest.raises(RetryableError):
        publisher.publish(OutgoingPost(text="Hallo"), "attempt-503")

    assert server.posts() == []


def test_a_timeout_after_sending_is_unknown_and_lookup_finds_the_post(server):
    publisher = publisher_for(server, timeout=0.5)
    publisher.session.ensure()
    server.delay_after_handling("/xrpc/com.atproto.repo.createRecord", seconds=1.5)

    post = OutgoingPost(text="Spannend")
    started = datetime.now(UTC)
    with pytest.raises(UnknownOutcomeError):
        publisher.publish(post, "attempt-timeout")

    found = publisher.lookup("attempt-timeout", post, since=started)
    assert found is not None
    assert found.remote_id.endswith(record_key_for("attempt-timeout"))
    assert server.calls("com.atproto.repo.createRecord") == 1
    # Only the exact key counts while the server honours record keys... and the feed
    # fallback never hands out a post the caller already owns.
    assert (
        publisher.lookup("never-sent", post, since=started, exclude=frozenset({found.remote_id}))
        is None
    )


def test_a_server_that_ignores_record_keys_is_still_resolved_from_the_feed(server):
    server.faults = FaultPlan(ignore_idempotency=True)
    publisher = publisher_for(server)
    publisher.session.ensure()
    started = datetime.now(UTC)
    post = OutgoingPost(text="Dubbel gevaar")
    server.drop_next(1, "/xrpc/com.atproto.repo.createRecord")

    with pytest.raises(UnknownOutcomeError):
        publisher.publish(post, "dropped")
    for n in range(120):  # more than one feed page of newer posts
        publisher.publish(OutgoingPost(text=f"Later {n}"), f"later-{n}")

    found = publisher.lookup("dropped", post, since=started)
    assert found is not None
    assert found.remote_id not in {
        u for u in server.records if u.endswith(record_key_for("dropped"))
    }
    assert server.records[found.remote_id]["value"]["text"] == "Dubbel gevaar"
    assert server.calls("app.bsky.feed.getAuthorFeed") == 2
    assert (
        publisher.lookup("dropped", post, since=started, exclude=frozenset({found.remote_id}))
        is None
    )
    assert publisher.lookup("dropped", post, since=datetime.now(UTC) + timedelta(hours=1)) is None


def test_a_429_with_only_bluesky_s_ratelimit_reset_waits_until_the_reset(server):
    publisher = publisher_for(server)
    publisher.session.ensure()
    server.ratelimit_next(1, "/xrpc/com.atproto.repo.createRecord", retry_after=120)

    with pytest.raises(RetryableError) as caught:
        publisher.publish(OutgoingPost(text="Hallo"), "limited")

    assert caught.value.status == 429
    assert caught.value.retry_after is not None and 100 < caught.value.retry_after <= 120
    assert server.posts() == []


def test_an_expired_session_is_refreshed_without_a_new_login(server):
    stored: list[str] = []
    server.access_ttl = -60  # the first session's access token is already expired
    first = publisher_for(server, on_session_change=stored.append)
    first.session.ensure()
    assert len(stored) == 1
    server.access_ttl = 7200

    # A later process starts from the stored session string, not from the password.
    later = BlueskyPublisher(
        BlueskySession(
            server.handle,
            "wrong-password-not-used",
            service_url=server.url,
            session_string=stored[-1],
            on_session_change=stored.append,
        )
    )
    later.publish(OutgoingPost(text="Na verversen"), "attempt-refresh")

    assert server.calls("com.atproto.server.createSession") == 1
    assert server.calls("com.atproto.server.refreshSession") == 1
    assert len(stored) == 2 and stored[1] != stored[0]
    assert len(server.posts()) == 1


def test_a_token_expired_early_by_the_server_is_refreshed_once_and_the_call_retried(server):
    publisher = publisher_for(server)
    publisher.session.ensure()
    server.expire_all_access_tokens()

    metrics = publisher.fetch_account_metrics()

    assert metrics.followers == 250
    assert server.calls("com.atproto.server.refreshSession") == 1
    assert server.calls("com.atproto.server.createSession") == 1


def test_a_wrong_app_password_is_an_auth_error_with_the_reason_and_without_the_password(server):
    publisher = BlueskyPublisher(
        BlueskySession(server.handle, "secret-wrong-pass", service_url=server.url)
    )

    with pytest.raises(AuthError, match="Invalid identifier or password") as caught:
        publisher.fetch_account_metrics()

    assert "secret-wrong-pass" not in str(caught.value)
    status = publisher.check_connection()
    assert not status.ok and "Invalid identifier or password" in status.reason


def test_check_connection_names_the_handle_and_the_did(server):
    status = publisher_for(server).check_connection()
    assert (status.account, status.account_id) == (f"@{server.handle}", server.did)


def noisy_jpeg(size: int) -> bytes:
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_large_image_is_recompressed_under_the_blob_limit():
    original = noisy_jpeg(1200)
    assert len(original) > 1_000_000

    prepared = prepare_image(original, "image/png", 1_000_000)

    assert len(prepared.data) <= 1_000_000
    assert prepared.mime_type == "image/jpeg"
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert image.size == (prepared.width, prepared.height)


def test_publishing_a_large_image_uploads_it_resized_with_alt_text(server, png):
    publisher = publisher_for(server)
    big = noisy_jpeg(1200)

    publisher.publish(
        OutgoingPost(
            text="Foto's",
            media=(
                MediaItem(big, "image/png", "Ruis in kleur"),
                MediaItem(png, "image/png", "Klein"),
            ),
        ),
        "attempt-img",
    )

    [record] = server.posts()
    images = record["embed"]["images"]
    assert [i["alt"] for i in images] == ["Ruis in kleur", "Klein"]
    assert all(size <= 1_000_000 for size in (b["size"] for b in (i["image"] for i in images)))
    assert (images[1]["aspectRatio"]["width"], images[1]["aspectRatio"]["height"]) == (8, 8)
    assert len(server.blobs) == 2


def test_a_link_card_is_built_from_the_pages_opengraph_tags(server):
    from koers.networks.testing.pages import FakePages

    with FakePages() as pages:
        pages.add_html(
            "/artikel",
            title="Koers zetten",
            description="Hoe je een strategie maakt",
            image="/plaatje.png",
        )
        publisher = BlueskyPublisher(session_for(server))
        url = f"{pages.url}/artikel"

        publisher.publish(OutgoingPost(text=f"Lees dit: {url}"), "attempt-card")

    [record] = server.posts()
    external = record["embed"]["external"]
    assert external["uri"] == url
    assert external["title"] == "Koers zetten"
    assert external["description"] == "Hoe je een strategie maakt"
    assert external["thumb"]["mimeType"] == "image/png"


def test_a_card_is_never_fetched_from_a_private_address_by_default(server, strict_outbound):
    from koers.networks.testing.pages import FakePages

    # The fake Bluesky server is reached as "localhost", allowed by name; the page is not.
    strict_outbound(safety.OutboundPolicy.parse(False, "localhost"))
    with FakePages() as pages:
        pages.add_html("/intern", title="Intranet beheer")
        session = BlueskySession(
            server.handle, server.password, service_url=server.url.replace("127.0.0.1", "localhost")
        )
        publisher = BlueskyPublisher(session)

        publisher.publish(OutgoingPost(text=f"Kijk {pages.url}/intern"), "attempt-ssrf")

        assert pages.requests == []
    [record] = server.posts()
    assert record.get("embed") is None


def test_a_page_that_does_not_answer_gives_no_card_but_the_post_goes_out(server, closed_port_url):
    publisher = BlueskyPublisher(session_for(server))

    publisher.publish(OutgoingPost(text=f"Kijk {closed_port_url}/weg"), "attempt-nocard")

    [record] = server.posts()
    assert "embed" not in record or record["embed"] is None


def test_metrics_include_quotes_and_leave_reach_unavailable(server):
    publisher = publisher_for(server)
    result = publisher.publish(OutgoingPost(text="Tel mij"), "attempt-metrics")
    server.set_counts(result.remote_id, likes=5, reposts=2, replies=1, quotes=3)

    [metrics] = publisher.fetch_post_metrics([result.remote_id])

    assert (metrics.likes, metrics.reposts, metrics.replies, metrics.quotes) == (5, 2, 1, 3)
    assert metrics.reach is None and metrics.impressions is None


def test_over_300_graphemes_is_a_problem_but_300_emoji_with_skin_tones_are_not(server):
    publisher = publisher_for(server)

    assert publisher.validate(OutgoingPost(text="👍🏽" * 300)) == []
    [problem] = publisher.validate(OutgoingPost(text="é" * 301))
    assert problem.code == "too_long"


def test_deleting_removes_the_record(server):
    publisher = publisher_for(server)
    result = publisher.publish(OutgoingPost(text="Weg"), "attempt-delete")

    publisher.delete(result.remote_id)
    publisher.delete(result.remote_id)

    assert server.posts() == []


def test_a_dead_refresh_token_falls_back_to_one_password_login_and_reports_the_session(server):
    stored: list[str] = []
    publisher = publisher_for(server, on_session_change=stored.append)
    publisher.session.ensure()
    server.expire_all_access_tokens()
    server.revoke_refresh_tokens()

    publisher.publish(OutgoingPost(text="Opnieuw ingelogd"), "attempt-relogin")

    assert server.calls("com.atproto.server.createSession") == 2
    assert len(stored) == 2
    assert len(server.posts()) == 1


def test_a_pds_that_went_away_before_the_post_was_sent_is_retryable_not_unknown(server):
    publisher = publisher_for(server)
    publisher.session.ensure()
    server.stop()

    with pytest.raises(RetryableError):
        publisher.publish(OutgoingPost(text="Hallo"), "attempt-gone")


def test_visibility_and_content_warnings_bluesky_cannot_honour_are_problems_not_dropped(server):
    publisher = publisher_for(server)

    problems = publisher.validate(
        OutgoingPost(text="Alleen volgers", visibility="private", content_warning="spoiler")
    )

    assert [p.code for p in problems] == ["visibility_unsupported", "content_warning_unsupported"]


def test_a_damaged_stored_session_falls_back_to_a_password_login(server):
    stored: list[str] = []
    publisher = BlueskyPublisher(
        BlueskySession(
            server.handle,
            server.password,
            service_url=server.url,
            session_string="kapot",
            on_session_change=stored.append,
        )
    )

    assert publisher.fetch_account_metrics().followers == 250
    assert server.calls("com.atproto.server.createSession") == 1
    assert len(stored) == 1
