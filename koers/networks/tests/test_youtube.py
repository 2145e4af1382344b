"""The YouTube adapter against the fake Google/YouTube: tokens, resumable upload, processing,
exactly-once, comments, statistics, quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from koers.networks import catalog
from koers.networks.base import (
    AuthError,
    MediaItem,
    OutgoingPost,
    PermanentError,
    RetryableError,
)
from koers.networks.testing.youtube import FakeYouTube
from koers.networks.youtube import (
    GoogleAuth,
    ProcessingError,
    QuotaError,
    RevokedError,
    Tokens,
    YouTubePublisher,
    exchange_code,
    seconds_to_quota_reset,
    tags_length,
)

CHUNK = 256 * 1024


@pytest.fixture
def server():
    with FakeYouTube() as fake:
        yield fake


class Memory:
    """A checkpoint kept in memory (the delivery's ``progress`` column in the real thing)."""

    def __init__(self, data: dict[str, str] | None = None) -> None:
        self._data = dict(data or {})
        self.saves: list[dict[str, str]] = []

    @property
    def data(self) -> dict[str, str]:
        return dict(self._data)

    def save(self, data: dict[str, str]) -> None:
        self._data = dict(data)
        self.saves.append(dict(data))


def _auth(server: FakeYouTube, saved: list[Tokens] | None = None) -> GoogleAuth:
    answer = server.issue_tokens()
    return GoogleAuth(
        Tokens(answer["access_token"], answer["refresh_token"], None),
        client_id=server.client_id,
        client_secret=server.client_secret,
        token_url=server.url + "/token",
        on_token_change=saved.append if saved is not None else None,
    )


def _publisher(server: FakeYouTube, auth: GoogleAuth | None = None) -> YouTubePublisher:
    return YouTubePublisher(
        auth or _auth(server),
        channel_id=server.channel_id,
        api_url=server.url,
        chunk_bytes=CHUNK,
        poll_seconds=0.0,
        sleep=lambda _s: None,
    )


def _post(size: int = CHUNK * 3 + 100, checkpoint: Memory | None = None, **kw) -> OutgoingPost:
    video = MediaItem(b"v" * size, "video/mp4", "", "clip.mp4")
    return OutgoingPost(
        text=kw.pop("text", "Wat de gemeente deze week doet."),
        media=(video,),
        title=kw.pop("title", "Weekvlog 12"),
        checkpoint=checkpoint,
        **kw,
    )


def test_youtube_declares_videos_comments_and_statistics():
    declared = catalog.capabilities("youtube")
    assert declared is not None and declared.provider == "google"
    assert declared.publish == {"video", "reply"} and not declared.can_publish("text")
    assert declared.inbox == {"comment"} and "post" in declared.metrics


def test_a_video_is_uploaded_in_chunks_with_title_tags_and_a_scheduled_time(server):
    later = datetime.now(UTC) + timedelta(days=2)
    checkpoint = Memory()
    post = _post(checkpoint=checkpoint, tags=("gemeente", "week vlog"), publish_at=later)
    result = _publisher(server).publish(post, "key-1")
    video = server.videos[result.remote_id]
    assert video["snippet"]["title"] == "Weekvlog 12"
    assert video["snippet"]["tags"] == ["gemeente", "week vlog"]
    assert video["snippet"]["categoryId"] == "22"
    # Scheduling needs a private video: YouTube makes it public at publishAt.
    assert video["status"]["privacyStatus"] == "private"
    assert video["status"]["publishAt"] == later.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert video["_bytes"] == CHUNK * 3 + 100
    assert server.count("PUT", server.requests[-3].path) >= 4  # four chunks, one session
    assert checkpoint.data == {"video": result.remote_id}
    assert result.url.endswith(result.remote_id)


def test_a_chunk_the_server_kept_only_half_of_is_sent_again_from_its_range(server):
    server.short_chunks = 1
    result = _publisher(server).publish(_post(), "key-1")
    assert server.videos[result.remote_id]["_bytes"] == CHUNK * 3 + 100


def test_a_restarted_worker_resumes_the_session_instead_of_uploading_twice(server):
    checkpoint = Memory()
    server.fail_next(1, status=503, path_prefix="/upload/session/")
    server.fail_next(0)
    publisher = _publisher(server)
    # The first PUT fails after the session was opened: the session URI is saved already.
    with pytest.raises(RetryableError) as failed:
        publisher.publish(_post(checkpoint=checkpoint), "key-1")
    assert "unavailable" in str(failed.value)
    assert checkpoint.data["session"].startswith(server.url + "/upload/session/")
    # A new worker (a new publisher) asks the session where it stands and goes on.
    result = _publisher(server).publish(_post(checkpoint=checkpoint), "key-1")
    assert len(server.videos) == 1 and len(server.sessions) == 1
    assert server.count("POST", "/upload/youtube/v3/videos") == 1
    queries = [
        r for r in server.requests if r.header("content-range") == f"bytes */{CHUNK * 3 + 100}"
    ]
    assert queries, "the session was asked where it stands"
    assert checkpoint.data == {"video": result.remote_id}


def test_a_finished_upload_whose_answer_was_lost_is_found_through_its_session(server):
    checkpoint = Memory()
    server.drop_next(1, "/upload/session/", method="PUT")
    small = _post(size=100, checkpoint=checkpoint)
    with pytest.raises(RetryableError):
        _publisher(server).publish(small, "key-1")
    assert len(server.videos) == 1  # the single chunk arrived: the video exists
    result = _publisher(server).publish(small, "key-1")
    assert list(server.videos) == [result.remote_id]


def test_an_expired_session_starts_a_new_upload(server):
    checkpoint = Memory({"session": server.url + "/upload/session/gone", "offset": "0"})
    result = _publisher(server).publish(_post(size=100, checkpoint=checkpoint), "key-1")
    assert list(server.videos) == [result.remote_id]


def test_failed_processing_is_a_permanent_error_with_youtubes_reason(server):
    server.fail_processing = "failed"
    with pytest.raises(ProcessingError) as failed:
        _publisher(server).publish(_post(size=100), "key-1")
    assert "failed" in failed.value.message and "codec" in failed.value.message


def test_a_rejected_video_is_a_permanent_error(server):
    server.fail_processing = "rejected"
    with pytest.raises(PermanentError) as failed:
        _publisher(server).publish(_post(size=100), "key-1")
    assert "rejected" in failed.value.message and "duplicate" in failed.value.message


def test_an_expired_access_token_is_renewed_with_the_refresh_token_and_stored(server):
    saved: list[Tokens] = []
    auth = _auth(server, saved)
    server.expire_token(auth.tokens.access_token)
    publisher = _publisher(server, auth)
    assert publisher.check_connection().ok
    assert len(saved) == 1 and saved[0].refresh_token == auth.tokens.refresh_token
    assert saved[0].access_token != ""


def test_a_revoked_access_is_a_revoked_error_that_breaks_the_channel(server):
    auth = _auth(server)
    server.revoke(str(auth.tokens.refresh_token))
    with pytest.raises(RevokedError) as refused:
        _publisher(server, auth).fetch_account_metrics()
    assert isinstance(refused.value, AuthError)
    assert "revoked" in refused.value.message
    status = _publisher(server, auth).check_connection()
    assert not status.ok and "revoked" in status.reason


def test_quota_exceeded_is_retryable_after_midnight_pacific(server):
    server.quota_exceeded = True
    with pytest.raises(QuotaError) as refused:
        _publisher(server).publish(_post(size=100), "key-1")
    assert refused.value.retry_after and refused.value.retry_after <= 24 * 3600
    assert "10,000" in refused.value.message and not server.videos


def test_quota_resets_at_midnight_pacific_time():
    # 07:00 UTC on a winter day is 23:00 in Los Angeles: one hour to go.
    assert seconds_to_quota_reset(datetime(2026, 1, 10, 7, 0, tzinfo=UTC)) == 3600


def test_validation_refuses_what_youtube_refuses(server):
    publisher = _publisher(server)
    codes = {p.code for p in publisher.validate(OutgoingPost(text="<b>", title="x" * 101))}
    assert {"needs_video", "title_too_long", "angle_brackets"} <= codes
    long_tags = tuple(f"tag nummer {n}" for n in range(40))
    assert tags_length(long_tags) > 500
    assert "tags_too_long" in {p.code for p in publisher.validate(_post(tags=long_tags))}
    assert tags_length(("a b", "c")) == 5 + 1 + 1
    too_long = "é" * 2501  # 5,002 bytes
    assert "too_long" in {p.code for p in publisher.validate(_post(text=too_long))}


def test_lookup_finds_the_upload_by_title_and_description_and_not_older_ones(server):
    since = datetime.now(UTC)
    server.add_video("Weekvlog 12", "Wat de gemeente deze week doet.", at=since.timestamp() - 3600)
    publisher = _publisher(server)
    assert publisher.lookup("key-1", _post(), since=since) is None
    made = server.add_video("Weekvlog 12", "Wat de gemeente deze week doet.")
    for number in range(60):  # a page and more of newer uploads
        server.add_video(f"Ander filmpje {number}")
    found = publisher.lookup("key-1", _post(), since=since)
    assert found is not None and found.remote_id == made
    assert publisher.lookup("key-1", _post(), since=since, exclude=frozenset({made})) is None


def test_comment_threads_are_read_page_by_page_and_a_reply_goes_to_its_parent(server):
    video = server.add_video("Weekvlog 1")
    ids = [server.add_comment(video, f"Vraag {n}") for n in range(130)]
    publisher = _publisher(server)
    threads, token = publisher.comment_threads()
    assert len(threads) == 130 and token == ""
    assert threads[0]["id"] == ids[-1]  # newest first
    assert len([r for r in server.requests if r.path == "/youtube/v3/commentThreads"]) == 2
    reply_id = publisher.reply(ids[0], "Dank je, we kijken ernaar.")
    assert [c["id"] for c in server.replies(ids[0])] == [reply_id]
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert publisher.find_reply(ids[0], "Dank je,  we kijken ernaar.", since=since) == reply_id
    assert publisher.find_reply(ids[1], "Dank je, we kijken ernaar.", since=since) is None


def test_channel_and_video_statistics(server):
    video = server.add_video("Weekvlog 1")
    server.videos[video]["statistics"] = {
        "viewCount": "1200",
        "likeCount": "31",
        "commentCount": "4",
        "favoriteCount": "0",
    }
    publisher = _publisher(server)
    [metrics] = publisher.fetch_post_metrics([video, "gone"])
    assert (metrics.impressions, metrics.likes, metrics.replies) == (1200, 31, 4)
    assert metrics.reach is None
    account = publisher.fetch_account_metrics()
    assert (account.followers, account.posts) == (250, 1)
    assert publisher.channel_statistics()["viewCount"] == 1200


def test_the_code_exchange_needs_the_pkce_verifier_and_offline_access(server):
    import base64
    import hashlib

    import httpx

    verifier = "v" * 64
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    consent = httpx.get(
        server.url + "/o/oauth2/v2/auth",
        params={
            "client_id": server.client_id,
            "redirect_uri": "http://koers.test/cb",
            "scope": "https://www.googleapis.com/auth/youtube.upload",
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "access_type": "offline",
            "prompt": "consent",
        },
    )
    code = httpx.URL(consent.headers["location"]).params["code"]
    tokens = exchange_code(
        code,
        code_verifier=verifier,
        redirect_uri="http://koers.test/cb",
        client_id=server.client_id,
        client_secret=server.client_secret,
        token_url=server.url + "/token",
    )
    assert tokens.refresh_token and tokens.expires_at is not None
    with pytest.raises(AuthError):
        exchange_code(
            code,
            code_verifier=verifier,
            redirect_uri="http://koers.test/cb",
            client_id=server.client_id,
            client_secret=server.client_secret,
            token_url=server.url + "/token",
        )


def test_a_session_opened_without_an_answer_makes_no_video_and_is_simply_retried(server):
    checkpoint = Memory()
    server.drop_next(1, "/upload/youtube/v3/videos")  # the session opens, the answer is lost
    with pytest.raises(RetryableError):
        _publisher(server).publish(_post(size=100, checkpoint=checkpoint), "key-1")
    assert not server.videos and checkpoint.data == {}
    result = _publisher(server).publish(_post(size=100, checkpoint=checkpoint), "key-1")
    assert list(server.videos) == [result.remote_id]


def test_lookup_on_a_channel_with_only_newer_uploads_answers_without_guessing(server):
    since = datetime.now(UTC) - timedelta(minutes=1)
    publisher = _publisher(server)
    assert publisher.lookup("key-1", _post(), since=since) is None  # an empty channel
    made = server.add_video("Weekvlog 12", "Wat de gemeente deze week doet.")
    server.add_video("Iets anders")
    found = publisher.lookup("key-1", _post(), since=since)
    assert found is not None and found.remote_id == made
    for number in range(60):
        server.add_video(f"Nieuwer {number}")
    bounded = YouTubePublisher(
        _auth(server), channel_id=server.channel_id, api_url=server.url, lookup_max_pages=1
    )
    with pytest.raises(RetryableError, match="still checking"):
        bounded.lookup("key-1", _post(), since=since)
