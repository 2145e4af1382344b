"""YouTube (Data API v3): upload videos as a channel, read and answer comments, statistics.

OAuth 2.0 with Google (authorization code + PKCE, ``access_type=offline``,
``prompt=consent``) gives an access token of an hour and a refresh token that does not rotate.
:class:`GoogleAuth` renews the access token before it runs out; Google answering the refresh
with ``invalid_grant`` means the person revoked the access (or the refresh token expired):
:class:`RevokedError`, the channel is broken until someone reconnects it.

Everything goes through :func:`koers.networks.safety.http_client` (httpx). No Django here.

* **Errors**: Google answers ``{"error": {"code", "message", "errors": [{"domain",
  "reason"}]}}``. 401 → one refresh and one retry, then :class:`AuthError`; 403 with
  ``quotaExceeded``/``dailyLimitExceeded`` → :class:`QuotaError` (retryable after midnight
  Pacific time, when the project's 10,000 daily units come back); ``rateLimitExceeded`` and
  429 → :class:`RetryableError`; other 403s → :class:`AuthError`; 5xx → retryable.
* **Upload** (resumable): ``POST /upload/youtube/v3/videos?uploadType=resumable&part=
  snippet,status`` with the metadata → a session URI in ``Location``; the file goes in
  :data:`CHUNK_BYTES` pieces (``PUT`` with ``Content-Range``); YouTube answers ``308 Resume
  Incomplete`` with ``Range: bytes=0-N`` (what it kept) until the last piece, then 200/201
  with the video. The session URI and the offset are saved in the post's checkpoint before
  each step, so a worker that crashed asks the session where it stands (``PUT`` with
  ``Content-Range: bytes */total``) and goes on from there — a video is never uploaded twice.
  A session that is gone (404/410: a week old) starts over.
* **Scheduled publishing**: ``status.publishAt`` only works on a private video; a post with
  ``publish_at`` is therefore uploaded as private and YouTube makes it public at that time.
* **Processing**: after the upload :meth:`YouTubePublisher.publish` reads
  ``status.uploadStatus``/``processingDetails`` until processed (or its wait ends — the video
  exists then and finishes on its own); ``failed``/``rejected`` → :class:`PermanentError`
  with YouTube's reason.
* **Exactly once**: the resumable session is the key. After an unknown outcome without a
  session (the metadata POST timed out) :meth:`YouTubePublisher.lookup` pages the channel's
  uploads playlist (``nextPageToken``) back to the attempt and matches title and description.
"""

from __future__ import annotations

import hashlib
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    AccountMetrics,
    AuthError,
    Capabilities,
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
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client
from koers.networks.text import tags_length

NETWORK = "youtube"
API_URL = "https://www.googleapis.com"
AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 - an address, not a password
WATCH_URL = "https://www.youtube.com/watch?v="
SCOPE_UPLOAD = "https://www.googleapis.com/auth/youtube.upload"
SCOPE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
SCOPE_READONLY = "https://www.googleapis.com/auth/youtube.readonly"
SCOPES = (SCOPE_UPLOAD, SCOPE_FORCE_SSL, SCOPE_READONLY)
#: Renew this long before Google says the access token expires.
REFRESH_MARGIN = timedelta(minutes=2)
#: Bytes per PUT of a resumable upload (a multiple of 256 KiB, as Google requires).
CHUNK_BYTES = 8 * 256 * 1024 * 4
#: What the project's daily quota is and what calls cost (units).
DAILY_QUOTA_UNITS = 10_000
UPLOAD_COST_UNITS = 1_600
COMMENT_COST_UNITS = 50
#: Google resets the daily quota at midnight Pacific time.
QUOTA_ZONE = ZoneInfo("America/Los_Angeles")
#: Items per page of playlistItems, commentThreads (YouTube's maximum: 50 and 100).
PAGE_SIZE = 50
COMMENT_PAGE_SIZE = 100
LOOKUP_MAX_PAGES = 20
#: How long ``publish`` follows processing before it leaves the video to finish on its own.
MAX_PROCESSING_SECONDS = 120.0
PROCESSING_POLL_SECONDS = 5.0

MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_BYTES = 5_000
MAX_TAGS_CHARS = 500
MAX_COMMENT_CHARS = 10_000
#: YouTube's "People & Blogs"; the category every upload from koers gets.
DEFAULT_CATEGORY = "22"
VIDEO_TYPES = (
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-msvideo",
    "video/mpeg",
    "video/x-matroska",
)
PRIVACY = ("public", "unlisted", "private")
LIMITS = Limits(
    max_chars=MAX_DESCRIPTION_BYTES,
    url_length=None,
    max_images=0,
    max_image_bytes=0,
    counts_graphemes=False,
    max_videos=1,
    max_video_bytes=256 * 1024**3,
    # 12 hours for verified accounts; an unverified channel uploads at most 15 minutes.
    max_video_seconds=12 * 3600,
    media_types=VIDEO_TYPES,
    max_comment_chars=MAX_COMMENT_CHARS,
    max_title_chars=MAX_TITLE_CHARS,
    max_description_bytes=MAX_DESCRIPTION_BYTES,
    max_tags_chars=MAX_TAGS_CHARS,
    forbidden_chars="<>",
)
CAPABILITIES = Capabilities(
    network=NETWORK,
    label="YouTube",
    publish=frozenset({"video", "reply"}),
    inbox=frozenset({"comment"}),
    metrics=frozenset({"post", "account", "video_views"}),
    listen="none",
    limits=LIMITS,
    provider="google",
    video_options=frozenset({"title", "tags", "privacy", "publish_at"}),
    not_allowed=(
        "Posts without a video (YouTube takes only videos from koers; community posts have "
        "no API).",
        "A scheduled video that is public or unlisted before its time: a video with a publish "
        "time is uploaded as private and YouTube makes it public at that time.",
        "Public videos from a Google Cloud project Google has not audited: they stay private "
        "until the audit.",
        "More than about six uploads a day: every upload costs 1,600 of the project's 10,000 "
        "daily quota units.",
        "The characters < and > in a title or description.",
    ),
)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
class QuotaError(RetryableError):
    """The Google Cloud project's daily quota is used up; it comes back at midnight Pacific."""


class RevokedError(AuthError):
    """Google refused the refresh token (``invalid_grant``): access revoked or expired."""


class ProcessingError(PermanentError):
    """YouTube could not process the uploaded video (``failed``/``rejected``)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, network=NETWORK)
        self.reason = reason


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_reason(body: Any) -> tuple[str, str]:
    """(first ``errors[].reason``, ``message``) of a Google error body; empty when absent."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return "", ""
    error = body["error"]
    errors = error.get("errors") or [{}]
    first = errors[0] if isinstance(errors[0], dict) else {}
    return str(first.get("reason") or ""), str(error.get("message") or "")[:300]


def seconds_to_quota_reset(now: datetime) -> float:
    """Seconds until midnight Pacific time, when Google restores the daily quota."""
    local = now.astimezone(QUOTA_ZONE)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60.0, (midnight - local).total_seconds())


def classify(response: httpx.Response, *, now: datetime | None = None) -> NetworkError | None:
    """A Google error answer → koers' error; ``None`` for a success."""
    status = response.status_code
    if status < 400:
        return None
    reason, message = error_reason(_body(response))
    said = f"{reason}: {message}" if reason and message else (reason or message or f"HTTP {status}")
    if status == 401:
        return AuthError(
            f"YouTube: the access token is not valid; reconnect the channel ({said}).",
            network=NETWORK,
            status=401,
        )
    if status == 403 and reason in ("quotaExceeded", "dailyLimitExceeded"):
        return QuotaError(
            f"YouTube: the Google Cloud project's daily quota ({DAILY_QUOTA_UNITS:,} units; an "
            f"upload costs {UPLOAD_COST_UNITS:,}) is used up; it comes back at midnight "
            "Pacific time.",
            network=NETWORK,
            status=403,
            retry_after=seconds_to_quota_reset(now or datetime.now(UTC)),
        )
    if status == 429 or reason in ("rateLimitExceeded", "userRateLimitExceeded"):
        header = response.headers.get("retry-after", "").strip()
        return RetryableError(
            "YouTube rate limit reached.",
            network=NETWORK,
            status=status,
            retry_after=float(header) if header.isdigit() else None,
        )
    if status >= 500:
        return RetryableError(
            f"YouTube is unavailable (HTTP {status}).", network=NETWORK, status=status
        )
    if status == 403 and reason in (
        "forbidden",
        "insufficientPermissions",
        "youtubeSignupRequired",
    ):
        return AuthError(
            "YouTube refused this: the connection lacks a permission or the account has no "
            f"channel ({said}).",
            network=NETWORK,
            status=403,
        )
    return PermanentError(f"YouTube refused the request: {said}.", network=NETWORK, status=status)


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    scopes: tuple[str, ...] = ()

    def __repr__(self) -> str:  # never print tokens
        return f"Tokens(expires_at={self.expires_at!r}, scopes={self.scopes!r})"


def _token_request(
    http: httpx.Client, token_url: str, form: dict[str, str], *, now: float
) -> Tokens:
    try:
        response = http.post(token_url, data=form)
    except BlockedAddressError:
        raise OutboundBlockedError(httpx.URL(token_url).host, network=NETWORK) from None
    except httpx.HTTPError as error:
        raise RetryableError(
            f"Google's token endpoint did not answer ({type(error).__name__}).", network=NETWORK
        ) from None
    body = _body(response)
    if response.status_code >= 500 or response.status_code == 429:
        raise RetryableError(
            f"Google's token endpoint is unavailable (HTTP {response.status_code}).",
            network=NETWORK,
            status=response.status_code,
        )
    if response.status_code >= 400 or not isinstance(body, dict) or not body.get("access_token"):
        code = str((body or {}).get("error") or "") if isinstance(body, dict) else ""
        said = str((body or {}).get("error_description") or code or response.status_code)
        if code == "invalid_grant":
            raise RevokedError(
                f"Google: the access to the YouTube channel was revoked or has expired "
                f"({said[:200]}); reconnect the channel.",
                network=NETWORK,
                status=response.status_code,
            )
        raise AuthError(
            f"Google refused the sign-in: {said[:200]}. Reconnect the channel.",
            network=NETWORK,
            status=response.status_code,
        )
    expires_in = body.get("expires_in")
    return Tokens(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        expires_at=(
            datetime.fromtimestamp(now + float(expires_in), UTC) if expires_in is not None else None
        ),
        scopes=tuple(str(body.get("scope") or "").split()),
    )


def exchange_code(
    code: str,
    *,
    code_verifier: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    token_url: str = TOKEN_URL,
    http: httpx.Client | None = None,
    clock: Callable[[], float] = time.time,
) -> Tokens:
    """Trade the callback's code (and the PKCE verifier) for the first tokens."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": code_verifier,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    return _token_request(
        http or http_client(timeout=httpx.Timeout(20.0)), token_url, form, now=clock()
    )


class GoogleAuth:
    """The channel's tokens; renews the access token and hands every new one on at once.

    Google's refresh token does not rotate: the answer to a refresh carries only a new access
    token, and the refresh token stays the one stored.
    """

    def __init__(
        self,
        tokens: Tokens,
        *,
        client_id: str,
        client_secret: str = "",
        token_url: str = TOKEN_URL,
        on_token_change: Callable[[Tokens], None] | None = None,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.tokens = tokens
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self._on_token_change = on_token_change
        self._http = http or http_client(timeout=httpx.Timeout(20.0))
        self._clock = clock

    def __repr__(self) -> str:
        return f"GoogleAuth(client_id={self.client_id!r}, {self.tokens!r})"

    def access_token(self) -> str:
        expires = self.tokens.expires_at
        if expires is not None and expires - REFRESH_MARGIN <= datetime.fromtimestamp(
            self._clock(), UTC
        ):
            self.refresh()
        return self.tokens.access_token

    def refresh(self) -> None:
        """A new access token from the refresh token; :class:`RevokedError` when refused."""
        stale = self.tokens
        if not stale.refresh_token:
            raise AuthError(
                "The YouTube access expired and koers has no refresh token; reconnect the channel.",
                network=NETWORK,
            )
        form = {
            "grant_type": "refresh_token",
            "refresh_token": stale.refresh_token,
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }
        fresh = _token_request(self._http, self.token_url, form, now=self._clock())
        fresh = Tokens(
            fresh.access_token,
            fresh.refresh_token or stale.refresh_token,
            fresh.expires_at,
            fresh.scopes or stale.scopes,
        )
        self.tokens = fresh
        if self._on_token_change is not None:
            self._on_token_change(fresh)


# ---------------------------------------------------------------------------------------------
# The API client
# ---------------------------------------------------------------------------------------------
class YouTubeClient:
    """Authorised requests to the YouTube Data API with the error contract of ``base``."""

    def __init__(
        self,
        auth: GoogleAuth,
        *,
        api_url: str = API_URL,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        self.auth = auth
        self.api_url = api_url.rstrip("/")
        self._host = httpx.URL(self.api_url).host
        self._http = http or http_client(timeout=httpx.Timeout(timeout))

    def __repr__(self) -> str:
        return f"YouTubeClient({self.api_url!r})"

    def send(
        self,
        method: str,
        path_or_url: str,
        *,
        write: bool = False,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        accept: tuple[int, ...] = (),
        _again: bool = True,
    ) -> httpx.Response:
        """The raw answer (statuses in ``accept`` are not errors: the upload's 308)."""
        url = path_or_url if "://" in path_or_url else self.api_url + path_or_url
        sent = {"Authorization": f"Bearer {self.auth.access_token()}", **(headers or {})}
        try:
            response = self._http.request(
                method, url, params=params, json=json, content=content, headers=sent
            )
        except BlockedAddressError:
            raise OutboundBlockedError(self._host, network=NETWORK) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise RetryableError(
                f"Could not reach YouTube at {self._host}.", network=NETWORK
            ) from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as error:
            if write:
                raise UnknownOutcomeError(
                    f"No answer from YouTube after sending ({type(error).__name__}).",
                    network=NETWORK,
                ) from None
            raise RetryableError(
                f"No answer from YouTube ({type(error).__name__}).", network=NETWORK
            ) from None
        except httpx.HTTPError as error:
            raise RetryableError(
                f"YouTube failed ({type(error).__name__}).", network=NETWORK
            ) from None
        if response.status_code == 401 and _again:
            self.auth.refresh()  # the token died early: one refresh, one retry
            return self.send(
                method,
                path_or_url,
                write=write,
                params=params,
                json=json,
                content=content,
                headers=headers,
                accept=accept,
                _again=False,
            )
        if response.status_code in accept:
            return response
        problem = classify(response)
        if problem is not None:
            raise problem
        return response

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        body = _body(self.send("GET", path, params=params))
        return body if isinstance(body, dict) else {}

    def pages(
        self, path: str, params: dict[str, Any], *, max_pages: int
    ) -> Iterator[list[dict[str, Any]]]:
        """``items`` per page, following ``nextPageToken``."""
        token = ""
        for _page in range(max_pages):
            body = self.get(path, params | ({"pageToken": token} if token else {}))
            yield list(body.get("items") or [])
            token = str(body.get("nextPageToken") or "")
            if not token:
                return

    def my_channel(self) -> dict[str, Any]:
        """The authorised account's channel (``channels?mine=true``)."""
        body = self.get(
            "/youtube/v3/channels",
            {"part": "snippet,contentDetails,statistics", "mine": "true"},
        )
        items = body.get("items") or []
        if not items:
            raise AuthError(
                "This Google account has no YouTube channel; create one on YouTube first.",
                network=NETWORK,
            )
        return dict(items[0])


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
            write=True,
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
        body = _body(response)
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
        body = _body(
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
        for items in self.client.pages(
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
        for items in self.client.pages(
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
            if reached or not items:
                break
        else:
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
