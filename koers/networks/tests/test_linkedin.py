"""LinkedIn adapter against the fake LinkedIn (real httpx code path, real HTTP on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

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
from koers.networks.linkedin import (
    LinkedInPublisher,
    escape_little_text,
    unescape_little_text,
)
from koers.networks.testing.linkedin import FakeLinkedIn
from koers.networks.testing.pages import FakePages
from koers.networks.testing.server import FaultPlan


@pytest.fixture
def server() -> Iterator[FakeLinkedIn]:
    fake = FakeLinkedIn(video_part_bytes=1000)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def org(server: FakeLinkedIn) -> str:
    return server.add_organization("Gemeente Koers")


def publisher(server: FakeLinkedIn, org: str, **kwargs: Any) -> LinkedInPublisher:
    kwargs.setdefault("timeout", 5.0)
    return LinkedInPublisher(
        server.token, org, api_base=server.url, video_poll_interval=0.0, **kwargs
    )


def since() -> datetime:
    return datetime.now(UTC) - timedelta(seconds=5)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Hallo (wereld)", "Hallo \\(wereld\\)"),
        ("a_b*c~d", "a\\_b\\*c\\~d"),
        ("Lees #koers nu", "Lees {hashtag|\\#|koers} nu"),
        ("mail@ons.nl [x] <y> {z} | \\", "mail\\@ons.nl \\[x\\] \\<y\\> \\{z\\} \\| \\\\"),
        ("C# en ##", "C\\# en \\#\\#"),
    ],
)
def test_little_text_format_escaping_round_trips(text: str, escaped: str) -> None:
    assert escape_little_text(text) == escaped
    assert unescape_little_text(escaped) == text


def test_catalog_knows_linkedin() -> None:
    found = catalog.capabilities("linkedin")
    assert found is not None and found.provider == "linkedin"
    assert found.can_publish("document") and found.can_publish("video")
    assert found.limits.max_chars == 3000


def test_text_post_goes_out_as_the_organisation_with_versioned_headers(
    server: FakeLinkedIn, org: str
) -> None:
    result = publisher(server, org).publish(OutgoingPost(text="Hallo (Koers) #strategie"), "k1")
    assert result.remote_id.startswith("urn:li:share:")
    assert result.url == f"https://www.linkedin.com/feed/update/{result.remote_id}/"
    stored = server.posts[result.remote_id]
    assert stored["author"] == f"urn:li:organization:{org}"
    assert stored["commentary"] == "Hallo \\(Koers\\) {hashtag|\\#|strategie}"
    sent = [r for r in server.requests if r.path == "/rest/posts"][0]
    assert sent.header("linkedin-version") == "202511"
    assert sent.header("x-restli-protocol-version") == "2.0.0"


def test_request_without_version_gets_linkedins_error(server: FakeLinkedIn, org: str) -> None:
    response = httpx.get(
        f"{server.url}/rest/organizations/{org}",
        headers={"Authorization": f"Bearer {server.token}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "VERSION_MISSING"
    with pytest.raises(PermanentError, match="does not accept API version"):
        publisher(server, org, version="202001").publish(OutgoingPost(text="x"), "k")
    assert server.posts == {}


def test_link_post_carries_the_article_with_the_pages_card(server: FakeLinkedIn, org: str) -> None:
    pages = FakePages()
    pages.add_html("/plan", title="Het plan", description="Zo gaan we", image="/plaatje.png")
    pages.start()
    try:
        link = f"{pages.url}/plan"
        result = publisher(server, org).publish(OutgoingPost(text=f"Lees dit: {link}"), "k")
    finally:
        pages.stop()
    article = server.posts[result.remote_id]["content"]["article"]
    assert (article["source"], article["title"], article["description"]) == (
        link,
        "Het plan",
        "Zo gaan we",
    )
    assert article["thumbnail"].startswith("urn:li:image:")
    assert server.uploads[article["thumbnail"] + "/0"].startswith(b"\x89PNG")


def test_a_link_without_a_readable_page_still_posts_with_its_address(
    server: FakeLinkedIn, org: str, closed_port_url: str
) -> None:
    link = f"{closed_port_url}/weg"
    result = publisher(server, org).publish(OutgoingPost(text="Kijk", link_card_url=link), "k")
    assert server.posts[result.remote_id]["content"] == {"article": {"source": link, "title": link}}


def test_media_linkedin_does_not_take_is_refused_before_sending(
    server: FakeLinkedIn, org: str, png: bytes
) -> None:
    pub = publisher(server, org)
    webp = OutgoingPost(text="x", media=(MediaItem(png, "image/webp", "alt"),))
    assert [p.code for p in pub.validate(webp)] == ["media_type"]
    mixed = OutgoingPost(
        text="x",
        media=(MediaItem(png, "image/png", "alt"), MediaItem(b"%PDF", "application/pdf", "")),
    )
    assert [p.code for p in pub.validate(mixed)] == ["mixed_media"]
    with pytest.raises(PermanentError, match="not a mix"):
        pub.publish(mixed, "k")
    assert server.posts == {} and server.assets == {}


def test_one_image_and_several_images_are_uploaded_first(
    server: FakeLinkedIn, org: str, png: bytes
) -> None:
    pub = publisher(server, org)
    one = pub.publish(OutgoingPost(text="Eén", media=(MediaItem(png, "image/png", "Logo"),)), "a")
    media = server.posts[one.remote_id]["content"]["media"]
    assert media["altText"] == "Logo" and media["id"].startswith("urn:li:image:")
    assert server.uploads[media["id"] + "/0"] == png
    several = pub.publish(
        OutgoingPost(
            text="Twee",
            media=(MediaItem(png, "image/png", "Eerste"), MediaItem(png, "image/png", "Tweede")),
        ),
        "b",
    )
    images = server.posts[several.remote_id]["content"]["multiImage"]["images"]
    assert [i["altText"] for i in images] == ["Eerste", "Tweede"]
    assert all(server.assets[i["id"]]["status"] == "AVAILABLE" for i in images)


def test_document_is_published_as_a_pdf(server: FakeLinkedIn, org: str) -> None:
    pdf = b"%PDF-1.4 fake"
    result = publisher(server, org).publish(
        OutgoingPost(text="Jaarplan", media=(MediaItem(pdf, "application/pdf", "", "plan.pdf"),)),
        "k",
    )
    media = server.posts[result.remote_id]["content"]["media"]
    assert media["id"].startswith("urn:li:document:") and media["title"] == "plan.pdf"
    assert server.uploads[media["id"] + "/0"] == pdf


def test_video_is_uploaded_in_parts_and_waits_until_available(
    server: FakeLinkedIn, org: str
) -> None:
    video = bytes(range(256)) * 10  # 2,560 bytes → 3 parts of 1,000
    result = publisher(server, org).publish(
        OutgoingPost(text="Film", media=(MediaItem(video, "video/mp4", "", "film.mp4"),)), "k"
    )
    urn = server.posts[result.remote_id]["content"]["media"]["id"]
    assert urn.startswith("urn:li:video:")
    assert b"".join(server.uploads[f"{urn}/{i}"] for i in range(3)) == video
    assert server.assets[urn]["status"] == "AVAILABLE"


def test_failed_video_processing_is_permanent_and_creates_no_post(
    server: FakeLinkedIn, org: str
) -> None:
    server.fail_video_processing = True
    with pytest.raises(PermanentError, match="PROCESSING_FAILED"):
        publisher(server, org).publish(
            OutgoingPost(text="Film", media=(MediaItem(b"x" * 10, "video/mp4", ""),)), "k"
        )
    assert server.posts == {}


def test_expired_token_is_an_auth_error_with_a_plain_reason(server: FakeLinkedIn, org: str) -> None:
    server.expire_token()
    with pytest.raises(AuthError, match="has expired") as caught:
        publisher(server, org).publish(OutgoingPost(text="x"), "k")
    assert caught.value.status == 401
    assert server.token not in caught.value.message
    status = publisher(server, org).check_connection()
    assert not status.ok and "expired" in status.reason


def test_revoked_token_is_an_auth_error(server: FakeLinkedIn, org: str) -> None:
    server.revoke_token()
    with pytest.raises(AuthError, match="revoked"):
        publisher(server, org).fetch_account_metrics()


def test_missing_scope_is_named(server: FakeLinkedIn, org: str) -> None:
    server.grant(("r_organization_social",))
    with pytest.raises(AuthError, match="w_organization_social"):
        publisher(server, org).publish(OutgoingPost(text="x"), "k")
    assert server.posts == {}


def test_rate_limit_and_5xx_are_retryable(server: FakeLinkedIn, org: str) -> None:
    pub = publisher(server, org)
    server.ratelimit_next(1, "/rest/posts", retry_after=42)
    with pytest.raises(RetryableError) as caught:
        pub.publish(OutgoingPost(text="x"), "k")
    assert caught.value.retry_after == 42 and caught.value.status == 429
    server.fail_next(1, status=502, path_prefix="/rest/posts")
    with pytest.raises(RetryableError) as failed:
        pub.publish(OutgoingPost(text="x"), "k")
    assert failed.value.status == 502
    assert server.posts == {}


def test_validation_error_is_permanent(server: FakeLinkedIn, org: str) -> None:
    with pytest.raises(PermanentError, match="3000"):
        publisher(server, org).publish(OutgoingPost(text="a" * 3001), "k")


def test_drop_after_receipt_then_lookup_finds_the_post_and_no_duplicate(
    server: FakeLinkedIn, org: str, png: bytes
) -> None:
    pub = publisher(server, org)
    post = OutgoingPost(text="Precies één keer", media=(MediaItem(png, "image/png", "Alt"),))
    started = since()
    server.drop_next(1, "/rest/posts")
    with pytest.raises(UnknownOutcomeError):
        pub.publish(post, "key-1")
    assert len(server.posts) == 1
    created = next(iter(server.posts))
    found = pub.lookup("key-1", post, since=started)
    assert found is not None and found.remote_id == created
    assert pub.lookup("key-1", post, since=started, exclude=frozenset({created})) is None
    other = OutgoingPost(text="Precies één keer", media=(MediaItem(png, "image/png", "Ander"),))
    assert pub.lookup("key-2", other, since=started) is None
    assert len(server.posts) == 1


def test_lookup_pages_back_and_ignores_older_posts(server: FakeLinkedIn, org: str) -> None:
    pub = publisher(server, org)
    post = OutgoingPost(text="Gezocht (pagina 3)")
    old = server.add_post(
        org,
        escape_little_text(post.text),
        created_ms=int((datetime.now(UTC) - timedelta(days=2)).timestamp() * 1000),
    )
    started = since()
    target = pub.publish(post, "k").remote_id
    for index in range(120):  # newer posts push the target to the third page of 50
        server.add_post(org, f"later {index}")
    found = pub.lookup("k", post, since=started)
    assert found is not None and found.remote_id == target != old
    starts = [
        r.query["start"][0]
        for r in server.requests
        if r.path == "/rest/posts" and r.method == "GET"
    ]
    assert starts == ["0", "50", "100"]


def test_lookup_raises_when_the_page_bound_is_hit(server: FakeLinkedIn, org: str) -> None:
    pub = publisher(server, org, lookup_max_pages=2)
    started = since()
    for index in range(130):
        server.add_post(org, f"post {index}")
    with pytest.raises(RetryableError, match="still checking"):
        pub.lookup("k", OutgoingPost(text="nergens"), since=started)


def test_first_comment_and_paged_comment_list(server: FakeLinkedIn, org: str) -> None:
    pub = publisher(server, org)
    urn = pub.publish(OutgoingPost(text="Met reactie"), "k").remote_id
    comment_urn = pub.comment(urn, "Meer op https://koers.example")
    assert comment_urn.startswith("urn:li:comment:(")
    for index in range(11):
        server.add_comment(urn, f"reactie {index}")
    comments = pub.comments(urn, page_size=5)
    assert [c["message"]["text"] for c in comments][:2] == [
        "Meer op https://koers.example",
        "reactie 0",
    ]
    assert len(comments) == 12
    assert server.comments[urn][0]["actor"] == f"urn:li:organization:{org}"


def test_delete_and_delete_again(server: FakeLinkedIn, org: str) -> None:
    pub = publisher(server, org)
    urn = pub.publish(OutgoingPost(text="Weg"), "k").remote_id
    pub.delete(urn)
    pub.delete(urn)
    assert urn not in server.posts


def test_metrics_per_post_and_page(server: FakeLinkedIn, org: str) -> None:
    pub = publisher(server, org)
    urn = pub.publish(OutgoingPost(text="Gemeten"), "k").remote_id
    server.posts[urn] |= {"likes": 7, "impressions": 300, "reshares": 2}
    server.add_comment(urn, "mooi")
    [metrics] = pub.fetch_post_metrics([urn])
    assert (metrics.remote_id, metrics.likes, metrics.replies, metrics.reposts) == (urn, 7, 1, 2)
    assert (metrics.impressions, metrics.reach, metrics.quotes) == (300, 150, None)
    account = pub.fetch_account_metrics()
    assert (account.followers, account.following) == (120, None)
    assert pub.fetch_follower_statistics() == {"organic": 120, "paid": 0}
    assert pub.fetch_page_statistics()["impressionCount"] == 300


def test_metrics_of_many_posts_are_asked_in_batches(server: FakeLinkedIn, org: str) -> None:
    pub = publisher(server, org)
    urns = [server.add_post(org, f"post {n}") for n in range(25)]
    for n, urn in enumerate(urns):
        server.posts[urn]["likes"] = n
    gone = urns.pop()
    del server.posts[gone]
    metrics = pub.fetch_post_metrics([*urns, gone, urns[0]])
    assert {m.remote_id: m.likes for m in metrics} == {urn: n for n, urn in enumerate(urns)}
    assert server.count("GET", "/rest/organizationalEntityShareStatistics") == 2


def test_check_connection_names_the_page(server: FakeLinkedIn, org: str) -> None:
    status = publisher(server, org).check_connection()
    assert status.ok and status.account == "Gemeente Koers"
    assert status.account_id == f"urn:li:organization:{org}"


def test_fault_plan_knobs_apply(server: FakeLinkedIn, org: str) -> None:
    server.faults = FaultPlan.parse("fail=1.0,only=/rest/posts")
    with pytest.raises(RetryableError):
        publisher(server, org).publish(OutgoingPost(text="x"), "k")
    assert server.injected["fail"] == 1 and server.posts == {}
