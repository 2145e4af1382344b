"""The Meta adapters against the fake Graph API: publishing, errors, limits and lookups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from koers.networks.base import (
    AuthError,
    MediaItem,
    OutgoingPost,
    PermanentError,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.meta import (
    GRAPH_VERSION,
    FacebookPublisher,
    InstagramPublisher,
    MetaHosts,
    ThreadsPublisher,
    classify,
    exchange_facebook_code,
    facebook_pages,
)
from koers.networks.testing.meta import FakeGraph


class MemoryCheckpoint:
    def __init__(self) -> None:
        self.saved: dict[str, str] = {}
        self.history: list[dict[str, str]] = []

    @property
    def data(self) -> dict[str, str]:
        return dict(self.saved)

    def save(self, data: dict[str, str]) -> None:
        self.saved = dict(data)
        self.history.append(dict(data))


@pytest.fixture
def graph():
    with FakeGraph() as server:
        server.fetch_media = False
        yield server


@pytest.fixture
def page(graph):
    return graph.add_page("Gemeente Zonnedal", instagram="zonnedal")


def _facebook(graph, page) -> FacebookPublisher:
    return FacebookPublisher(graph.url, page.page_id, page.token, timeout=2)


def _instagram(graph, page) -> InstagramPublisher:
    return InstagramPublisher(
        graph.url, page.instagram_id, page.token, timeout=2, poll_interval=0, poll_timeout=5
    )


def image(n: int = 1, mime: str = "image/jpeg") -> MediaItem:
    return MediaItem(b"jpeg", mime, f"alt {n}", f"{n}.jpg", url=f"https://koers.test/m/{n}/")


def video() -> MediaItem:
    return MediaItem(b"mp4", "video/mp4", "a reel", "reel.mp4", url="https://koers.test/m/v/")


def test_every_call_uses_the_pinned_graph_version(graph, page):
    _facebook(graph, page).publish(OutgoingPost(text="Hallo Zonnedal"), "key")
    assert graph.requests
    assert all(r.path.startswith(f"/{GRAPH_VERSION}/") for r in graph.requests)


def test_facebook_text_post_with_a_first_comment(graph, page):
    result = _facebook(graph, page).publish(
        OutgoingPost(text="Hallo Zonnedal", first_comment="Meer info op de site"), "key"
    )
    assert [p["message"] for p in page.posts] == ["Hallo Zonnedal"]
    assert result.remote_id == page.posts[0]["id"]
    assert graph.comments == [
        {
            "id": graph.comments[0]["id"],
            "parent": result.remote_id,
            "message": "Meer info op de site",
            "created": graph.comments[0]["created"],
        }
    ]


def test_facebook_link_post_sends_the_link_for_its_preview(graph, page):
    _facebook(graph, page).publish(
        OutgoingPost(text="Lees dit", link_card_url="https://zonnedal.nl/nieuws"), "key"
    )
    assert page.posts[0]["link"] == "https://zonnedal.nl/nieuws"


def test_facebook_photos_are_uploaded_unpublished_and_attached_to_one_post(graph, page):
    _facebook(graph, page).publish(OutgoingPost(text="Foto's", media=(image(1), image(2))), "k")
    photo_uploads = [r for r in graph.requests if r.path.endswith("/photos")]
    assert len(photo_uploads) == 2
    assert all(b'name="published"\r\n\r\nfalse' in r.body for r in photo_uploads)
    assert len(page.posts) == 1 and page.posts[0]["attachments_count"] == 2


def test_facebook_video_is_one_post(graph, page):
    _facebook(graph, page).publish(OutgoingPost(text="Film", media=(video(),)), "k")
    assert [p["message"] for p in page.posts] == ["Film"]
    assert graph.count("POST", f"/{GRAPH_VERSION}/{page.page_id}/videos") == 1


def test_expired_token_is_an_auth_error_naming_code_and_subcode(graph, page):
    publisher = _facebook(graph, page)
    graph.expire_token(page.token)
    with pytest.raises(AuthError) as raised:
        publisher.publish(OutgoingPost(text="Hallo"), "key")
    assert raised.value.message == (
        "Facebook: the access has expired; reconnect the account (Meta error 190/463)."
    )
    assert page.posts == []
    status = publisher.check_connection()
    assert not status.ok and "190/463" in status.reason


def test_changed_password_and_revoked_token_are_auth_errors(graph, page):
    publisher = _facebook(graph, page)
    graph.change_password(page.token)
    with pytest.raises(AuthError, match="password changed.*190/460"):
        publisher.publish(OutgoingPost(text="Hallo"), "key")
    graph.tokens[page.token].password_changed = False
    graph.revoke_token(page.token)
    with pytest.raises(AuthError, match=r"revoked.*\(Meta error 190\)"):
        publisher.publish(OutgoingPost(text="Hallo"), "key")


def test_revoked_permission_is_an_auth_error(graph, page):
    graph.revoke_permission("instagram_content_publish")
    with pytest.raises(AuthError, match=r"permission is missing.*Meta error 200"):
        _instagram(graph, page).publish(OutgoingPost(text="Hoi", media=(image(),)), "k")
    assert graph.ig_media[page.instagram_id] == []


def test_error_codes_map_to_the_right_class():
    import httpx

    def error(code: int, subcode: int | None = None, status: int = 400):
        body = {"error": {"message": "x", "type": "OAuthException", "code": code}}
        if subcode:
            body["error"]["error_subcode"] = subcode
        return classify(status, body, httpx.Headers(), label="Instagram")

    assert isinstance(error(190, 463), AuthError)
    assert isinstance(error(10), AuthError)
    assert isinstance(error(4), RetryableError)
    assert isinstance(error(17), RetryableError)
    assert isinstance(error(32), RetryableError)
    assert isinstance(error(613), RetryableError)
    assert isinstance(error(368), PermanentError)
    assert isinstance(error(100), PermanentError)
    assert "carousel" in error(24).message and isinstance(error(24), PermanentError)
    assert "fetch the media" in error(9004).message
    assert isinstance(error(9, 2207042), RetryableError)
    assert isinstance(error(2, status=500), RetryableError)


def test_app_rate_limit_is_retryable_with_the_time_from_the_usage_header(graph, page):
    graph.calls_per_window = 1
    graph.window_seconds = 600
    publisher = _facebook(graph, page)
    publisher.publish(OutgoingPost(text="Eerste"), "k1")
    with pytest.raises(RetryableError) as raised:
        publisher.publish(OutgoingPost(text="Tweede"), "k2")
    assert raised.value.retry_after == 600
    assert "Meta error 4" in raised.value.message
    assert "x-app-usage" in publisher.graph.usage
    assert [p["message"] for p in page.posts] == ["Eerste"]


def test_instagram_image_goes_container_then_publish(graph, page):
    result = _instagram(graph, page).publish(
        OutgoingPost(text="Zomer in Zonnedal", media=(image(),), first_comment="#zomer"), "k"
    )
    media = graph.ig_media[page.instagram_id]
    assert [m["caption"] for m in media] == ["Zomer in Zonnedal"]
    assert result.remote_id == media[0]["id"] and result.url.endswith(media[0]["id"])
    assert graph.comments[0]["parent"] == result.remote_id


def test_instagram_carousel_has_item_containers_and_one_post(graph, page):
    _instagram(graph, page).publish(
        OutgoingPost(text="Drie foto's", media=(image(1), image(2), image(3))), "k"
    )
    creates = [r.form() for r in graph.requests if r.path.endswith("/media") and r.method == "POST"]
    assert [c.get("is_carousel_item") for c in creates] == [["true"]] * 3 + [None]
    assert creates[-1]["media_type"] == ["CAROUSEL"]
    assert len(creates[-1]["children"][0].split(",")) == 3
    media = graph.ig_media[page.instagram_id]
    assert len(media) == 1 and media[0]["media_type"] == "CAROUSEL"


def test_instagram_refuses_text_only_posts_and_too_many_hashtags_before_any_request(graph, page):
    publisher = _instagram(graph, page)
    with pytest.raises(PermanentError, match="needs an image"):
        publisher.publish(OutgoingPost(text="Alleen tekst"), "k")
    tags = " ".join(f"#t{n}" for n in range(31))
    with pytest.raises(PermanentError, match="31 hashtags"):
        publisher.publish(OutgoingPost(text=tags, media=(image(),)), "k")
    assert graph.requests == []


def test_reel_waits_for_processing_then_publishes(graph, page):
    graph.reel_polls = 3
    checkpoint = MemoryCheckpoint()
    _instagram(graph, page).publish(
        OutgoingPost(text="Reel", media=(video(),), checkpoint=checkpoint), "k"
    )
    polls = [r for r in graph.requests if r.method == "GET" and "status_code" in str(r.query)]
    assert len(polls) == 4  # three IN_PROGRESS, then FINISHED
    assert graph.ig_media[page.instagram_id][0]["media_type"] == "REELS"
    assert checkpoint.history[0] == {"container": checkpoint.saved["container"]}
    assert checkpoint.saved["published"] == graph.ig_media[page.instagram_id][0]["id"]


def test_reel_that_fails_processing_is_permanent_and_nothing_is_published(graph, page):
    graph.fail_processing_next()
    with pytest.raises(PermanentError, match="could not process the video"):
        _instagram(graph, page).publish(OutgoingPost(text="Reel", media=(video(),)), "k")
    assert graph.ig_media[page.instagram_id] == []
    assert graph.count("POST", f"/{GRAPH_VERSION}/{page.instagram_id}/media_publish") == 0


def test_reel_still_processing_at_the_deadline_is_retried_with_the_same_container(graph, page):
    graph.reel_polls = 1000
    checkpoint = MemoryCheckpoint()
    publisher = InstagramPublisher(
        graph.url, page.instagram_id, page.token, poll_interval=0.01, poll_timeout=0.05
    )
    post = OutgoingPost(text="Lange reel", media=(video(),), checkpoint=checkpoint)
    with pytest.raises(RetryableError, match="still processing"):
        publisher.publish(post, "k")
    container = checkpoint.saved["container"]
    graph.containers[container]["polls_left"] = 0
    publisher.publish(post, "k")
    creates = [r for r in graph.requests if r.method == "POST" and r.path.endswith("/media")]
    assert len(creates) == 1  # the saved container was published, no second one made
    assert graph.containers[container]["published"]


def test_publishing_limit_reached_is_retryable_and_publishes_nothing(graph, page):
    graph.quota_usage = graph.quota_total
    with pytest.raises(RetryableError, match="daily publishing limit") as raised:
        _instagram(graph, page).publish(OutgoingPost(text="Hoi", media=(image(),)), "k")
    assert raised.value.retry_after == 3600
    assert graph.ig_media[page.instagram_id] == []
    assert graph.count("POST", f"/{GRAPH_VERSION}/{page.instagram_id}/media_publish") == 0


def test_media_the_fake_cannot_fetch_is_error_9004(graph, page):
    graph.fetch_media = True  # the URL of image() points nowhere
    with pytest.raises(PermanentError, match="could not fetch the media"):
        _instagram(graph, page).publish(OutgoingPost(text="Hoi", media=(image(),)), "k")


def test_lost_answer_to_media_publish_is_unknown_and_lookup_finds_the_post(graph, page):
    publisher = _instagram(graph, page)
    started = datetime.now(UTC)
    graph.drop_next(1, f"/{GRAPH_VERSION}/{page.instagram_id}/media_publish")
    post = OutgoingPost(text="Verloren antwoord", media=(image(),))
    with pytest.raises(UnknownOutcomeError):
        publisher.publish(post, "k")
    found = publisher.lookup("k", post, since=started)
    assert found is not None
    assert found.remote_id == graph.ig_media[page.instagram_id][0]["id"]
    assert publisher.lookup("k", post, since=started, exclude=frozenset({found.remote_id})) is None


def test_facebook_lookup_pages_back_with_cursors_and_ignores_older_posts(graph, page):
    publisher = _facebook(graph, page)
    graph.add_old_post(page.page_id, "Gezocht", age_seconds=3 * 3600)  # before the attempt
    started = datetime.now(UTC) - timedelta(minutes=30)
    target = graph.add_old_post(page.page_id, "Gezocht", age_seconds=20 * 60)
    for n in range(230):
        graph.add_old_post(page.page_id, f"nieuwer {n}", age_seconds=60 - n * 0.1)
    found = publisher.lookup("k", OutgoingPost(text="Gezocht"), since=started)
    assert found is not None and found.remote_id == target
    pages_read = [r for r in graph.requests if r.path.endswith("/published_posts")]
    assert len(pages_read) == 3 and "after" in pages_read[-1].query
    assert publisher.lookup("k", OutgoingPost(text="Nooit geplaatst"), since=started) is None


def test_fault_plan_failures_are_retryable_and_create_nothing(graph, page):
    graph.fail_next(1, path_prefix=f"/{GRAPH_VERSION}/{page.page_id}/feed")
    with pytest.raises(RetryableError):
        _facebook(graph, page).publish(OutgoingPost(text="Hoi"), "k")
    assert page.posts == []


def test_threads_text_and_carousel(graph):
    token = graph.new_token("threads", graph.threads_user["id"])
    publisher = ThreadsPublisher(
        graph.url, graph.threads_user["id"], token, poll_interval=0, timeout=2
    )
    publisher.publish(OutgoingPost(text="Hallo Threads", first_comment="En verder"), "k1")
    publisher.publish(OutgoingPost(text="Twee", media=(image(1), image(2))), "k2")
    posts = graph.threads_posts[graph.threads_user["id"]]
    assert [p["text"] for p in posts] == ["Hallo Threads", "En verder", "Twee"]
    assert (
        graph.containers[next(c for c, v in graph.containers.items() if v["text"] == "En verder")][
            "reply_to"
        ]
        == posts[0]["id"]
    )
    assert all(r.path.startswith("/v1.0/") for r in graph.requests)


def test_code_exchange_gives_a_long_lived_token_and_the_pages(graph, page):
    hosts = MetaHosts.single(graph.url)
    graph.codes["c0de"] = {"redirect_uri": "https://k/cb/", "threads": False, "scopes": []}
    token = exchange_facebook_code(
        hosts,
        client_id=graph.client_id,
        client_secret="app-secret",
        code="c0de",
        redirect_uri="https://k/cb/",
    )
    assert token.expires_at is not None
    assert token.expires_at > datetime.now(UTC) + timedelta(days=59)
    pages = facebook_pages(hosts, token.access_token)
    assert [(p.page_id, p.token, p.instagram_id) for p in pages] == [
        (page.page_id, page.token, page.instagram_id)
    ]
    assert "c0de" not in graph.codes  # a code works once


def test_secrets_in_token_addresses_never_reach_the_log(graph, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="httpx")
    graph.codes["c0de"] = {"redirect_uri": "https://k/cb/", "threads": False, "scopes": []}
    exchange_facebook_code(
        MetaHosts.single(graph.url),
        client_id=graph.client_id,
        client_secret="app-secret",
        code="c0de",
        redirect_uri="https://k/cb/",
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "oauth/access_token" in logged
    assert "app-secret" not in logged and "c0de" not in logged and "EAAuser" not in logged
    assert "client_secret=[hidden]" in logged


def test_post_metrics_carry_insights_and_skip_them_without_the_permission(graph, page):
    facebook, instagram = _facebook(graph, page), _instagram(graph, page)
    post = facebook.publish(OutgoingPost(text="Gemeten"), "k1")
    media = instagram.publish(OutgoingPost(text="Gemeten", media=(image(),)), "k2")
    graph.insight_values = {
        "post_impressions": 900,
        "post_impressions_unique": 700,
        "reach": 400,
        "views": 650,
    }
    [fb] = facebook.fetch_post_metrics([post.remote_id])
    [ig] = instagram.fetch_post_metrics([media.remote_id])
    assert (fb.likes, fb.replies, fb.reposts, fb.reach, fb.impressions) == (3, 1, 2, 700, 900)
    assert (ig.likes, ig.replies, ig.reach, ig.impressions) == (3, 1, 400, 650)
    assert instagram.fetch_account_metrics().followers == 800

    graph.revoke_permission("read_insights")
    graph.revoke_permission("instagram_manage_insights")
    [fb] = facebook.fetch_post_metrics([post.remote_id])
    [ig] = instagram.fetch_post_metrics([media.remote_id])
    assert (fb.likes, fb.reach, fb.impressions) == (3, None, None)  # unknown, never 0
    assert (ig.likes, ig.reach) == (3, None)
    assert facebook.fetch_post_metrics(["1_404"]) == []  # deleted since: left out


def test_a_post_published_before_a_crash_is_never_published_again(graph, page):
    publisher = _instagram(graph, page)
    checkpoint = MemoryCheckpoint()
    post = OutgoingPost(text="Eén keer", media=(image(),), checkpoint=checkpoint)
    real_get = publisher.graph.get

    def get_failing_after_publish(path, **params):
        if params.get("fields") == "id,permalink,timestamp":  # the read after publishing
            raise RetryableError("Instagram: Meta is unavailable (Meta error 2).")
        return real_get(path, **params)

    publisher.graph.get = get_failing_after_publish
    first = publisher.publish(post, "k")  # published: a failed read is no failed publish
    assert first.remote_id == graph.ig_media[page.instagram_id][0]["id"]
    publisher.graph.get = real_get
    # A later try (the worker died before recording it) answers from the checkpoint.
    again = publisher.publish(post, "k")
    assert again.remote_id == first.remote_id
    # The answer to media_publish was lost before the id was saved: unknown, not a 2nd post.
    checkpoint.saved = {"container": checkpoint.saved["container"]}
    with pytest.raises(UnknownOutcomeError):
        publisher.publish(post, "k")
    assert len(graph.ig_media[page.instagram_id]) == 1
    assert graph.count("POST", f"/{GRAPH_VERSION}/{page.instagram_id}/media_publish") == 1
