"""X (API v2): publish posts, replies, quotes, threads' parts, images and video; read mentions,
recent search and metrics. OAuth 2.0 Authorization Code with PKCE and rotating refresh tokens.

Everything goes through :func:`koers.networks.safety.http_client` (httpx). No Django here.

* **Tokens** (:class:`XAuth`): an access token lives two hours; with ``offline.access`` X hands
  a refresh token that is valid for ONE refresh — the answer carries the next one. Every new
  pair is handed to ``on_token_change`` before anything else happens, so a crash right after a
  refresh never loses the only valid refresh token. A refused refresh is :class:`AuthError`
  with X's reason (the channel is broken until someone reconnects it).
* **Exactly once**: X has no idempotency key. :meth:`XPublisher.lookup` pages the account's
  own posts (``GET /2/users/:id/tweets``, ``start_time`` = the first attempt, less the clock
  skew; ``pagination_token``) and compares text (links and X's ``t.co`` media links left out,
  since X rewrites them), the reply and quote targets and the number of media.
* **Media** (v2 upload, ``media.write``): ``POST /2/media/upload/initialize`` →
  ``…/{id}/append`` (chunks of :data:`CHUNK_BYTES`, ``segment_index``) → ``…/{id}/finalize``
  → while ``processing_info.state`` is ``pending``/``in_progress``: wait ``check_after_secs``
  and ask ``GET /2/media/upload?command=STATUS&media_id=…``. ``failed`` is
  :class:`PermanentError` with X's reason. Alt text: ``POST /2/media/metadata``.
* **Errors**: X answers problem JSON (``{"title", "detail", "type", "status"}``) or
  ``{"errors": [{"message", "code"}]}``. 429 is :class:`RetryableError` with ``retry_after``
  from ``x-rate-limit-reset`` (or the 24-hour user cap's reset when that one is used up). A
  403 ``client-not-enrolled`` or an error code 453 means the app's **access level** lacks the
  endpoint: :class:`AccessLevelError` says in plain words which level the feature needs.
"""

from __future__ import annotations

import base64
import contextlib
import html
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import regex

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    LOOKUP_MAX_PAGES,
    AccountMetrics,
    AuthError,
    Batch,
    Capabilities,
    ConnectionStatus,
    IncomingPost,
    Limits,
    MediaItem,
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Problem,
    PublishResult,
    RetryableError,
    Tokens,
    UnknownOutcomeError,
)
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client
from koers.networks.text import URL_RE

NETWORK = "x"
API_URL = "https://api.x.com"
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
WEB_URL = "https://x.com"
TOKEN_PATH = "/2/oauth2/token"  # noqa: S105 - an address, not a password
REVOKE_PATH = "/2/oauth2/revoke"
#: What koers asks for: read and write posts, read the account, stay connected, upload media.
SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")
#: Refresh this long before X says the access token expires (clocks differ, requests take time).
REFRESH_MARGIN = timedelta(minutes=2)
#: Bytes per APPEND (X takes up to 5 MB a segment).
CHUNK_BYTES = 4 * 1024 * 1024
#: How long a publish waits for X to process a video before it gives up (and retries later).
MAX_PROCESSING_SECONDS = 300.0
#: Posts per page when reading timelines, mentions and search (X's maximum is 100).
PAGE_SIZE = 100
#: Pages one poll of mentions or search reads at most (the rest comes next poll).
POLL_MAX_PAGES = 10

URL_LENGTH = 23  # every link counts as a t.co link
LIMITS = Limits(
    max_chars=280,
    url_length=URL_LENGTH,
    max_images=4,
    max_image_bytes=5 * 1024 * 1024,
    counts_graphemes=True,
    max_videos=1,
    max_video_bytes=512 * 1024 * 1024,
    max_video_seconds=140,
    media_types=("image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"),
)

#: X's access levels in the order X sells them, with the monthly post cap of each (per user
#: for Free and Basic, the app's cap for Pro). A channel may set its own in ``extra``.
ACCESS_LEVELS = ("free", "basic", "pro")
POST_CAPS = (("free", 500), ("basic", 3_000), ("pro", 300_000))
#: The lowest access level each koers feature needs.
FEATURE_LEVELS = {
    "publish": "free",  # post, reply, quote, threads, media, delete, the account itself
    "lookup": "basic",  # exactly-once check: the account's own posts
    "mentions": "basic",  # the inbox: mentions of the account
    "search": "basic",  # listening: recent search (7 days)
    "metrics": "basic",  # post metrics (public; non-public for the account's own recent posts)
    "full_archive": "pro",  # search older than 7 days (koers does not use it yet)
}
#: Plain English names of the features (msgids; the Django side translates them).
FEATURE_NAMES = {
    "publish": "publishing",
    "lookup": "checking whether a post already went out",
    "mentions": "mentions of the account in the inbox",
    "search": "listening through recent search",
    "metrics": "post metrics",
    "full_archive": "full-archive search",
}
LEVEL_NAMES = {"free": "Free", "basic": "Basic", "pro": "Pro"}

CAPABILITIES = Capabilities(
    network=NETWORK,
    label="X",
    publish=frozenset({"text", "link", "image", "images", "video", "thread", "reply", "quote"}),
    inbox=frozenset({"mention"}),
    metrics=frozenset({"post", "account", "impressions"}),
    listen="search",
    limits=LIMITS,
    provider="x",
    not_allowed=(
        "X does not take images and a video in the same post.",
        "X refuses a post whose text is the same as a recent one of the account.",
        "X does not let koers edit a post after it went out.",
        "X's Free access level has no mentions, search or post metrics.",
    ),
    post_caps=POST_CAPS,
)

# Code points X counts as one character; everything else (CJK, emoji) counts as two.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def _weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in _LIGHT) else 2


def text_length(text: str) -> int:
    """The length X counts: links 23, CJK and emoji 2, the rest 1 (twitter-text's weights)."""
    total, position = 0, 0
    for match in URL_RE.finditer(text):
        total += _plain_length(text[position : match.start()]) + URL_LENGTH
        position = match.end()
    return total + _plain_length(text[position:])


def _plain_length(text: str) -> int:
    total = 0
    for cluster in regex.findall(r"\X", text):
        if len(cluster) > 1 and any(_weight(c) == 2 for c in cluster):
            total += 2  # an emoji sequence (skin tone, ZWJ family) counts as one emoji
        else:
            total += sum(_weight(c) for c in cluster)
    return total


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
class AccessLevelError(PermanentError):
    """The X app's access level does not include the endpoint a feature needs."""

    def __init__(self, message: str, *, feature: str, status: int | None = None) -> None:
        super().__init__(message, network=NETWORK, status=status)
        self.feature = feature
        self.needs = FEATURE_LEVELS.get(feature, "basic")


def access_statement(feature: str) -> str:
    """Plain words: which level ``feature`` needs, and what each level includes."""
    needs = LEVEL_NAMES[FEATURE_LEVELS.get(feature, "basic")]
    name = FEATURE_NAMES.get(feature, feature)
    return (
        f"The X app's access level does not include {name}; that needs the {needs} level or "
        "higher. Free: publishing only. Basic: also mentions, recent search and post "
        "metrics. Pro: also full-archive search."
    )


def _said(body: Any) -> str:
    """X's own words from a problem JSON or an ``errors`` list (no tokens in them)."""
    if not isinstance(body, dict):
        return ""
    parts = [str(body[key]) for key in ("detail", "title") if body.get(key)]
    for error in body.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            parts.append(str(error["message"]))
    if body.get("error_description"):
        parts.append(str(body["error_description"]))
    elif body.get("error") and isinstance(body["error"], str):
        parts.append(body["error"])
    return "; ".join(dict.fromkeys(parts))[:300]


def is_access_problem(status: int, body: Any) -> bool:
    """X's two ways of saying "not at your access level"."""
    if not isinstance(body, dict):
        return False
    if body.get("reason") == "client-not-enrolled":
        return True
    codes = [e.get("code") for e in body.get("errors") or [] if isinstance(e, dict)]
    return 453 in codes or (status == 403 and body.get("title") == "Client Forbidden")


def retry_after(headers: httpx.Headers, now: float) -> float | None:
    """Seconds until X lets us try again: the used-up window's reset, else ``Retry-After``."""
    resets = []
    if headers.get("x-user-limit-24hour-remaining") == "0":
        resets.append(headers.get("x-user-limit-24hour-reset"))
    if headers.get("x-app-limit-24hour-remaining") == "0":
        resets.append(headers.get("x-app-limit-24hour-reset"))
    resets.append(headers.get("x-rate-limit-reset"))
    for reset in resets:
        try:
            return max(1.0, float(str(reset)) - now)
        except (TypeError, ValueError):
            continue
    try:
        return max(1.0, float(headers.get("retry-after", "")))
    except ValueError:
        return None


def classify(response: httpx.Response, *, feature: str, now: float) -> NetworkError | None:
    """The error for an X answer, or ``None`` for a success."""
    status = response.status_code
    if status < 400:
        return None
    body = _body(response)
    said = _said(body) or f"HTTP {status}"
    if status == 429:
        wait = retry_after(response.headers, now)
        when = f" (again in {round(wait)} s)" if wait is not None else ""
        return RetryableError(
            f"X's rate limit is reached{when}: {said}",
            network=NETWORK,
            status=status,
            retry_after=wait,
        )
    if status >= 500:
        return RetryableError(f"X answered {status}: {said}", network=NETWORK, status=status)
    if status == 401:
        return AuthError(
            f"X refused the access: {said}. Reconnect the account.", network=NETWORK, status=status
        )
    if is_access_problem(status, body):
        return AccessLevelError(
            f"{access_statement(feature)} (X said: {said})", feature=feature, status=status
        )
    return PermanentError(f"X refused the request: {said}", network=NETWORK, status=status)


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------
def _tokens_from(body: Any, now: float) -> Tokens:
    if not isinstance(body, dict) or not body.get("access_token"):
        raise PermanentError("X's token answer had no access token.", network=NETWORK)
    return Tokens.from_answer(body, now)


def authorize_url(
    client_id: str, redirect_uri: str, state: str, code_challenge: str, *, base: str = WEB_URL
) -> str:
    """The consent page (``koers.publishing.oauth.start`` builds the same from its parts)."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(SCOPES),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{base}/i/oauth2/authorize?{urlencode(query)}"


def _token_request(
    http: httpx.Client,
    api_url: str,
    form: dict[str, str],
    client_id: str,
    client_secret: str,
    *,
    now: float,
) -> Tokens:
    """POST the token endpoint: Basic auth for a confidential client, ``client_id`` always."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if client_secret:
        pair = f"{client_id}:{client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    try:
        response = http.post(
            api_url + TOKEN_PATH,
            content=urlencode(form | {"client_id": client_id}),
            headers=headers,
        )
    except BlockedAddressError:
        raise OutboundBlockedError(httpx.URL(api_url).host, network=NETWORK) from None
    except httpx.HTTPError as error:
        raise RetryableError(
            f"X's token endpoint did not answer ({type(error).__name__}).", network=NETWORK
        ) from None
    if response.status_code >= 500 or response.status_code == 429:
        busy = classify(response, feature="publish", now=now)
        assert busy is not None
        raise busy
    if response.status_code >= 400:
        raise AuthError(
            f"X refused the sign-in: {_said(_body(response)) or response.status_code}. "
            "Reconnect the account.",
            network=NETWORK,
            status=response.status_code,
        )
    return _tokens_from(_body(response), now)


def exchange_code(
    code: str,
    *,
    code_verifier: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    api_url: str = API_URL,
    http: httpx.Client | None = None,
    clock: Callable[[], float] = time.time,
) -> Tokens:
    """Trade the callback's code (and the PKCE verifier) for the first token pair."""
    client = http or http_client(timeout=httpx.Timeout(20.0))
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    return _token_request(client, api_url, form, client_id, client_secret, now=clock())


class XAuth:
    """The account's tokens; refreshes them (rotating) and hands every new pair on at once.

    ``on_token_change(tokens)`` must store the pair before it returns (the old refresh token is
    dead from the moment X answered). ``reload()``, when given, returns the pair as stored now:
    when X refuses our refresh token because another worker already used it, the stored pair
    is the one that worker got, and it is used instead of breaking the channel.
    """

    def __init__(
        self,
        tokens: Tokens,
        *,
        client_id: str,
        client_secret: str = "",
        api_url: str = API_URL,
        on_token_change: Callable[[Tokens], None] | None = None,
        reload: Callable[[], Tokens | None] | None = None,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.tokens = tokens
        self.client_id = client_id
        self._client_secret = client_secret
        self.api_url = api_url.rstrip("/")
        self._on_token_change = on_token_change
        self._reload = reload
        self._http = http or http_client(timeout=httpx.Timeout(20.0))
        self._clock = clock

    def __repr__(self) -> str:
        return f"XAuth(client_id={self.client_id!r}, {self.tokens!r})"

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def access_token(self) -> str:
        expires = self.tokens.expires_at
        if expires is not None and expires - REFRESH_MARGIN <= self._now():
            self.refresh()
        return self.tokens.access_token

    def refresh(self) -> None:
        """Get a new pair with the refresh token; :class:`AuthError` when X refuses it."""
        stale = self.tokens
        if not stale.refresh_token:
            raise AuthError(
                "The X access expired and koers has no refresh token (offline.access was not "
                "granted). Reconnect the account.",
                network=NETWORK,
            )
        form = {"grant_type": "refresh_token", "refresh_token": stale.refresh_token}
        try:
            fresh = _token_request(
                self._http,
                self.api_url,
                form,
                self.client_id,
                self._client_secret,
                now=self._clock(),
            )
        except AuthError:
            stored = self._reload() if self._reload else None
            if stored is not None and stored.refresh_token != stale.refresh_token:
                self.tokens = stored  # another worker refreshed first; its pair is the live one
                return
            raise
        if fresh.refresh_token is None:  # X rotates; keep the old one if it ever does not
            fresh = Tokens(fresh.access_token, stale.refresh_token, fresh.expires_at, fresh.scopes)
        self.tokens = fresh
        if self._on_token_change is not None:
            self._on_token_change(fresh)


# ---------------------------------------------------------------------------------------------
# The API client shared by the publisher and the sources
# ---------------------------------------------------------------------------------------------
class XClient:
    """Authorised requests to X with the error contract of :mod:`koers.networks.base`."""

    def __init__(
        self,
        auth: XAuth,
        *,
        timeout: float = 20.0,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.auth = auth
        self.api_url = auth.api_url
        self._host = httpx.URL(self.api_url).host
        self._http = http or http_client(
            timeout=httpx.Timeout(timeout), headers={"User-Agent": "koers"}
        )
        self._clock = clock
        #: The last ``x-rate-limit-*`` values seen per path: (limit, remaining, reset).
        self.rate_limits: dict[str, tuple[int, int, int]] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        feature: str = "publish",
        write: bool = False,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, str] | None = None,
        files: dict[str, Any] | None = None,
        _again: bool = True,
    ) -> Any:
        """The answer's JSON. ``write``: a timeout after sending is an unknown outcome."""
        headers = {"Authorization": f"Bearer {self.auth.access_token()}"}
        try:
            response = self._http.request(
                method,
                self.api_url + path,
                params=params,
                json=json,
                data=data,
                files=files,
                headers=headers,
            )
        except BlockedAddressError:
            raise OutboundBlockedError(self._host, network=NETWORK) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise RetryableError(f"Could not reach X at {self._host}.", network=NETWORK) from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as error:
            if write:
                raise UnknownOutcomeError(
                    f"No answer from X after sending ({type(error).__name__}).", network=NETWORK
                ) from None
            raise RetryableError(
                f"No answer from X ({type(error).__name__}).", network=NETWORK
            ) from None
        except httpx.HTTPError as error:
            raise RetryableError(f"X failed ({type(error).__name__}).", network=NETWORK) from None
        self._note_rate_limit(path, response.headers)
        if response.status_code == 401 and _again:
            # The token died early (revoked elsewhere, clock skew): one refresh, one retry.
            self.auth.refresh()
            return self.request(
                method,
                path,
                feature=feature,
                write=write,
                params=params,
                json=json,
                data=data,
                files=files,
                _again=False,
            )
        problem = classify(response, feature=feature, now=self._clock())
        if problem is not None:
            raise problem
        return _body(response) if response.content else {}

    def _note_rate_limit(self, path: str, headers: httpx.Headers) -> None:
        with contextlib.suppress(KeyError, ValueError):  # an answer without the headers
            self.rate_limits[path] = (
                int(headers["x-rate-limit-limit"]),
                int(headers["x-rate-limit-remaining"]),
                int(headers["x-rate-limit-reset"]),
            )

    def me(self) -> dict[str, Any]:
        body = self.request(
            "GET", "/2/users/me", params={"user.fields": "public_metrics,username,name"}
        )
        return dict(body.get("data") or {})

    def pages(
        self, path: str, params: dict[str, Any], *, feature: str, max_pages: int
    ) -> Iterable[tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]]:
        """(posts, users by id, meta) per page, following ``meta.next_token``."""
        token: str | None = None
        for _page in range(max_pages):
            query = dict(params) | ({"pagination_token": token} if token else {})
            body = self.request("GET", path, params=query, feature=feature)
            users = {u["id"]: u for u in (body.get("includes") or {}).get("users", [])}
            meta = body.get("meta") or {}
            yield list(body.get("data") or []), users, meta
            token = meta.get("next_token")
            if not token:
                return


# ---------------------------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Reading: mentions (the inbox) and recent search (listening)
# ---------------------------------------------------------------------------------------------
_READ_PARAMS = {
    "max_results": PAGE_SIZE,
    "tweet.fields": "created_at,lang,author_id,entities,referenced_tweets,public_metrics",
    "expansions": "author_id",
    "user.fields": "username,name",
}


def tweet_to_incoming(tweet: dict[str, Any], users: dict[str, Any]) -> IncomingPost:
    author = users.get(str(tweet.get("author_id")), {})
    username = str(author.get("username") or tweet.get("author_id") or "")
    entities = tweet.get("entities") or {}
    public = tweet.get("public_metrics") or {}
    tweet_id = str(tweet["id"])
    return IncomingPost(
        network=NETWORK,
        remote_id=tweet_id,
        url=f"{WEB_URL}/{username}/status/{tweet_id}",
        author_handle=f"@{username}",
        author_name=str(author.get("name") or username),
        text=html.unescape(str(tweet.get("text", ""))),
        lang=tweet.get("lang") if tweet.get("lang") not in (None, "und", "zxx") else None,
        created_at=_when(tweet.get("created_at")),
        links=tuple(str(u.get("expanded_url") or u.get("url")) for u in entities.get("urls") or []),
        hashtags=tuple(str(h.get("tag")) for h in entities.get("hashtags") or []),
        mentions=tuple(str(m.get("username")) for m in entities.get("mentions") or []),
        reply_to=_referenced(tweet, "replied_to"),
        metrics=PostMetrics(
            remote_id=tweet_id,
            likes=public.get("like_count"),
            reposts=public.get("retweet_count"),
            replies=public.get("reply_count"),
            quotes=public.get("quote_count"),
            impressions=public.get("impression_count"),
        ),
    )


class _NewestFirstSource:
    """Polls an X listing newest first: pages back to the stored cursor (``since_id``)."""

    network = NETWORK
    feature = "mentions"

    def __init__(self, client: XClient, *, max_pages: int = POLL_MAX_PAGES) -> None:
        self.client = client
        self._max_pages = max_pages

    def _path(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _params(self) -> dict[str, Any]:
        return dict(_READ_PARAMS)

    def poll(self, cursor: str | None = None) -> Batch:
        """Everything newer than ``cursor`` (a post id); the next cursor is the newest id."""
        params = self._params() | ({"since_id": cursor} if cursor else {})
        posts: list[IncomingPost] = []
        newest = cursor
        for tweets, users, meta in self.client.pages(
            self._path(), params, feature=self.feature, max_pages=self._max_pages
        ):
            if meta.get("newest_id") and (newest is None or int(meta["newest_id"]) > int(newest)):
                newest = str(meta["newest_id"])
            posts += [tweet_to_incoming(tweet, users) for tweet in tweets]
        return Batch(tuple(posts), newest)


class XMentionsSource(_NewestFirstSource):
    """Posts that mention the account (``GET /2/users/:id/mentions``; Basic level and up)."""

    def __init__(self, client: XClient, user_id: str, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.user_id = user_id

    def _path(self) -> str:
        return f"/2/users/{self.user_id}/mentions"


class XSearchSource(_NewestFirstSource):
    """Recent search, the last 7 days (``GET /2/tweets/search/recent``; Basic level and up)."""

    feature = "search"

    def __init__(self, client: XClient, query: str, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.query = query

    def _path(self) -> str:
        return "/2/tweets/search/recent"

    def _params(self) -> dict[str, Any]:
        return super()._params() | {"query": self.query}


__all__ = [
    "CAPABILITIES",
    "AccessLevelError",
    "Tokens",
    "XAuth",
    "XClient",
    "XMentionsSource",
    "XPublisher",
    "XSearchSource",
    "exchange_code",
]
