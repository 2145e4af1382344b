"""Mastodon adapter (write side :class:`MastodonPublisher`, read side :class:`MastodonSource`).

Built on Mastodon.py. Every call goes through :func:`_call`, which turns Mastodon.py's and
requests' exceptions into koers' four error classes; nothing else here catches exceptions.

Idempotency (why it is safe to retry):

* ``publish`` sends the koers idempotency key as Mastodon's ``Idempotency-Key`` header.
  Mastodon remembers the key per account for one hour and answers a repeated POST with the
  status it already created, so a retry inside that hour can never create a second status.
* ``lookup`` does NOT re-POST: a lookup must never create a post, and a re-POST would create
  one when the first attempt never arrived. Mastodon cannot be asked "which status did this
  key create", and forgets keys after an hour (or an instance may ignore them), so lookup
  pages back through the account's statuses (``max_id``) to the moment the caller's first
  attempt started — however many statuses were posted since — and matches the post by its
  content: text, content warning, reply target, and per attachment its kind and alt text.
  Statuses the caller already recorded for other posts (``exclude``) and statuses older than
  the attempt never match, so two items with the same text can't both claim one status.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from mastodon import Mastodon, StreamListener
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

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
from koers.networks.safety import OutboundBlockedError, blocked_cause, guarded_session
from koers.networks.text import (
    MASTODON_MENTION_RE,
    grapheme_count,
    html_to_text,
    mastodon_length,
)

logger = logging.getLogger(__name__)

NETWORK = "mastodon"
# Mastodon's own defaults, used only when the instance does not publish its configuration.
DEFAULT_LIMITS = Limits(
    max_chars=500, url_length=23, max_images=4, max_image_bytes=16 * 1024 * 1024
)
CAPABILITIES = Capabilities(
    network=NETWORK,
    label="Mastodon",
    publish=frozenset({"text", "link", "image", "images", "reply"}),
    inbox=frozenset({"mention", "comment"}),
    metrics=frozenset({"post", "account"}),
    listen="search",
    limits=DEFAULT_LIMITS,
)
# Statuses per page when ``lookup`` reads the account's statuses (Mastodon's maximum).
LOOKUP_PAGE_SIZE = 40

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# Error classification
# ---------------------------------------------------------------------------------------------
def _not_sent(cause: BaseException | None) -> bool:
    """True when requests failed before any byte of the request left (safe to retry)."""
    if isinstance(cause, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(cause, requests.exceptions.ConnectionError) and cause.args:
        inner = cause.args[0]
        reason = getattr(inner, "reason", inner)
        return isinstance(
            reason,
            urllib3.exceptions.NewConnectionError
            | urllib3.exceptions.ConnectTimeoutError
            | urllib3.exceptions.NameResolutionError,
        )
    return False


def _classify(error: Exception, *, host: str, write: bool, retry_at: float | None) -> NetworkError:
    """Mastodon.py exception → koers error. Messages carry the server's reason, never a token."""
    if isinstance(error, MastodonUnauthorizedError):
        reason = error.args[3] if len(error.args) > 3 and error.args[3] else "unauthorised"
        return AuthError(
            f"Mastodon ({host}) refused the access token: {reason}.", network=NETWORK, status=401
        )
    if isinstance(error, MastodonRatelimitError):
        retry_after = max(retry_at - time.time(), 0.0) if retry_at else None
        return RetryableError(
            f"Mastodon ({host}) rate limit reached.",
            network=NETWORK,
            status=429,
            retry_after=retry_after,
        )
    if isinstance(error, MastodonServerError):
        status = error.args[1] if len(error.args) > 1 else None
        return RetryableError(
            f"Mastodon ({host}) is unavailable (HTTP {status}).", network=NETWORK, status=status
        )
    if isinstance(error, MastodonAPIError):
        status = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None
        reason = error.args[3] if len(error.args) > 3 and error.args[3] else "request refused"
        if status == 403:
            return AuthError(
                f"Mastodon ({host}) forbids this: {reason}.", network=NETWORK, status=status
            )
        if status == 429:
            return RetryableError(
                f"Mastodon ({host}) rate limit reached.", network=NETWORK, status=status
            )
        return PermanentError(
            f"Mastodon ({host}) refused the request: {reason}.", network=NETWORK, status=status
        )
    if isinstance(error, MastodonNetworkError):
        blocked = blocked_cause(error)
        if blocked is not None:  # refused before connecting: nothing was sent
            return OutboundBlockedError(blocked.host, network=NETWORK)
        cause = error.__cause__ or error.__context__
        if write and not _not_sent(cause):
            return UnknownOutcomeError(
                f"No answer from Mastodon ({host}) after sending; the post may exist.",
                network=NETWORK,
            )
        return RetryableError(f"Could not reach Mastodon ({host}).", network=NETWORK)
    raise TypeError(f"not a Mastodon.py error: {type(error).__name__}")  # pragma: no cover


def _aware(value: Any) -> datetime:
    """Mastodon.py gives datetimes (sometimes naive UTC) or ISO strings; koers wants aware UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


class _MastodonBase:
    """Holds the Mastodon.py client and the one place that calls it."""

    network = NETWORK

    def __init__(
        self,
        instance_url: str,
        access_token: str | None,
        *,
        timeout: float = 30.0,
        user_agent: str = "koers",
    ) -> None:
        self.instance_url = instance_url.rstrip("/")
        self._host = urlsplit(self.instance_url).netloc
        # ratelimit_method="throw": a worker must never sleep inside a request for minutes;
        # the retry policy belongs to the caller. version_check_mode="none": no request at
        # construction time (constructing an adapter must not touch the network).
        self._client = Mastodon(
            api_base_url=self.instance_url,
            access_token=access_token,
            request_timeout=timeout,
            ratelimit_method="throw",
            version_check_mode="none",
            user_agent=user_agent,
            # The instance address is typed by users: public addresses only.
            session=guarded_session(),
        )

    def _call(
        self, function: Callable[..., T], *args: Any, write: bool = False, **kwargs: Any
    ) -> T:
        try:
            return function(*args, **kwargs)
        except (MastodonAPIError, MastodonNetworkError, MastodonRatelimitError) as error:
            raise _classify(
                error, host=self._host, write=write, retry_at=self._client.ratelimit_reset
            ) from None  # ``from None``: the chained requests error repeats headers/URLs


# ---------------------------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------------------------
def _media_kinds(mime_type: str) -> frozenset[str]:
    """The attachment ``type`` values Mastodon may give an upload of this MIME type."""
    if mime_type == "image/gif":
        return frozenset({"image", "gifv"})  # Mastodon turns animated GIFs into video
    if mime_type.startswith("image/"):
        return frozenset({"image"})
    if mime_type.startswith("video/"):
        return frozenset({"video", "gifv"})
    if mime_type.startswith("audio/"):
        return frozenset({"audio"})
    return frozenset({"unknown"})


def _same_post(status: Any, post: OutgoingPost) -> bool:
    """Whether ``status`` is what ``post`` would look like once Mastodon stored it."""
    text, _links = html_to_text(status.get("content") or "")
    attachments = status.get("media_attachments") or []
    in_reply_to = status.get("in_reply_to_id")
    return (
        _fingerprint(text) == _fingerprint(post.text)
        and (status.get("spoiler_text") or "") == (post.content_warning or "")
        and (str(in_reply_to) if in_reply_to else None) == (post.in_reply_to or None)
        and len(attachments) == len(post.media)
        and all(
            (attachment.get("type") or "unknown") in _media_kinds(item.mime_type)
            and (attachment.get("description") or "").strip() == item.alt_text.strip()
            for attachment, item in zip(attachments, post.media, strict=True)
        )
    )


def _fingerprint(text: str) -> str:
    """Status text as comparable between what we sent and what Mastodon renders back.

    Mastodon renders ``@user@domain`` as ``@user`` and re-wraps whitespace; both sides are
    reduced the same way.
    """
    reduced = MASTODON_MENTION_RE.sub(lambda m: "@" + m.group("user"), text)
    return " ".join(reduced.split())


class MastodonPublisher(_MastodonBase):
    """Publishes to one Mastodon account (instance URL + access token with write scopes)."""

    def __init__(
        self,
        instance_url: str,
        access_token: str,
        *,
        timeout: float = 30.0,
        media_timeout: float = 120.0,
        media_poll_interval: float = 1.0,
        user_agent: str = "koers",
    ) -> None:
        super().__init__(instance_url, access_token, timeout=timeout, user_agent=user_agent)
        self._media_timeout = media_timeout
        self._media_poll_interval = media_poll_interval
        self._limits: Limits | None = None
        self._account: Any = None

    # -- limits & validation ------------------------------------------------------------------
    def limits(self) -> Limits:
        """The instance's real limits from ``/api/v2/instance`` (cached per adapter)."""
        if self._limits is None:
            self._limits = self._read_limits()
        return self._limits

    def _read_limits(self) -> Limits:
        try:
            configuration = self._call(self._client.instance_v2).get("configuration") or {}
        except PermanentError:
            # Mastodon < 4.0 has no v2 instance endpoint; v1 carries the same configuration.
            configuration = self._call(self._client.instance_v1).get("configuration") or {}
        statuses = configuration.get("statuses") or {}
        media = configuration.get("media_attachments") or {}
        return Limits(
            max_chars=int(statuses.get("max_characters") or DEFAULT_LIMITS.max_chars),
            url_length=int(
                statuses.get("characters_reserved_per_url") or DEFAULT_LIMITS.url_length or 23
            ),
            max_images=int(statuses.get("max_media_attachments") or DEFAULT_LIMITS.max_images),
            max_image_bytes=int(media.get("image_size_limit") or DEFAULT_LIMITS.max_image_bytes),
            counts_graphemes=True,
        )

    def text_length(self, post: OutgoingPost) -> int:
        """Length as the instance counts it: URLs fixed, remote mention domains free, + CW."""
        limits = self.limits()
        length = mastodon_length(post.text, limits.url_length or 23)
        return length + grapheme_count(post.content_warning or "")

    def validate(self, post: OutgoingPost) -> list[Problem]:
        limits = self.limits()
        problems = validate_against_limits(post, limits, self.text_length(post))
        for index, item in enumerate(post.media, start=1):
            if len(item.data) > limits.max_image_bytes:
                problems.append(
                    Problem(
                        "image_too_large",
                        f"Image {index} is {len(item.data)} bytes; this instance accepts "
                        f"{limits.max_image_bytes}.",
                        field="media",
                    )
                )
        return problems

    # -- publish ------------------------------------------------------------------------------
    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        """Upload media (waiting until processed), then post with ``Idempotency-Key``.

        Raises :class:`PermanentError` without any request when ``validate`` finds problems.
        Media uploads that time out are reported as retryable, not unknown: an unattached
        upload is invisible and Mastodon removes it, so uploading again is harmless.
        """
        problems = self.validate(post)
        if problems:
            raise PermanentError(" ".join(p.message for p in problems), network=NETWORK)
        media_ids = [
            self._upload(item.data, item.mime_type, item.alt_text, item.filename)
            for item in post.media
        ]
        status = self._call(
            self._client.status_post,
            post.text,
            in_reply_to_id=post.in_reply_to,
            media_ids=media_ids or None,
            sensitive=bool(post.content_warning),
            visibility=post.visibility,
            spoiler_text=post.content_warning or None,
            language=post.language,
            idempotency_key=idempotency_key,
            write=True,
        )
        return self._result(status)

    def _upload(self, data: bytes, mime_type: str, alt_text: str, filename: str) -> str:
        media = self._call(
            self._client.media_post,
            data,
            mime_type=mime_type,
            description=alt_text or None,
            file_name=filename,
        )
        # Mastodon.py's own synchronous wait sleeps 5 s per poll; we poll at our own pace
        # with a deadline, because a status that references unprocessed media is refused.
        deadline = time.monotonic() + self._media_timeout
        while media.get("url") is None:
            if time.monotonic() > deadline:
                raise RetryableError(
                    "Mastodon is still processing an image; try again later.", network=NETWORK
                )
            time.sleep(self._media_poll_interval)
            media = self._call(self._client.media, media["id"])
        return str(media["id"])

    def _result(self, status: Any) -> PublishResult:
        return PublishResult(
            remote_id=str(status["id"]),
            url=str(status.get("url") or status.get("uri")),
            published_at=_aware(status["created_at"]),
        )

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        """Find the status an earlier ``publish`` of ``post`` created (see module docstring).

        Pages back through the account's statuses (``max_id``) until one is older than
        ``since`` less the clock-skew allowance, however many were posted since. Of the
        statuses that match, the oldest wins (the first attempt's). Raises
        :class:`RetryableError` when :data:`LOOKUP_MAX_PAGES` pages did not reach ``since``.
        """
        not_before = since - LOOKUP_CLOCK_SKEW
        account = self._me()
        max_id: str | None = None
        found: Any = None
        for _page in range(LOOKUP_MAX_PAGES):
            page = self._call(
                self._client.account_statuses,
                account["id"],
                exclude_reblogs=True,
                max_id=max_id,
                limit=LOOKUP_PAGE_SIZE,
            )
            if not page:
                break
            for status in page:  # newest first
                if (
                    _aware(status["created_at"]) >= not_before
                    and str(status["id"]) not in exclude
                    and _same_post(status, post)
                ):
                    found = status
            if min(_aware(s["created_at"]) for s in page) < not_before:
                break
            max_id = str(min(int(s["id"]) for s in page))
        else:
            raise RetryableError(
                f"Mastodon ({self._host}): {LOOKUP_MAX_PAGES * LOOKUP_PAGE_SIZE} newer statuses "
                "were read without reaching the attempt; still checking.",
                network=NETWORK,
            )
        return self._result(found) if found is not None else None

    def resolve_status(self, uri_or_url: str) -> str | None:
        """The id on this instance of a status known by its ActivityPub URI or web URL.

        A status from another server has a different id on every instance that knows it;
        replying needs the id on the account's own instance. ``search`` with ``resolve``
        makes the instance fetch the status from its home server when it hasn't seen it yet.
        ``None`` when the instance can't find it (deleted, private, or the server is gone).
        """
        wanted = uri_or_url.strip()
        if not wanted.startswith(("https://", "http://")):
            raise PermanentError(f"Not a status address: {wanted[:100]!r}.", network=NETWORK)
        # exclude_unreviewed=False: it only filters hashtags, and its default makes Mastodon.py
        # ask the instance's version first (which recurses forever when the instance is down).
        found = self._call(
            self._client.search_v2,
            wanted,
            resolve=True,
            result_type="statuses",
            exclude_unreviewed=False,
            limit=5,
        )
        # Only the status itself counts, never a post that merely contains the address.
        for status in found.get("statuses") or []:
            if wanted in (status.get("uri"), status.get("url")):
                return str(status["id"])
        return None

    def delete(self, remote_id: str) -> None:
        try:
            # write=False: deleting again is harmless, so a timeout is simply retryable.
            self._call(self._client.status_delete, remote_id)
        except PermanentError as error:
            if error.status != 404:
                raise

    # -- metrics & connection -----------------------------------------------------------------
    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        """Favourites → likes, reblogs → reposts, replies; quotes when the instance counts them.

        Mastodon offers no reach or impressions: those stay ``None``.
        """
        metrics: list[PostMetrics] = []
        for remote_id in remote_ids:
            try:
                status = self._call(self._client.status, remote_id)
            except PermanentError as error:
                if error.status == 404:
                    continue  # deleted since; the contract says: left out
                raise
            quotes = status.get("quotes_count")
            metrics.append(
                PostMetrics(
                    remote_id=str(status["id"]),
                    likes=status.get("favourites_count"),
                    reposts=status.get("reblogs_count"),
                    replies=status.get("replies_count"),
                    quotes=int(quotes) if quotes is not None else None,
                )
            )
        return metrics

    def _me(self) -> Any:
        if self._account is None:
            self._account = self._call(self._client.account_verify_credentials)
        return self._account

    def fetch_account_metrics(self) -> AccountMetrics:
        account = self._call(self._client.account_verify_credentials)
        return AccountMetrics(
            followers=account.get("followers_count"),
            following=account.get("following_count"),
            posts=account.get("statuses_count"),
        )

    def check_connection(self) -> ConnectionStatus:
        try:
            account = self._call(self._client.account_verify_credentials)
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        return ConnectionStatus(ok=True, account=f"@{account['acct']}@{self._host}")


# ---------------------------------------------------------------------------------------------
# Listening
# ---------------------------------------------------------------------------------------------
def _attachment_values(status: Any) -> tuple[list[str], list[str]]:
    """(searchable texts, links) beside the body: media descriptions (alt text) and the
    preview card's title and address."""
    texts = [str(m.get("description") or "") for m in status.get("media_attachments") or []]
    links: list[str] = []
    card = status.get("card") or {}
    if card:
        texts.append(str(card.get("title") or ""))
        if card.get("url"):
            links.append(str(card["url"]))
    return [t.strip() for t in texts if t and t.strip()], links


def status_to_incoming(status: Any, instance_host: str) -> IncomingPost:
    """Normalise one Mastodon status (a boost is replaced by the boosted status).

    ``remote_id`` is the status' ActivityPub ``uri``: the same post seen through two instances
    has two local ids but one uri, so the caller's dedupe works across instances. A status
    without text but with media or a preview card is kept: its text is then the media's alt
    text and the card's title; the card's address is always one of its links.
    """
    if status.get("reblog"):
        status = status["reblog"]
    account = status["account"]
    acct = str(account["acct"])
    handle = "@" + (acct if "@" in acct else f"{acct}@{instance_host}")
    text, links = html_to_text(status.get("content") or "")
    extra_texts, extra_links = _attachment_values(status)
    links += [link for link in extra_links if link not in links]
    text = text or "\n".join(extra_texts)
    metrics = PostMetrics(
        remote_id=str(status["uri"]),
        likes=status.get("favourites_count"),
        reposts=status.get("reblogs_count"),
        replies=status.get("replies_count"),
        quotes=status.get("quotes_count"),
    )
    return IncomingPost(
        network=NETWORK,
        remote_id=str(status["uri"]),
        url=str(status.get("url") or status["uri"]),
        author_handle=handle,
        author_name=str(account.get("display_name") or account.get("username") or ""),
        text=text,
        lang=status.get("language"),
        created_at=_aware(status["created_at"]),
        links=tuple(links),
        hashtags=tuple(str(tag["name"]).lower() for tag in status.get("tags") or []),
        mentions=tuple("@" + str(m["acct"]) for m in status.get("mentions") or []),
        reply_to=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
        metrics=metrics,
    )


class MastodonSource(_MastodonBase):
    """Polls one Mastodon feed: a hashtag timeline, the public timeline, or a search.

    Exactly one of ``hashtag``, ``public=True`` or ``query`` is given. The cursor is the
    highest local status id seen (store it, pass it back). Pages are walked forward from the
    cursor with ``min_id``, not ``since_id``: ``since_id`` returns only the newest page and
    silently skips the middle when more than one page arrived between two polls.
    """

    def __init__(
        self,
        instance_url: str,
        access_token: str | None = None,
        *,
        hashtag: str | None = None,
        public: bool = False,
        local: bool = False,
        query: str | None = None,
        page_size: int = 40,
        max_pages: int = 10,
        timeout: float = 20.0,
    ) -> None:
        if sum((hashtag is not None, public, query is not None)) != 1:
            raise ValueError("Give exactly one of hashtag, public=True or query.")
        super().__init__(instance_url, access_token, timeout=timeout)
        self.hashtag = hashtag.lstrip("#") if hashtag else None
        self.public = public
        self.local = local
        self.query = query
        self.page_size = page_size
        self.max_pages = max_pages

    def _fetch(self, min_id: str | None) -> list[Any]:
        if self.hashtag is not None:
            return list(
                self._call(
                    self._client.timeline_hashtag,
                    self.hashtag,
                    local=self.local,
                    min_id=min_id,
                    limit=self.page_size,
                )
            )
        if self.public:
            return list(
                self._call(
                    self._client.timeline_public,
                    local=self.local,
                    min_id=min_id,
                    limit=self.page_size,
                )
            )
        result = self._call(
            self._client.search_v2,
            self.query,
            resolve=False,
            result_type="statuses",
            # As in resolve_status: the default makes Mastodon.py ask the instance's version
            # first, which recurses forever when the instance can't be reached.
            exclude_unreviewed=False,
            min_id=min_id,
            limit=self.page_size,
        )
        return list(result.get("statuses") or [])

    def poll(self, cursor: str | None = None) -> Batch:
        """New posts since ``cursor``, oldest first; ``Batch.cursor`` is the next cursor.

        Without a cursor only the newest page is returned (a new source does not backfill).
        """
        collected: dict[int, Any] = {}
        min_id = cursor
        for _page in range(self.max_pages):
            page = self._fetch(min_id)
            for status in page:
                collected[int(status["id"])] = status
            if cursor is None or len(page) < self.page_size or not page:
                break
            min_id = str(max(int(s["id"]) for s in page))
        ordered = [collected[i] for i in sorted(collected)]
        next_cursor = str(max(collected)) if collected else cursor
        posts = tuple(status_to_incoming(s, self._host) for s in ordered)
        return Batch(posts=posts, cursor=next_cursor)


# ---------------------------------------------------------------------------------------------
# Listening: streaming (push)
# ---------------------------------------------------------------------------------------------
class _Listener(StreamListener):
    """Mastodon.py callback object → ``on_post(IncomingPost)``; remembers the last failure."""

    def __init__(self, on_post: Callable[[IncomingPost], None], host: str) -> None:
        super().__init__()
        self._on_post = on_post
        self._host = host
        self.last_error = ""
        self.stopped = False

    def on_update(self, status: Any) -> None:
        if not self.stopped:
            self._on_post(status_to_incoming(status, self._host))

    def handle_heartbeat(self) -> None:
        # The way out of Mastodon.py's blocking read loop: closing the connection from
        # another thread blocks until the read returns, so the stream thread ends itself at
        # the next heartbeat (Mastodon sends one every 15 s) with an error the handle treats
        # as "closed".
        if self.stopped:
            raise MastodonNetworkError("Stream closed by koers.")

    def on_abort(self, err: Exception) -> None:
        # Mastodon.py reconnects by itself; keep the reason for the channel's health view.
        self.last_error = str(err)
        logger.info("Mastodon stream interrupted on %s: %s", self._host, type(err).__name__)

    def on_unknown_event(self, name: str, unknown_event: Any = None) -> None:
        return  # new event types from a newer Mastodon must not break the stream


class StreamHandle:
    """A running stream: :meth:`close` stops it; ``last_error`` explains the last break."""

    def __init__(self, handle: Any, listener: _Listener) -> None:
        self._handle = handle
        self._listener = listener

    @property
    def last_error(self) -> str:
        return self._listener.last_error

    def is_alive(self) -> bool:
        return bool(self._handle.is_alive())

    def close(self) -> None:
        """Stop without blocking; the stream thread exits at its next heartbeat or event."""
        self._listener.stopped = True
        self._handle.closed = True  # Mastodon.py's flag: do not reconnect


class MastodonStream(_MastodonBase):
    """Low-latency push of new public statuses (a hashtag, or the public timeline).

    Mastodon's streaming API does not replay what was posted while disconnected, so a stream
    alone can have gaps. Use it next to :class:`MastodonSource`: poll from the stored cursor
    after :meth:`start` and every few minutes; the caller's dedupe by ``remote_id`` merges
    both. Mastodon.py runs the stream in its own thread and reconnects every
    ``reconnect_wait`` seconds after a break.
    """

    def __init__(
        self,
        instance_url: str,
        access_token: str | None = None,
        *,
        hashtag: str | None = None,
        public: bool = False,
        local: bool = False,
        reconnect_wait: float = 5.0,
        timeout: float = 20.0,
        silence_timeout: float = 60.0,
    ) -> None:
        if (hashtag is not None) == public:
            raise ValueError("Give exactly one of hashtag or public=True.")
        super().__init__(instance_url, access_token, timeout=timeout)
        self.hashtag = hashtag.lstrip("#") if hashtag else None
        self.local = local
        self.reconnect_wait = reconnect_wait
        # No byte (not even a heartbeat) for this long = a dead connection: reconnect.
        self.silence_timeout = silence_timeout

    def start(self, on_post: Callable[[IncomingPost], None]) -> StreamHandle:
        """Start streaming in a background thread; ``on_post`` runs in that thread."""
        listener = _Listener(on_post, self._host)
        stream: Callable[..., Any] = self._client.stream_public
        args: tuple[object, ...] = (listener,)
        if self.hashtag is not None:
            stream, args = self._client.stream_hashtag, (self.hashtag, listener)
        handle = self._call(
            stream,
            *args,
            local=self.local,
            run_async=True,
            reconnect_async=True,
            reconnect_async_wait_sec=self.reconnect_wait,
        )
        return StreamHandle(handle, listener)
