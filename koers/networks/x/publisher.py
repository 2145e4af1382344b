"""Publishing: posts, replies, quotes, thread parts and media, exactly once."""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import httpx

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    LOOKUP_MAX_PAGES,
    AccountMetrics,
    ConnectionStatus,
    Limits,
    MediaItem,
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Problem,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.text import URL_RE
from koers.networks.x.auth import (
    XAuth,
)
from koers.networks.x.client import (
    XClient,
)

# ---------------------------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------------------------
from koers.networks.x.errors import (
    AccessLevelError,
)
from koers.networks.x.wire import (
    CHUNK_BYTES,
    LIMITS,
    MAX_PROCESSING_SECONDS,
    NETWORK,
    PAGE_SIZE,
    WEB_URL,
    text_length,
)


def _comparable(text: str) -> str:
    """Text as X gives it back, reduced for comparing: links (X rewrites them to t.co, and adds
    one per media) and spacing left out, X's HTML escapes undone."""
    return " ".join(URL_RE.sub(" ", html.unescape(text)).split())


def _referenced(tweet: dict[str, Any], kind: str) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if ref.get("type") == kind:
            return str(ref.get("id"))
    return None


def _same_post(tweet: dict[str, Any], post: OutgoingPost) -> bool:
    media = (tweet.get("attachments") or {}).get("media_keys") or []
    return (
        _comparable(str(tweet.get("text", ""))) == _comparable(post.text)
        and _referenced(tweet, "replied_to") == post.in_reply_to
        and _referenced(tweet, "quoted") == post.quote_of
        and len(media) == len(post.media)
    )


def _when(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class XPublisher:
    """Write side of one X account (the user the tokens belong to)."""

    network = NETWORK

    def __init__(
        self,
        auth: XAuth,
        *,
        user_id: str = "",
        username: str = "",
        timeout: float = 20.0,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_processing_seconds: float = MAX_PROCESSING_SECONDS,
    ) -> None:
        self.client = XClient(auth, timeout=timeout, http=http, clock=clock)
        self._user_id = user_id
        self._username = username
        self._sleep = sleep
        self._max_processing = max_processing_seconds

    def _account(self) -> tuple[str, str]:
        if not self._user_id or not self._username:
            me = self.client.me()
            self._user_id, self._username = str(me["id"]), str(me.get("username", ""))
        return self._user_id, self._username

    def _url(self, tweet_id: str) -> str:
        _id, username = self._account()
        return f"{WEB_URL}/{username or 'i/web'}/status/{tweet_id}"

    def limits(self) -> Limits:
        return LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems: list[Problem] = []
        length = text_length(post.text)
        if not post.text.strip() and not post.media:
            problems.append(Problem("empty", "The post has no text and no media."))
        if length > LIMITS.max_chars:
            problems.append(Problem("too_long", f"The text is {length} characters; X allows 280."))
        videos = [m for m in post.media if m.mime_type.startswith("video/")]
        images = [m for m in post.media if m.mime_type.startswith("image/")]
        if videos and images:
            problems.append(
                Problem("mixed_media", "X does not take images and a video in one post.", "media")
            )
        if len(videos) > LIMITS.max_videos:
            problems.append(Problem("too_many_videos", "X takes one video a post.", "media"))
        if len(images) > LIMITS.max_images:
            problems.append(
                Problem("too_many_images", f"{len(images)} images; X allows 4.", "media")
            )
        for index, item in enumerate(post.media, start=1):
            if item.mime_type not in LIMITS.media_types:
                problems.append(
                    Problem(
                        "media_type", f"X does not take {item.mime_type} (item {index}).", "media"
                    )
                )
            limit = LIMITS.max_video_bytes if item in videos else LIMITS.max_image_bytes
            if limit is not None and len(item.data) > limit:
                problems.append(
                    Problem("too_big", f"Attachment {index} is larger than X allows.", "media")
                )
        return problems

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        """Create the post (X has no idempotency key: the caller looks up before a retry)."""
        problems = self.validate(post)
        if problems:
            raise PermanentError("; ".join(p.message for p in problems), network=NETWORK)
        body: dict[str, Any] = {"text": post.text}
        media_ids = [self.upload(item) for item in post.media]
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        if post.in_reply_to:
            body["reply"] = {"in_reply_to_tweet_id": post.in_reply_to}
        if post.quote_of:
            body["quote_tweet_id"] = post.quote_of
        answer = self.client.request("POST", "/2/tweets", json=body, write=True)
        tweet_id = str((answer.get("data") or {}).get("id") or "")
        if not tweet_id:
            raise UnknownOutcomeError("X answered without the new post's id.", network=NETWORK)
        return PublishResult(tweet_id, self._url(tweet_id), datetime.now(UTC))

    # -- media ----------------------------------------------------------------------------
    def upload(self, item: MediaItem) -> str:
        """Upload one image or video (INIT, APPEND…, FINALIZE, STATUS); returns the media id."""
        if item.mime_type.startswith("video/"):
            category = "tweet_video"
        elif item.mime_type == "image/gif":
            category = "tweet_gif"
        else:
            category = "tweet_image"
        init = self.client.request(
            "POST",
            "/2/media/upload/initialize",
            json={
                "media_type": item.mime_type,
                "total_bytes": len(item.data),
                "media_category": category,
            },
        )
        media_id = str(init["data"]["id"])
        for index, start in enumerate(range(0, len(item.data), CHUNK_BYTES)):
            chunk = item.data[start : start + CHUNK_BYTES]
            self.client.request(
                "POST",
                f"/2/media/upload/{media_id}/append",
                data={"segment_index": str(index)},
                files={"media": (item.filename, chunk, "application/octet-stream")},
            )
        final = self.client.request("POST", f"/2/media/upload/{media_id}/finalize")
        self._wait_for_processing(media_id, (final.get("data") or {}).get("processing_info"))
        if item.alt_text.strip():
            self.client.request(
                "POST",
                "/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": item.alt_text[:1000]}}},
            )
        return media_id

    def _wait_for_processing(self, media_id: str, info: dict[str, Any] | None) -> None:
        waited = 0.0
        while info and info.get("state") in ("pending", "in_progress"):
            wait = float(info.get("check_after_secs") or 1)
            if waited + wait > self._max_processing:
                raise RetryableError(
                    f"X was still processing the video after {round(waited)} s; trying later.",
                    network=NETWORK,
                    retry_after=wait,
                )
            self._sleep(wait)
            waited += wait
            status = self.client.request(
                "GET", "/2/media/upload", params={"command": "STATUS", "media_id": media_id}
            )
            info = (status.get("data") or {}).get("processing_info")
        if info and info.get("state") == "failed":
            error = info.get("error") or {}
            reason = error.get("message") or error.get("name") or "no reason given"
            raise PermanentError(f"X could not process the video: {reason}.", network=NETWORK)

    # -- exactly once ---------------------------------------------------------------------
    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        """The account's post that matches ``post`` since ``since`` (the oldest), or ``None``."""
        user_id, _username = self._account()
        not_before = since - LOOKUP_CLOCK_SKEW
        params = {
            "max_results": PAGE_SIZE,
            "start_time": _iso(not_before),
            "tweet.fields": "created_at,referenced_tweets,attachments",
        }
        found: dict[str, Any] | None = None
        pages = self.client.pages(
            f"/2/users/{user_id}/tweets", params, feature="lookup", max_pages=LOOKUP_MAX_PAGES
        )
        complete = False  # True once the listing ended: everything since ``since`` was read
        for tweets, _users, meta in pages:
            for tweet in tweets:  # newest first
                if (
                    str(tweet["id"]) not in exclude
                    and _when(tweet.get("created_at")) >= not_before
                    and _same_post(tweet, post)
                ):
                    found = tweet
            if not meta.get("next_token"):
                complete = True
        if not complete:
            raise RetryableError(
                f"X: {LOOKUP_MAX_PAGES * PAGE_SIZE} newer posts were read without reaching the "
                "attempt; still checking.",
                network=NETWORK,
            )
        if found is None:
            return None
        tweet_id = str(found["id"])
        return PublishResult(tweet_id, self._url(tweet_id), _when(found.get("created_at")))

    def delete(self, remote_id: str) -> None:
        try:
            self.client.request("DELETE", f"/2/tweets/{remote_id}", write=True)
        except PermanentError as error:
            if error.status != 404:
                raise

    # -- metrics --------------------------------------------------------------------------
    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        """Public counts; impressions from the non-public ones where the token may read them
        (the account's own posts of the last 30 days), else X's public impression count."""
        ids = [str(i) for i in remote_ids]
        found: list[PostMetrics] = []
        for start in range(0, len(ids), PAGE_SIZE):
            batch = ids[start : start + PAGE_SIZE]
            try:
                body = self._metrics(batch, "public_metrics,non_public_metrics,organic_metrics")
            except AccessLevelError:
                raise
            except PermanentError:
                body = self._metrics(batch, "public_metrics")
            for tweet in body.get("data") or []:
                public = tweet.get("public_metrics") or {}
                private = tweet.get("non_public_metrics") or {}
                impressions = private.get("impression_count", public.get("impression_count"))
                found.append(
                    PostMetrics(
                        remote_id=str(tweet["id"]),
                        likes=public.get("like_count"),
                        reposts=public.get("retweet_count"),
                        replies=public.get("reply_count"),
                        quotes=public.get("quote_count"),
                        impressions=impressions,
                    )
                )
        return found

    def _metrics(self, ids: list[str], fields: str) -> Any:
        return self.client.request(
            "GET",
            "/2/tweets",
            params={"ids": ",".join(ids), "tweet.fields": fields},
            feature="metrics",
        )

    def fetch_account_metrics(self) -> AccountMetrics:
        counts = self.client.me().get("public_metrics") or {}
        return AccountMetrics(
            followers=counts.get("followers_count"),
            following=counts.get("following_count"),
            posts=counts.get("tweet_count"),
        )

    def check_connection(self) -> ConnectionStatus:
        try:
            me = self.client.me()
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        self._user_id, self._username = str(me["id"]), str(me.get("username", ""))
        return ConnectionStatus(ok=True, account=f"@{self._username}", account_id=self._user_id)
