"""Bluesky adapter on the ``atproto`` SDK: session, publisher, search source.

Session (:class:`BlueskySession`): log in once with handle + app password, then live on the
session string. The SDK refreshes the access token with the refresh JWT when the access JWT
is (nearly) expired; every new session string is handed to ``on_session_change`` so the caller
can persist it (encrypted) and the next process starts from it instead of logging in again.
Logging in per post would hit Bluesky's createSession rate limit (30 per 5 minutes).

Idempotency (:class:`BlueskyPublisher`): the post's record key is derived from the koers
idempotency key (:func:`record_key_for`), and the record is created with
``com.atproto.repo.createRecord`` + that ``rkey``. A second attempt with the same key cannot
create a second post: the PDS refuses the duplicate key. Reference PDS versions answer that
refusal with 500 (bluesky-social/atproto#3718), newer ones with an explicit error (#4728), so
the adapter does not trust the status: after ANY failed create it reads the record with
``getRecord``; if it exists, that is our post and the publish succeeds. ``lookup`` starts with
the same ``getRecord``, so an unknown outcome (timeout) is resolved exactly; only for a server
that ignored the record key does it fall back to matching content in the account's feed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from atproto import Client, models
from atproto_client.client.session import Session, SessionEvent
from atproto_client.exceptions import (
    BadRequestError,
    LoginRequiredError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request as AtRequest
from atproto_core.exceptions import AtProtocolError

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
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Problem,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
    validate_against_limits,
)
from koers.networks.media import card_http_client, fetch_link_card, prepare_image
from koers.networks.safety import GuardedTransport, OutboundBlockedError, blocked_cause
from koers.networks.text import (
    BSKY_MENTION_RE,
    find_hashtags,
    find_urls,
    grapheme_count,
    utf8_offset,
)

logger = logging.getLogger(__name__)

NETWORK = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
MAX_GRAPHEMES = 300
MAX_TEXT_BYTES = 3000  # the post lexicon's maxLength, next to maxGraphemes
MAX_BLOB_BYTES = 1_000_000  # app.bsky.embed.images accepts images up to this size
MAX_IMAGES = 4
MAX_TAG_GRAPHEMES = 64
LOOKUP_PAGE_SIZE = 100  # getAuthorFeed's maximum
LIMITS = Limits(
    max_chars=MAX_GRAPHEMES,
    url_length=None,
    max_images=MAX_IMAGES,
    max_image_bytes=MAX_BLOB_BYTES,
    counts_graphemes=True,
)
CAPABILITIES = Capabilities(
    network="bluesky",
    label="Bluesky",
    publish=frozenset({"text", "link", "image", "images", "reply"}),
    inbox=frozenset({"mention", "comment"}),
    metrics=frozenset({"post", "account"}),
    listen="search",
    limits=LIMITS,
)

T = TypeVar("T")

# ---------------------------------------------------------------------------------------------
# Record keys
# ---------------------------------------------------------------------------------------------
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# The timestamp part of derived keys lies in 2023-01-01 … 2024-12-31: a TID must carry a
# plausible microsecond timestamp, and a past one is safer than a future one (nothing sorts or
# filters posts by a past rkey; createdAt is what apps show). 2 years of µs + 10 clock bits
# ≈ 2^56 keys, so two koers keys colliding is negligible.
_TID_EPOCH_US = 1_672_531_200_000_000
_TID_SPAN_US = 2 * 365 * 24 * 3600 * 1_000_000


def record_key_for(idempotency_key: str) -> str:
    """A valid TID record key that depends only on ``idempotency_key`` (same key → same rkey).

    TID: 64 bits, top bit 0, 53 bits of microseconds, 10 bits of clock id, written as 13
    characters of base32-sortable.
    """
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode("utf-8")).digest()[:16], "big")
    timestamp = _TID_EPOCH_US + (digest >> 10) % _TID_SPAN_US
    clock_id = digest & 0x3FF
    value = (timestamp << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(chars))


def _rkey(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------------------------
# Error classification
# ---------------------------------------------------------------------------------------------
def _xrpc_error(error: RequestErrorBase) -> tuple[str, str]:
    """(error name, message) of an XRPC error response, empty strings when absent."""
    content = error.response.content if error.response is not None else None
    name = getattr(content, "error", "") or ""
    message = getattr(content, "message", "") or ""
    return str(name), str(message)


def _retry_after(error: RateLimitExceededError) -> float | None:
    """Seconds to wait: ``Retry-After`` when sent, else until ``ratelimit-reset``."""
    retry_after: float | None = error.retry_after
    reset_at: datetime | None = error.reset_at
    if retry_after is None and reset_at is not None:
        retry_after = max((reset_at - datetime.now(UTC)).total_seconds(), 0.0)
    return retry_after


def _classify(error: AtProtocolError, *, write: bool) -> NetworkError:
    """atproto exception → koers error; messages carry Bluesky's reason, never a token."""
    if isinstance(error, LoginRequiredError):
        return AuthError("Not logged in to Bluesky.", network=NETWORK)
    blocked = blocked_cause(error)
    if blocked is not None:  # the server address (a user's choice) is a private one
        return OutboundBlockedError(blocked.host, network=NETWORK)
    if not isinstance(error, RequestErrorBase):
        return PermanentError(f"Bluesky client error: {type(error).__name__}.", network=NETWORK)
    status = error.response.status_code if error.response is not None else None
    name, message = _xrpc_error(error)
    reason = f"{name}: {message}" if message else (name or f"HTTP {status}")
    if isinstance(error, UnauthorizedError) or name in (
        "AuthenticationRequired",
        "InvalidToken",
        "ExpiredToken",
        "AccountTakedown",
    ):
        return AuthError(
            f"Bluesky refused the credentials ({reason}).", network=NETWORK, status=status
        )
    if isinstance(error, RateLimitExceededError):
        return RetryableError(
            f"Bluesky rate limit reached ({reason}).",
            network=NETWORK,
            status=429,
            retry_after=_retry_after(error),
        )
    if error.response is None:
        # Transport failure: only a connect failure proves nothing was sent.
        cause = error.__cause__
        not_sent = isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout)
        if write and not not_sent:
            return UnknownOutcomeError(
                "No answer from Bluesky after sending; the post may exist.", network=NETWORK
            )
        return RetryableError("Could not reach Bluesky.", network=NETWORK)
    if status is not None and (status >= 500 or status in (408, 409)):
        return RetryableError(f"Bluesky is unavailable ({reason}).", network=NETWORK, status=status)
    return PermanentError(
        f"Bluesky refused the request ({reason}).", network=NETWORK, status=status
    )


def _transport_error(error: httpx.TransportError, *, write: bool) -> NetworkError:
    """An httpx failure the SDK let through unwrapped (it wraps only timeouts and network
    errors; a connection closed without an answer is a protocol error)."""
    if write and not isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        return UnknownOutcomeError(
            "No answer from Bluesky after sending; the post may exist.", network=NETWORK
        )
    return RetryableError("Could not reach Bluesky.", network=NETWORK)


# ---------------------------------------------------------------------------------------------
# Session
# ---------------------------------------------------------------------------------------------
class BlueskySession:
    """One logged-in atproto client, shared by the publisher and the search source.

    ``session_string``: what an earlier run handed to ``on_session_change``; when given, the
    password is only used if the stored session can no longer be refreshed.
    ``on_session_change(session_string)`` is called after every login and token refresh; the
    string is a secret (it contains the refresh token) — store it encrypted, never log it.
    """

    def __init__(
        self,
        handle: str,
        app_password: str,
        *,
        service_url: str = "https://bsky.social",
        session_string: str | None = None,
        on_session_change: Callable[[str], None] | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.handle = handle
        self._password = app_password
        self._session_string = session_string
        self._on_session_change = on_session_change
        # The server address is typed by users: connect to public addresses only.
        self.client = Client(
            base_url=service_url.rstrip("/") + "/xrpc",
            request=AtRequest(timeout=timeout, transport=GuardedTransport()),
        )
        self.client.on_session_change(self._session_changed)
        self._logged_in = False

    def __repr__(self) -> str:  # never show the password or the session string
        return f"BlueskySession({self.handle!r})"

    def _session_changed(self, event: SessionEvent, session: Session) -> None:
        if event in (SessionEvent.CREATE, SessionEvent.REFRESH) and self._on_session_change:
            self._on_session_change(session.export())

    @property
    def did(self) -> str:
        self.ensure()
        session = self.client._session  # the SDK's public export has no DID accessor
        assert session is not None
        did: str = session.did
        return did

    def ensure(self) -> None:
        """Log in if needed: from the stored session string, else with the app password."""
        if self._logged_in:
            return
        if self._session_string:
            try:
                # Import only: no request. The SDK refreshes on the first call if expired.
                self.client.login(session_string=self._session_string, fetch_bsky_profile=False)
            except ValueError:  # Session.decode of a damaged string: start a new session
                logger.warning("Stored Bluesky session for %s is unreadable", self.handle)
                self._relogin()
        else:
            self._relogin()
        self._logged_in = True

    def _relogin(self) -> None:
        """Log in with the app password (first use, or the stored session is dead)."""
        logger.info("Logging in to Bluesky as %s", self.handle)
        try:
            self.client.login(self.handle, self._password, fetch_bsky_profile=False)
        except AtProtocolError as error:
            raise _classify(error, write=False) from None

    def call(self, function: Callable[..., T], *args: Any, write: bool = False, **kwargs: Any) -> T:
        """Run one SDK call with session repair and error classification.

        An ``ExpiredToken``/``InvalidToken`` answer (the server ended the token before its JWT
        said so, or the SDK's own refresh was refused) triggers one refresh and one retry; a
        refresh that fails triggers one password login. Both answers mean the request was
        refused, so retrying a write here cannot duplicate it. A write is never retried after
        a transport error (that is the caller's decision).
        """
        self.ensure()
        try:
            return function(*args, **kwargs)
        except (BadRequestError, UnauthorizedError) as error:
            if _xrpc_error(error)[0] not in ("ExpiredToken", "InvalidToken"):
                raise _classify(error, write=write) from None
        except AtProtocolError as error:
            raise _classify(error, write=write) from None
        except httpx.TransportError as error:
            raise _transport_error(error, write=write) from None
        # Token expired server-side: refresh (the SDK's own refresh, private in this version).
        try:
            self.client._refresh_and_set_session()
        except (BadRequestError, UnauthorizedError, LoginRequiredError):
            self._relogin()
        except AtProtocolError as error:
            raise _classify(error, write=False) from None
        try:
            return function(*args, **kwargs)
        except AtProtocolError as error:
            raise _classify(error, write=write) from None
        except httpx.TransportError as error:
            raise _transport_error(error, write=write) from None


# ---------------------------------------------------------------------------------------------
# Rich text
# ---------------------------------------------------------------------------------------------
def build_facets(text: str, resolve_handle: Callable[[str], str | None]) -> list[Any]:
    """Link, mention and hashtag facets with UTF-8 byte offsets, as Bluesky indexes text.

    ``resolve_handle(handle) -> did | None``; mentions that don't resolve stay plain text
    (as in the Bluesky app: a facet must point at a DID).
    """
    facets: list[Any] = []
    url_spans = find_urls(text)

    def byte_slice(start: int, end: int) -> Any:
        return models.AppBskyRichtextFacet.ByteSlice(
            byte_start=utf8_offset(text, start), byte_end=utf8_offset(text, end)
        )

    for start, end, url in url_spans:
        facets.append(
            models.AppBskyRichtextFacet.Main(
                index=byte_slice(start, end), features=[models.AppBskyRichtextFacet.Link(uri=url)]
            )
        )

    def inside_url(position: int) -> bool:
        return any(s <= position < e for s, e, _ in url_spans)

    for match in BSKY_MENTION_RE.finditer(text):
        if inside_url(match.start()):
            continue
        did = resolve_handle(match.group("handle").lower())
        if did:
            facets.append(
                models.AppBskyRichtextFacet.Main(
                    index=byte_slice(match.start(), match.end()),
                    features=[models.AppBskyRichtextFacet.Mention(did=did)],
                )
            )
    for start, end, tag in find_hashtags(text):
        if inside_url(start) or grapheme_count(tag) > MAX_TAG_GRAPHEMES:
            continue
        facets.append(
            models.AppBskyRichtextFacet.Main(
                index=byte_slice(start, end), features=[models.AppBskyRichtextFacet.Tag(tag=tag)]
            )
        )
    facets.sort(key=lambda f: f.index.byte_start)
    return facets


# ---------------------------------------------------------------------------------------------
# Publisher
# ---------------------------------------------------------------------------------------------
class BlueskyPublisher:
    """Publishes to one Bluesky account through a :class:`BlueskySession`."""

    network = NETWORK

    def __init__(
        self,
        session: BlueskySession,
        *,
        web_url: str = "https://bsky.app",
        link_card_timeout: float = 5.0,
        http: httpx.Client | None = None,
    ) -> None:
        self.session = session
        self.web_url = web_url.rstrip("/")
        # Cards fetch URLs anyone can write in a post: the client refuses private addresses
        # (see koers.networks.safety).
        self._http = http or card_http_client(link_card_timeout)
        self._did_cache: dict[str, str | None] = {}

    # -- limits & validation ------------------------------------------------------------------
    def limits(self) -> Limits:
        return LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        """300 graphemes, 3000 UTF-8 bytes, public only, no content warning.

        Image size is not a problem: :func:`prepare_image` recompresses.
        """
        problems = validate_against_limits(post, LIMITS, grapheme_count(post.text))
        if len(post.text.encode("utf-8")) > MAX_TEXT_BYTES:
            problems.append(Problem("too_long", f"The text is over {MAX_TEXT_BYTES} bytes."))
        # Refused rather than silently dropped: the author chose them for a reason.
        if post.visibility != "public":
            problems.append(
                Problem(
                    "visibility_unsupported", "Bluesky posts are always public.", field="visibility"
                )
            )
        if post.content_warning:
            problems.append(
                Problem(
                    "content_warning_unsupported",
                    "Bluesky has no content warning with text; remove it for Bluesky.",
                    field="content_warning",
                )
            )
        return problems

    # -- publish ------------------------------------------------------------------------------
    def _resolve_handle(self, handle: str) -> str | None:
        if handle not in self._did_cache:
            try:
                response = self.session.call(self.session.client.resolve_handle, handle)
            except PermanentError:
                self._did_cache[handle] = None  # unknown handle: plain text, not an error
            else:
                self._did_cache[handle] = response.did
        return self._did_cache[handle]

    def _upload(self, data: bytes, mime_type: str) -> Any:
        response = self.session.call(
            self.session.client.com.atproto.repo.upload_blob,
            data,
            headers={"Content-Type": mime_type},
        )
        return response.blob

    def _embed(self, post: OutgoingPost) -> Any:
        """Images when there are any (Bluesky shows one embed), else a link card, else None."""
        if post.media:
            images = []
            for item in post.media:
                prepared = prepare_image(item.data, item.mime_type, MAX_BLOB_BYTES, network=NETWORK)
                images.append(
                    models.AppBskyEmbedImages.Image(
                        alt=item.alt_text,
                        image=self._upload(prepared.data, prepared.mime_type),
                        aspect_ratio=models.AppBskyEmbedDefs.AspectRatio(
                            width=prepared.width, height=prepared.height
                        ),
                    )
                )
            return models.AppBskyEmbedImages.Main(images=images)
        card_url = post.link_card_url or next((u for _s, _e, u in find_urls(post.text)), None)
        if not card_url:
            return None
        card = fetch_link_card(card_url, self._http)
        if card is None:
            return None
        thumb = self._card_thumbnail(card.image_url) if card.image_url else None
        return models.AppBskyEmbedExternal.Main(
            external=models.AppBskyEmbedExternal.External(
                uri=card.url,
                title=card.title,
                description=card.description,
                thumb=thumb,
            )
        )

    def _card_thumbnail(self, image_url: str) -> Any:
        try:
            response = self._http.get(image_url)
        except httpx.HTTPError:
            return None
        mime = response.headers.get("content-type", "").split(";")[0]
        if response.status_code != 200 or not mime.startswith("image/"):
            return None
        try:
            prepared = prepare_image(response.content, mime, MAX_BLOB_BYTES, network=NETWORK)
        except PermanentError:
            return None
        return self._upload(prepared.data, prepared.mime_type)

    def _reply_ref(self, parent_uri: str) -> Any:
        parent = self._get_post_record(parent_uri)
        if parent is None:
            raise PermanentError("The post to reply to no longer exists.", network=NETWORK)
        parent_ref = models.ComAtprotoRepoStrongRef.Main(uri=parent.uri, cid=parent.cid)
        reply = getattr(parent.value, "reply", None)
        root_ref = reply.root if reply is not None else parent_ref
        return models.AppBskyFeedPost.ReplyRef(parent=parent_ref, root=root_ref)

    def _get_post_record(self, uri: str) -> Any:
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        try:
            return self.session.call(
                self.session.client.com.atproto.repo.get_record,
                models.ComAtprotoRepoGetRecord.Params(repo=repo, collection=collection, rkey=rkey),
            )
        except PermanentError as error:
            if "RecordNotFound" in error.message:
                return None
            raise

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        """Create the post under the record key derived from ``idempotency_key``."""
        problems = self.validate(post)
        if problems:
            raise PermanentError(" ".join(p.message for p in problems), network=NETWORK)
        record = models.AppBskyFeedPost.Record(
            text=post.text,
            created_at=datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            facets=build_facets(post.text, self._resolve_handle) or None,
            langs=[post.language] if post.language else None,
            embed=self._embed(post),
            reply=self._reply_ref(post.in_reply_to) if post.in_reply_to else None,
        )
        rkey = record_key_for(idempotency_key)
        data = models.ComAtprotoRepoCreateRecord.Data(
            repo=self.session.did,
            collection=POST_COLLECTION,
            rkey=rkey,
            record=record,
        )
        try:
            created = self.session.call(
                self.session.client.com.atproto.repo.create_record, data, write=True
            )
        except (RetryableError, PermanentError) as error:
            # Maybe the record key is taken — by an earlier attempt of this same key. The PDS's
            # answer for that differs per version (500 or 4xx), so ask for the record itself.
            existing = self._find_by_key(idempotency_key)
            if existing is not None:
                return existing
            raise error from None
        return PublishResult(
            remote_id=created.uri,
            url=self._web_url(rkey),
            published_at=_parse_time(record.created_at),
        )

    def _web_url(self, rkey: str) -> str:
        return f"{self.web_url}/profile/{self.session.handle}/post/{rkey}"

    def _find_by_key(self, idempotency_key: str) -> PublishResult | None:
        """``getRecord`` of the derived record key: exact, no matter which process published."""
        rkey = record_key_for(idempotency_key)
        found = self._get_post_record(f"at://{self.session.did}/{POST_COLLECTION}/{rkey}")
        if found is None:
            return None
        return PublishResult(
            remote_id=found.uri,
            url=self._web_url(rkey),
            published_at=_parse_time(found.value.created_at),
        )

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        """The record under the derived key; else a post of ours that matches ``post``.

        A PDS honours the record key, so the first step is exact. The second covers a server
        that stored the post under a key of its own: it pages back through the account's
        feed (``getAuthorFeed`` with its cursor, newest first) to ``since`` and matches text,
        reply target and images (count and alt text), skipping ``exclude``. The oldest match
        wins. :class:`RetryableError` when :data:`LOOKUP_MAX_PAGES` pages did not reach
        ``since``.
        """
        exact = self._find_by_key(idempotency_key)
        if exact is not None:
            return exact
        not_before = since - LOOKUP_CLOCK_SKEW
        did = self.session.did
        cursor: str | None = None
        found: tuple[str, datetime] | None = None
        for _page in range(LOOKUP_MAX_PAGES):
            params = models.AppBskyFeedGetAuthorFeed.Params(
                actor=did, filter="posts_with_replies", limit=LOOKUP_PAGE_SIZE, cursor=cursor
            )
            response = self.session.call(self.session.client.app.bsky.feed.get_author_feed, params)
            oldest: datetime | None = None
            for entry in response.feed:  # newest first
                if entry.reason is not None or entry.post.author.did != did:
                    continue  # a repost, not a post of ours
                record = entry.post.record.model_dump(by_alias=True, exclude_none=True)
                created = _parse_time(str(record.get("createdAt")))
                oldest = created if oldest is None or created < oldest else oldest
                if (
                    created >= not_before
                    and entry.post.uri not in exclude
                    and _same_post(record, post)
                ):
                    found = (entry.post.uri, created)
            cursor = response.cursor
            if not cursor or not response.feed or (oldest is not None and oldest < not_before):
                break
        else:
            raise RetryableError(
                f"Bluesky: {LOOKUP_MAX_PAGES * LOOKUP_PAGE_SIZE} newer posts were read without "
                "reaching the attempt; still checking.",
                network=NETWORK,
            )
        if found is None:
            return None
        uri, created = found
        return PublishResult(remote_id=uri, url=self._web_url(_rkey(uri)), published_at=created)

    def delete(self, remote_id: str) -> None:
        repo, collection, rkey = remote_id.removeprefix("at://").split("/")
        self.session.call(
            self.session.client.com.atproto.repo.delete_record,
            models.ComAtprotoRepoDeleteRecord.Data(repo=repo, collection=collection, rkey=rkey),
            # Not write=True: deleteRecord is idempotent, so a timeout is simply retryable.
        )

    # -- metrics & connection -----------------------------------------------------------------
    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        """Likes, reposts, replies, quotes from the AppView; reach/impressions are ``None``."""
        uris = list(remote_ids)
        metrics: list[PostMetrics] = []
        for start in range(0, len(uris), 25):  # getPosts takes at most 25 URIs
            response = self.session.call(self.session.client.get_posts, uris[start : start + 25])
            for view in response.posts:
                metrics.append(
                    PostMetrics(
                        remote_id=view.uri,
                        likes=view.like_count,
                        reposts=view.repost_count,
                        replies=view.reply_count,
                        quotes=view.quote_count,
                    )
                )
        return metrics

    def fetch_account_metrics(self) -> AccountMetrics:
        profile = self.session.call(self.session.client.get_profile, self.session.did)
        return AccountMetrics(
            followers=profile.followers_count,
            following=profile.follows_count,
            posts=profile.posts_count,
        )

    def check_connection(self) -> ConnectionStatus:
        try:
            profile = self.session.call(self.session.client.get_profile, self.session.did)
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        return ConnectionStatus(
            ok=True, account=f"@{profile.handle}", account_id=str(profile.did or self.session.did)
        )


def _same_post(record: dict[str, Any], post: OutgoingPost) -> bool:
    """Whether a stored ``app.bsky.feed.post`` record (as JSON) is what ``post`` sent."""
    embed = record.get("embed") or {}
    images = (embed.get("images") or []) if str(embed.get("$type", "")).endswith("images") else []
    parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
    return (
        record.get("text", "") == post.text
        and parent == (post.in_reply_to or None)
        and len(images) == len(post.media)
        and all(
            str(image.get("alt") or "") == item.alt_text
            for image, item in zip(images, post.media, strict=True)
        )
    )


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# Listening: search
# ---------------------------------------------------------------------------------------------
def _facet_values(facets: Any) -> tuple[list[str], list[str], list[str]]:
    """(links, hashtags, mention DIDs) from record facets (model objects or raw dicts)."""
    links: list[str] = []
    tags: list[str] = []
    mentions: list[str] = []
    for facet in facets or []:
        features = facet.get("features", []) if isinstance(facet, dict) else facet.features
        for feature in features:
            data = feature if isinstance(feature, dict) else feature.model_dump(by_alias=True)
            kind = str(data.get("$type") or data.get("py_type") or "")
            if kind.endswith("#link"):
                links.append(str(data["uri"]))
            elif kind.endswith("#tag"):
                tags.append(str(data["tag"]).lower())
            elif kind.endswith("#mention"):
                mentions.append(str(data["did"]))
    return links, tags, mentions


def _embed_values(embed: Any) -> tuple[list[str], list[str]]:
    """(searchable texts, links) of a record's embed: the alt text of images and videos, and
    a link card's title and address (a GIF "card" is an external embed too). A record quoted
    inside ``recordWithMedia`` is another post and stays out."""
    if not isinstance(embed, dict):
        return [], []
    kind = str(embed.get("$type") or embed.get("py_type") or "")
    texts: list[str] = []
    links: list[str] = []
    if kind.endswith("embed.images"):
        texts += [str(image.get("alt") or "") for image in embed.get("images") or []]
    elif kind.endswith("embed.video"):
        texts.append(str(embed.get("alt") or ""))
    elif kind.endswith("embed.external"):
        external = embed.get("external") or {}
        texts.append(str(external.get("title") or ""))
        if external.get("uri"):
            links.append(str(external["uri"]))
    elif kind.endswith("embed.recordWithMedia"):
        return _embed_values(embed.get("media"))
    return [t.strip() for t in texts if t and t.strip()], links


def record_to_incoming(
    *,
    uri: str,
    did: str,
    handle: str,
    name: str,
    record: dict[str, Any],
    web_url: str = "https://bsky.app",
    metrics: PostMetrics | None = None,
) -> IncomingPost:
    """Normalise a raw ``app.bsky.feed.post`` record (as JSON) into an :class:`IncomingPost`.

    A post without text but with media or a link card (a reply that is only a GIF) is kept:
    its text is then the alt text and card title, so it can be found; the card's address is
    always one of its links."""
    links, tags, mentions = _facet_values(record.get("facets"))
    embed_texts, embed_links = _embed_values(record.get("embed"))
    links += [link for link in embed_links if link not in links]
    text = str(record.get("text", "")).strip() or "\n".join(embed_texts)
    reply = record.get("reply") or {}
    langs = record.get("langs") or []
    return IncomingPost(
        network=NETWORK,
        remote_id=uri,
        url=f"{web_url}/profile/{handle or did}/post/{_rkey(uri)}",
        author_handle=f"@{handle}" if handle else did,
        author_name=name,
        text=text,
        lang=str(langs[0]) if langs else None,
        created_at=_parse_time(str(record.get("createdAt"))),
        links=tuple(links),
        hashtags=tuple(dict.fromkeys(tags + [str(t).lower() for t in record.get("tags") or []])),
        mentions=tuple(mentions),
        reply_to=(reply.get("parent") or {}).get("uri"),
        metrics=metrics,
    )


class BlueskySearchSource:
    """Polls ``app.bsky.feed.searchPosts`` for one query, newest first, paging with its cursor.

    The Batch cursor is a watermark (the newest ``indexedAt`` seen, ISO 8601) passed back as
    ``since``; ``since`` is inclusive, so the newest post of the previous poll comes again and
    the caller's dedupe by ``remote_id`` drops it — an overlap of one, never a gap.
    """

    network = NETWORK

    def __init__(
        self,
        session: BlueskySession,
        query: str,
        *,
        lang: str | None = None,
        page_size: int = 50,
        max_pages: int = 10,
        web_url: str = "https://bsky.app",
    ) -> None:
        self.session = session
        self.query = query
        self.lang = lang
        self.page_size = page_size
        self.max_pages = max_pages
        self.web_url = web_url

    def poll(self, cursor: str | None = None) -> Batch:
        posts: dict[str, IncomingPost] = {}
        watermark = cursor
        page_cursor: str | None = None
        for _page in range(self.max_pages):
            params = models.AppBskyFeedSearchPosts.Params(
                q=self.query,
                sort="latest",
                since=cursor,
                cursor=page_cursor,
                limit=self.page_size,
                lang=self.lang,
            )
            response = self.session.call(self.session.client.app.bsky.feed.search_posts, params)
            for view in response.posts:
                record = view.record.model_dump(by_alias=True, exclude_none=True)
                posts[view.uri] = record_to_incoming(
                    uri=view.uri,
                    did=view.author.did,
                    handle=view.author.handle,
                    name=view.author.display_name or "",
                    record=record,
                    web_url=self.web_url,
                    metrics=PostMetrics(
                        remote_id=view.uri,
                        likes=view.like_count,
                        reposts=view.repost_count,
                        replies=view.reply_count,
                        quotes=view.quote_count,
                    ),
                )
                if watermark is None or view.indexed_at > watermark:
                    watermark = view.indexed_at
            page_cursor = response.cursor
            if not page_cursor or cursor is None:
                break  # a first poll takes one page: a new source does not backfill
        ordered = sorted(posts.values(), key=lambda p: (p.created_at, p.remote_id))
        return Batch(posts=tuple(ordered), cursor=watermark)
