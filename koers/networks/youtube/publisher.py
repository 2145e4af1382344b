"""Uploading, comments, exactly-once and statistics of one YouTube channel."""

from __future__ import annotations

import hashlib
import time
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import httpx

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    AccountMetrics,
    ConnectionStatus,
    Limits,
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Problem,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.text import tags_length
from koers.networks.youtube.client import GoogleAuth, ProcessingError, YouTubeClient, body_of
from koers.networks.youtube.wire import (
    API_URL,
    CHUNK_BYTES,
    COMMENT_PAGE_SIZE,
    DEFAULT_CATEGORY,
    LIMITS,
    LOOKUP_MAX_PAGES,
    MAX_COMMENT_CHARS,
    MAX_DESCRIPTION_BYTES,
    MAX_PROCESSING_SECONDS,
    MAX_TAGS_CHARS,
    MAX_TITLE_CHARS,
    NETWORK,
    PAGE_SIZE,
    PROCESSING_POLL_SECONDS,
    VIDEO_TYPES,
    WATCH_URL,
)


# ---------------------------------------------------------------------------------------------
# Text rules
# ---------------------------------------------------------------------------------------------
def description_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _comparable(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def fingerprint(title: str, description: str) -> str:
    """What ``lookup`` compares: title and description, whitespace folded."""
    joined = _comparable(title) + "\n" + _comparable(description)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def title_of(post: OutgoingPost) -> str:
    """The video's title: the post's own, else the text's first line (cut to 100)."""
    title = (post.title or "").strip() or (post.text.strip().splitlines() or [""])[0]
    return title[:MAX_TITLE_CHARS]


def privacy_of(post: OutgoingPost) -> str:
    """``privacyStatus``: private whenever a publish time is set (YouTube's rule)."""
    if post.publish_at is not None:
        return "private"
    return {"public": "public", "unlisted": "unlisted"}.get(post.visibility, "private")


def top_level(comment_id: str) -> str:
    """The thread's top-level comment: a reply's id is ``<top-level id>.<reply id>``, and
    YouTube answers only top-level comments (a reply to a reply joins the same thread)."""
    return comment_id.split(".", 1)[0]


def comment_url(video_id: str, comment_id: str) -> str:
    return f"{WATCH_URL}{video_id}&lc={comment_id}"


def video_url(video_id: str) -> str:
    return WATCH_URL + video_id


def _when(value: Any) -> datetime:
    text = str(value or "")
    if not text:
        return datetime.now(UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _number(stats: dict[str, Any], name: str) -> int | None:
    value = stats.get(name)
    return int(value) if value is not None and str(value).isdigit() else None


# ---------------------------------------------------------------------------------------------
# Publisher
# ---------------------------------------------------------------------------------------------
class YouTubePublisher:
    """One YouTube channel: upload videos, answer comments, statistics."""

    network = NETWORK

    def __init__(
        self,
        auth: GoogleAuth,
        *,
        channel_id: str = "",
        api_url: str = API_URL,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
        chunk_bytes: int = CHUNK_BYTES,
        max_processing_seconds: float = MAX_PROCESSING_SECONDS,
        poll_seconds: float = PROCESSING_POLL_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        lookup_max_pages: int = LOOKUP_MAX_PAGES,
    ) -> None:
        self.client = YouTubeClient(auth, api_url=api_url, timeout=timeout, http=http)
        self.channel_id = channel_id
        self._chunk = chunk_bytes
        self._max_processing = max_processing_seconds
        self._poll = poll_seconds
        self._sleep = sleep
        self._lookup_max_pages = lookup_max_pages
        self._uploads_playlist = ""

    def __repr__(self) -> str:
        return f"YouTubePublisher({self.channel_id!r})"

    def limits(self) -> Limits:
        return LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems: list[Problem] = []
        if post.in_reply_to:  # a reply to a comment: text only
            if not post.text.strip():
                problems.append(Problem("empty", "A reply needs text."))
            if len(post.text) > MAX_COMMENT_CHARS:
                problems.append(
                    Problem("too_long", "A YouTube comment has at most 10,000 characters.")
                )
            return problems
        videos = [m for m in post.media if m.is_video]
        if len(videos) != 1 or len(post.media) != 1:
            problems.append(
                Problem("needs_video", "A YouTube upload needs exactly one video.", "media")
            )
        for item in post.media:
            if item.is_video and item.mime_type not in VIDEO_TYPES:
                problems.append(
                    Problem("media_type", f"YouTube does not take {item.mime_type}.", "media")
                )
        title = title_of(post)
        if not title:
            problems.append(Problem("no_title", "A YouTube video needs a title.", "title"))
        if len((post.title or "").strip()) > MAX_TITLE_CHARS:
            problems.append(
                Problem("title_too_long", "A YouTube title has at most 100 characters.", "title")
            )
        if description_bytes(post.text) > MAX_DESCRIPTION_BYTES:
            problems.append(
                Problem("too_long", "A YouTube description has at most 5,000 bytes (UTF-8).")
            )
        if tags_length(post.tags) > MAX_TAGS_CHARS:
            problems.append(
                Problem("tags_too_long", "YouTube's tags take at most 500 characters.", "tags")
            )
        if any(c in title + post.text for c in "<>"):
            problems.append(
                Problem("angle_brackets", "YouTube refuses < and > in a title or description.")
            )
        if post.publish_at is not None and post.publish_at <= datetime.now(UTC):
            problems.append(
                Problem("publish_at_past", "The publish time is in the past.", "publish_at")
            )
        return problems

    # -- upload ---------------------------------------------------------------------------
    def metadata(self, post: OutgoingPost) -> dict[str, Any]:
        snippet: dict[str, Any] = {
            "title": title_of(post),
            "description": post.text,
            "categoryId": DEFAULT_CATEGORY,
        }
        if post.tags:
            snippet["tags"] = list(post.tags)
        if post.language:
            snippet["defaultLanguage"] = post.language
        status: dict[str, Any] = {
            "privacyStatus": privacy_of(post),
            "selfDeclaredMadeForKids": False,
        }
        if post.publish_at is not None:
            status["publishAt"] = post.publish_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"snippet": snippet, "status": status}

    def _save(self, post: OutgoingPost, data: dict[str, str]) -> None:
        if post.checkpoint is not None:
            post.checkpoint.save(data)

    def _start_session(self, post: OutgoingPost, total: int, mime: str) -> str:
        response = self.client.send(
            "POST",
            "/upload/youtube/v3/videos",
            params={"uploadType": "resumable", "part": "snippet,status"},
            json=self.metadata(post),
            headers={
                "X-Upload-Content-Length": str(total),
                "X-Upload-Content-Type": mime,
            },
            # A session without its bytes makes no video: no answer here is simply retryable.
        )
        session = str(response.headers.get("location") or "")
        if not session:
            raise RetryableError("YouTube opened no upload session.", network=NETWORK)
        return session

    def _offset(self, response: httpx.Response) -> int:
        """The next byte to send after a 308 (``Range: bytes=0-N``; none = nothing kept)."""
        kept = response.headers.get("range", "")
        if not kept.startswith("bytes=") or "-" not in kept:
            return 0
        return int(kept.rsplit("-", 1)[1]) + 1

    def _finished(self, response: httpx.Response) -> str:
        body = body_of(response)
        video_id = str(body.get("id") or "") if isinstance(body, dict) else ""
        if not video_id:
            raise PermanentError("YouTube finished the upload without a video id.", network=NETWORK)
        return video_id

    def _query(self, session: str, total: int) -> httpx.Response | None:
        """Where the session stands; ``None`` when it is gone (expired)."""
        try:
            return self.client.send(
                "PUT",
                session,
                content=b"",
                headers={"Content-Range": f"bytes */{total}"},
                accept=(200, 201, 308),
            )
        except PermanentError as error:
            if error.status in (404, 410):
                return None
            raise

    def upload(self, post: OutgoingPost) -> str:
        """The resumable upload of the post's video; returns the new video's id."""
        item = post.media[0]
        data = item.data
        total = len(data)
        saved = post.checkpoint.data if post.checkpoint is not None else {}
        if saved.get("video"):
            return saved["video"]
        session = saved.get("session", "")
        offset = 0
        if session:
            state = self._query(session, total)
            if state is None:
                session = ""
            elif state.status_code in (200, 201):
                video_id = self._finished(state)
                self._save(post, {"video": video_id})
                return video_id
            else:
                offset = self._offset(state)
        if not session:
            session = self._start_session(post, total, item.mime_type)
            self._save(post, {"session": session, "offset": "0"})
        while True:
            end = min(offset + self._chunk, total)
            response = self.client.send(
                "PUT",
                session,
                content=data[offset:end],
                headers={
                    "Content-Range": f"bytes {offset}-{end - 1}/{total}",
                    "Content-Type": item.mime_type,
                },
                accept=(200, 201, 308),
            )
            if response.status_code in (200, 201):
                video_id = self._finished(response)
                self._save(post, {"video": video_id})
                return video_id
            offset = self._offset(response)  # what YouTube kept, even if less was sent
            self._save(post, {"session": session, "offset": str(offset)})
            if offset >= total:
                state = self._query(session, total)
                if state is not None and state.status_code in (200, 201):
                    video_id = self._finished(state)
                    self._save(post, {"video": video_id})
                    return video_id
                raise RetryableError("YouTube did not finish the upload.", network=NETWORK)

    def processing(self, video_id: str) -> tuple[str, str]:
        """(upload status, reason) of a video: ``uploaded`` (processing), ``processed``,
        ``failed``, ``rejected``, ``deleted``; ``("", "")`` when the video is not there."""
        body = self.client.get(
            "/youtube/v3/videos", {"part": "status,processingDetails", "id": video_id}
        )
        items = body.get("items") or []
        if not items:
            return "", ""
        status = items[0].get("status") or {}
        details = items[0].get("processingDetails") or {}
        upload = str(status.get("uploadStatus") or "")
        if details.get("processingStatus") in ("failed", "terminated") and upload == "uploaded":
            upload = "failed"
        reason = str(
            status.get("failureReason")
            or status.get("rejectionReason")
            or details.get("processingFailureReason")
            or ""
        )
        return upload, reason

    def wait_for_processing(self, video_id: str) -> None:
        """Follow processing until done or the wait ends; failed/rejected → PermanentError."""
        waited = 0.0
        while True:
            upload, reason = self.processing(video_id)
            if upload in ("failed", "rejected", "deleted"):
                raise ProcessingError(
                    f"YouTube could not process the video ({upload}: {reason or 'no reason'}).",
                    reason=reason or upload,
                )
            if upload != "uploaded" or waited >= self._max_processing:
                return  # processed (or still processing: YouTube finishes on its own)
            self._sleep(self._poll)
            waited += self._poll

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        """Upload the video (resumably, see the module) and follow its processing."""
        if post.in_reply_to:
            return self._reply(post)
        problems = self.validate(post)
        if problems:
            raise PermanentError("; ".join(p.message for p in problems), network=NETWORK)
        video_id = self.upload(post)
        self.wait_for_processing(video_id)
        return PublishResult(video_id, video_url(video_id), datetime.now(UTC))

    # -- comments -------------------------------------------------------------------------
    def _reply(self, post: OutgoingPost) -> PublishResult:
        comment_id = self.reply(str(post.in_reply_to), post.text)
        return PublishResult(comment_id, "", datetime.now(UTC))

    def reply(self, parent_id: str, text: str) -> str:
        """Answer a top-level comment (``comments.insert`` with ``parentId``); returns the
        new comment's id. A timeout after sending is :class:`UnknownOutcomeError`."""
        if not text.strip():
            raise PermanentError("A reply needs text.", network=NETWORK)
        if len(text) > MAX_COMMENT_CHARS:
            raise PermanentError(
                f"A YouTube comment has at most {MAX_COMMENT_CHARS:,} characters.",
                network=NETWORK,
            )
        body = body_of(
            self.client.send(
                "POST",
                "/youtube/v3/comments",
                params={"part": "snippet"},
                json={"snippet": {"parentId": top_level(parent_id), "textOriginal": text}},
                write=True,
            )
        )
        comment_id = str(body.get("id") or "") if isinstance(body, dict) else ""
        if not comment_id:
            raise UnknownOutcomeError("YouTube answered without the reply's id.", network=NETWORK)
        return comment_id

    def find_reply(self, parent_id: str, text: str, *, since: datetime) -> str | None:
        """The channel's reply to ``parent_id`` with ``text`` since ``since`` (exactly once)."""
        not_before = since - LOOKUP_CLOCK_SKEW
        wanted = _comparable(text)
        for items, _more in self.client.pages(
            "/youtube/v3/comments",
            {"part": "snippet", "parentId": top_level(parent_id), "maxResults": COMMENT_PAGE_SIZE},
            max_pages=LOOKUP_MAX_PAGES,
        ):
            for item in items:
                snippet = item.get("snippet") or {}
                author = str((snippet.get("authorChannelId") or {}).get("value") or "")
                if (
                    (not self.channel_id or author == self.channel_id)
                    and _comparable(str(snippet.get("textOriginal") or "")) == wanted
                    and _when(snippet.get("publishedAt")) >= not_before
                ):
                    return str(item["id"])
        return None

    def comment_threads(
        self, *, page_token: str = "", max_pages: int = 10
    ) -> tuple[list[dict[str, Any]], str]:
        """Comment threads on all the channel's videos, newest first, paged with
        ``nextPageToken``; returns (threads, the token where reading stopped or "")."""
        found: list[dict[str, Any]] = []
        token = page_token
        for _page in range(max_pages):
            params = {
                "part": "snippet,replies",
                "allThreadsRelatedToChannelId": self.channel_id,
                "maxResults": COMMENT_PAGE_SIZE,
                "order": "time",
                "textFormat": "plainText",
            } | ({"pageToken": token} if token else {})
            body = self.client.get("/youtube/v3/commentThreads", params)
            found += list(body.get("items") or [])
            token = str(body.get("nextPageToken") or "")
            if not token:
                break
        return found, token

    # -- exactly once ---------------------------------------------------------------------
    def uploads_playlist(self) -> str:
        if not self._uploads_playlist:
            channel = self.client.my_channel()
            self.channel_id = self.channel_id or str(channel.get("id") or "")
            related = (channel.get("contentDetails") or {}).get("relatedPlaylists") or {}
            self._uploads_playlist = str(related.get("uploads") or "")
        return self._uploads_playlist

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        """The channel's upload that matches ``post`` (title and description) since ``since``.

        A video id in the checkpoint (the upload finished) is the answer without a search."""
        if post.in_reply_to:
            found_reply = self.find_reply(str(post.in_reply_to), post.text, since=since)
            return PublishResult(found_reply, "", since) if found_reply else None
        saved = post.checkpoint.data if post.checkpoint is not None else {}
        if saved.get("video") and saved["video"] not in exclude:
            return PublishResult(saved["video"], video_url(saved["video"]), since)
        not_before = since - LOOKUP_CLOCK_SKEW
        wanted = fingerprint(title_of(post), post.text)
        playlist = self.uploads_playlist()
        found: dict[str, Any] | None = None
        more = False
        for items, more in self.client.pages(
            "/youtube/v3/playlistItems",
            {"part": "snippet", "playlistId": playlist, "maxResults": PAGE_SIZE},
            max_pages=self._lookup_max_pages,
        ):
            reached = False
            for item in items:
                snippet = item.get("snippet") or {}
                video_id = str((snippet.get("resourceId") or {}).get("videoId") or "")
                added = _when(snippet.get("publishedAt"))
                if added < not_before:
                    reached = True
                    continue
                if video_id in exclude:
                    continue
                same = fingerprint(
                    str(snippet.get("title") or ""), str(snippet.get("description") or "")
                )
                if same == wanted:
                    found = {"id": video_id, "at": added}  # newest first: keep the oldest
            if reached:
                more = False
                break
        if more:  # the page bound came before the attempt: still unknown, never "not found"
            raise RetryableError(
                "YouTube: the channel's newer uploads were read without reaching the attempt; "
                "still checking.",
                network=NETWORK,
            )
        if found is None:
            return None
        return PublishResult(found["id"], video_url(found["id"]), found["at"])

    def delete(self, remote_id: str) -> None:
        try:
            self.client.send("DELETE", "/youtube/v3/videos", params={"id": remote_id})
        except PermanentError as error:
            if error.status not in (404, 410):
                raise

    # -- statistics & connection ----------------------------------------------------------
    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        """``videos?part=statistics`` (50 ids a request): views, likes, comments."""
        ids = list(dict.fromkeys(r for r in remote_ids if r))
        metrics: list[PostMetrics] = []
        for first in range(0, len(ids), 50):
            body = self.client.get(
                "/youtube/v3/videos",
                {"part": "statistics", "id": ",".join(ids[first : first + 50])},
            )
            for item in body.get("items") or []:
                metrics.append(video_statistics(str(item["id"]), item.get("statistics") or {}))
        return metrics

    def channel_statistics(self) -> dict[str, int]:
        """The channel's ``subscriberCount``, ``viewCount``, ``videoCount`` (those given)."""
        params = {"part": "statistics"} | (
            {"id": self.channel_id} if self.channel_id else {"mine": "true"}
        )
        items = self.client.get("/youtube/v3/channels", params).get("items") or []
        stats = (items[0].get("statistics") or {}) if items else {}
        hidden = bool(stats.get("hiddenSubscriberCount"))
        return {
            name: value
            for name in ("subscriberCount", "viewCount", "videoCount")
            if (value := _number(stats, name)) is not None
            and not (hidden and name == "subscriberCount")
        }

    def fetch_account_metrics(self) -> AccountMetrics:
        stats = self.channel_statistics()
        return AccountMetrics(
            followers=stats.get("subscriberCount"), following=None, posts=stats.get("videoCount")
        )

    def check_connection(self) -> ConnectionStatus:
        try:
            channel = self.client.my_channel()
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        title = str((channel.get("snippet") or {}).get("title") or channel.get("id") or "")
        return ConnectionStatus(ok=True, account=title, account_id=str(channel.get("id") or ""))


def video_statistics(video_id: str, stats: dict[str, Any]) -> PostMetrics:
    """``statistics`` of a video → :class:`PostMetrics` (views count as impressions)."""
    return PostMetrics(
        remote_id=video_id,
        likes=_number(stats, "likeCount"),
        replies=_number(stats, "commentCount"),
        impressions=_number(stats, "viewCount"),
    )
