"""The one protocol every network adapter speaks, and the typed values it speaks in.

Nothing outside ``koers.networks`` knows a wire format: publishing, listening and measurement
only see the frozen dataclasses and the four error classes defined here. This module imports no
Django and no client library, so it is cheap to import anywhere.

Error contract (what a caller does with each):

* :class:`RetryableError` — nothing was created; try again later (``retry_after`` seconds if the
  network said so). 5xx, 429, connection refused.
* :class:`PermanentError` — the network refused this post as it is (validation, 4xx). Retrying
  the same post will fail the same way; show ``message`` to the user.
* :class:`AuthError` — the channel is broken (token expired, revoked, wrong password). Stop using
  the channel until someone reconnects it; ``message`` carries the network's reason.
* :class:`UnknownOutcomeError` — the request was sent but no answer came back (read timeout), so
  the post may or may not exist. Call :meth:`Publisher.lookup` with the same idempotency key
  before anything else; never re-publish blindly. A :class:`RetryableError` with a 5xx
  ``status`` on a write is just as uncertain (a proxy can answer 503 after the network
  created the post); a careful caller looks up before sending again.

Every message is safe to show and to log: adapters never put tokens, passwords or session
strings in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol, runtime_checkable

Visibility = Literal["public", "unlisted", "private", "direct"]

#: How much earlier than the caller's ``since`` a post found by ``lookup`` may be dated: the
#: network's clock and ours differ a little.
LOOKUP_CLOCK_SKEW = timedelta(minutes=2)
#: How many pages of the account's posts ``lookup`` reads at most before it gives up with
#: "still unknown" (Mastodon: 40 a page → 2,000 posts since the attempt).
LOOKUP_MAX_PAGES = 50


# ---------------------------------------------------------------------------------------------
# OAuth 2.0 tokens
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Tokens:
    """An OAuth 2.0 access token with its refresh token, expiry and granted scopes (X, Google:
    each adapter renews them its own way; ``koers.publishing.tokens`` stores them)."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    scopes: tuple[str, ...] = ()

    def __repr__(self) -> str:  # never print tokens
        return f"Tokens(expires_at={self.expires_at!r}, scopes={self.scopes!r})"

    @classmethod
    def from_answer(cls, body: dict[str, Any], now: float) -> Tokens:
        """From a token endpoint's answer (RFC 6749 §5.1) that carries an ``access_token``;
        ``expires_in`` counts from ``now`` (a Unix time)."""
        expires_in = body.get("expires_in")
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
            expires_at=(
                datetime.fromtimestamp(now + float(expires_in), UTC)
                if expires_in is not None
                else None
            ),
            scopes=tuple(str(body.get("scope") or "").split()),
        )


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
class NetworkError(Exception):
    """Base of every classified failure raised by an adapter; ``str(error)`` is safe to show."""

    def __init__(self, message: str, *, network: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.network = network
        self.status = status


class RetryableError(NetworkError):
    """Nothing was created; the same call may succeed later (5xx, 429, connection refused)."""

    def __init__(
        self,
        message: str,
        *,
        network: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, network=network, status=status)
        #: Seconds the network asked us to wait, when it said so; ``None`` = use your own backoff.
        self.retry_after = retry_after


class PermanentError(NetworkError):
    """The network refused the request as it is (validation); retrying cannot help."""


class AuthError(NetworkError):
    """Credentials are expired, revoked or wrong: the channel needs to be reconnected."""


class UnknownOutcomeError(NetworkError):
    """The request was sent but its outcome is unknown (timeout); resolve with ``lookup``."""


# ---------------------------------------------------------------------------------------------
# Publishing values
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MediaItem:
    """One image (or video) to attach. ``alt_text`` is required by koers' policy, empty only
    on purpose. ``url``: where the network can fetch the file itself, for networks that take
    media by address instead of an upload (Instagram, Threads); empty = upload ``data``."""

    data: bytes
    mime_type: str
    alt_text: str
    filename: str = "image"
    url: str = ""

    @property
    def is_video(self) -> bool:
        return self.mime_type.startswith("video/")

    def __repr__(self) -> str:  # the bytes would flood logs and test output
        return f"MediaItem({self.filename!r}, {self.mime_type}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    """A post as koers wants it published on one network (text already tailored per network).

    ``link_card_url``: on networks that render cards from an explicit embed (Bluesky), the page
    to build the card from; ``None`` = the first link in the text, if any.
    ``in_reply_to``: a remote id returned by the same adapter (reply), or ``None``.
    ``quote_of``: a remote id of a post to quote, on networks with ``"quote"``; else ``None``.
    """

    text: str
    media: tuple[MediaItem, ...] = ()
    language: str | None = None
    content_warning: str | None = None
    visibility: Visibility = "public"
    link_card_url: str | None = None
    in_reply_to: str | None = None
    quote_of: str | None = None
    #: A comment placed under the post right after it (networks with ``first_comment``).
    first_comment: str | None = None
    #: A video's own title, keywords and publish time (YouTube); ``None``/empty elsewhere.
    #: With ``publish_at`` the video goes up private and the network makes it public then.
    title: str | None = None
    tags: tuple[str, ...] = ()
    publish_at: datetime | None = None
    #: Where a multi-step publish (Instagram: container, then publish) keeps its progress
    #: across tries and crashes; ``None`` = the adapter starts from scratch every time.
    checkpoint: Checkpoint | None = field(default=None, compare=False, repr=False)


class Checkpoint(Protocol):
    """Progress of one delivery that survives a crash (the caller stores it durably).

    ``data`` is what was saved by the last try; ``save`` replaces it (before the next
    request goes out, so a crash after that request can resume instead of starting over).
    """

    @property
    def data(self) -> dict[str, str]: ...

    def save(self, data: dict[str, str]) -> None: ...


@dataclass(frozen=True, slots=True)
class PublishResult:
    """Where the post lives now. ``remote_id`` is what ``delete``/``fetch_post_metrics`` take."""

    remote_id: str
    url: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class PostMetrics:
    """Counts for one post. ``None`` means the network does not offer the number — never 0."""

    remote_id: str
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    quotes: int | None = None
    reach: int | None = None
    impressions: int | None = None


@dataclass(frozen=True, slots=True)
class AccountMetrics:
    """Counts for the connected account; ``None`` = not offered by the network."""

    followers: int | None
    following: int | None
    posts: int | None


@dataclass(frozen=True, slots=True)
class Limits:
    """What one network accepts.

    ``url_length``: every URL counts as this many characters (Mastodon: 23), ``None`` = URLs
    count as their own length. ``counts_graphemes``: lengths are grapheme clusters (what a
    reader sees as one character: "é", "👍🏽"), not code points.
    """

    max_chars: int
    url_length: int | None
    max_images: int
    max_image_bytes: int
    counts_graphemes: bool = True
    #: Videos per post (0 = the network takes no video from koers), their size and length.
    max_videos: int = 0
    max_video_bytes: int | None = None
    max_video_seconds: int | None = None
    #: Hashtags per post (Instagram: 30), ``None`` = no limit.
    max_hashtags: int | None = None
    #: Images a carousel needs at least (Instagram: 2); 0 = no carousels.
    min_carousel_items: int = 0
    #: Width ÷ height the network accepts for images, ``None`` = any.
    min_aspect_ratio: float | None = None
    max_aspect_ratio: float | None = None
    #: MIME types accepted for media; empty = any image (and video when ``max_videos``).
    media_types: tuple[str, ...] = ()
    #: Characters of a first comment, where the network has comments.
    max_comment_chars: int | None = None
    #: A video's own title, description and keywords (YouTube): the title's characters, the
    #: description's UTF-8 bytes, the tags' characters together, characters refused in both.
    max_title_chars: int | None = None
    max_description_bytes: int | None = None
    max_tags_chars: int | None = None
    forbidden_chars: str = ""


#: What can be published through an adapter (``Capabilities.publish``).
PUBLISH_KINDS = (
    "text",  # a post with only text
    "link",  # a link with its preview card
    "image",  # one image
    "images",  # several images in one post (an album)
    "carousel",  # a swipeable set of images/videos (Instagram, Threads, LinkedIn documents)
    "video",
    "reel",  # a short vertical video (Instagram reels)
    "document",  # a PDF shown page by page (LinkedIn)
    "thread",  # a sequence of posts, each replying to the one before
    "first_comment",  # a comment under the post, placed right after it
    "reply",
    "quote",
)
#: A video's own details a network takes (``Capabilities.video_options``): its title, tags,
#: privacy (public, unlisted, private) and a time the network itself makes it public.
VIDEO_OPTIONS = ("title", "tags", "privacy", "publish_at")
#: What an adapter brings into the inbox (``Capabilities.inbox``).
INBOX_KINDS = ("comment", "mention", "direct_message")
#: What an adapter can measure (``Capabilities.metrics``).
METRIC_KINDS = ("post", "account", "reach", "impressions", "video_views")
#: How an adapter can listen (``Capabilities.listen``).
LISTEN_KINDS = ("search", "stream", "hashtag", "feed", "none")


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What one network's adapter can do; the one place the UI and the rules ask.

    Each adapter module declares ``CAPABILITIES`` (see :mod:`koers.networks.catalog`). The
    calendar offers, the policy checks, the inbox and Measure show only what a channel's
    network declares here. ``limits`` are the network's own defaults (an instance may announce
    its own, as Mastodon does). ``not_allowed`` lists, in plain English msgids, what the network
    does not allow, so the UI can say it before anything fails.
    """

    network: str
    label: str
    publish: frozenset[str]
    inbox: frozenset[str]
    metrics: frozenset[str]
    listen: str
    limits: Limits
    #: The network fetches media from a public URL (Instagram, Threads) instead of an upload.
    needs_public_media_url: bool = False
    #: OAuth provider whose developer app the installation registers ("meta", "x", …), or "".
    provider: str = ""
    not_allowed: tuple[str, ...] = ()
    #: Posts a month per access level (X: Free, Basic, Pro), in the order the network sells
    #: them; the first is the default. Empty = the network sets no monthly cap.
    post_caps: tuple[tuple[str, int], ...] = ()
    #: Why koers can't listen on this network (``listen == "none"``), a plain English msgid
    #: the sources page shows as "this network is not searchable"; "" = no reason given.
    listen_note: str = ""
    #: Which of ``VIDEO_OPTIONS`` the network takes with a video; the item form offers those.
    video_options: frozenset[str] = frozenset()

    def can_publish(self, kind: str) -> bool:
        return kind in self.publish

    def post_cap(self, access_level: str = "") -> int | None:
        """Posts a month allowed at ``access_level`` (the lowest level when unknown)."""
        caps = dict(self.post_caps)
        if access_level in caps:
            return caps[access_level]
        return self.post_caps[0][1] if self.post_caps else None


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a post can't be published as it is; ``code`` is stable, ``message`` is shown."""

    code: str
    message: str
    field: str = "text"


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    """Result of :meth:`Publisher.check_connection`; ``reason`` is empty when ``ok``."""

    ok: bool
    account: str = ""
    reason: str = ""
    #: The account's permanent id where mentions name it by id (Bluesky: the DID).
    account_id: str = ""


# ---------------------------------------------------------------------------------------------
# Listening values
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IncomingPost:
    """A post (or feed entry, or imported row) normalised for the listening pipeline.

    ``remote_id`` is unique per ``network`` and is what the caller dedupes on. ``text`` is plain
    text (HTML already converted). ``created_at`` is timezone-aware UTC.
    """

    network: str
    remote_id: str
    url: str
    author_handle: str
    author_name: str
    text: str
    lang: str | None
    created_at: datetime
    links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    reply_to: str | None = None
    metrics: PostMetrics | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """One poll's worth of posts plus the cursor to pass to the next poll (caller stores it)."""

    posts: tuple[IncomingPost, ...]
    cursor: str | None
    extra: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Protocols
# ---------------------------------------------------------------------------------------------
@runtime_checkable
class Publisher(Protocol):
    """Write side of a network. Every method raises only the :class:`NetworkError` subclasses."""

    network: str

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        """Create the post. Calling again with the same key must not create a second post."""
        ...

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        """Find the post an earlier ``publish`` with this key created, without creating one.

        ``post`` is what that attempt sent. ``since`` is when the first attempt that may have
        sent it started (the caller's stored time, not this process's memory): a post created
        before it (less a small clock-skew allowance) is never the one. ``exclude`` holds the
        remote ids the caller already recorded for other posts on this account: never
        answered, however alike they look. Adapters that can find a post by key (Bluesky's
        record key) do so first; the others compare content (text, content warning, media
        count/kind/alt text, reply target) of the account's posts back to ``since``.

        ``None`` = no such post: publishing again with the same key is safe. When the adapter
        could not look back as far as ``since`` (too many newer posts), it raises
        :class:`RetryableError` — the outcome is still unknown, never "not found".
        """
        ...

    def delete(self, remote_id: str) -> None:
        """Delete the post; deleting one that is already gone is not an error."""
        ...

    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        """Counts for the given posts; posts that no longer exist are left out."""
        ...

    def fetch_account_metrics(self) -> AccountMetrics: ...

    def limits(self) -> Limits: ...

    def validate(self, post: OutgoingPost) -> list[Problem]:
        """Problems that would make ``publish`` fail; empty list = publishable."""
        ...

    def check_connection(self) -> ConnectionStatus:
        """Never raises for auth or network trouble: reports it in ``reason`` instead."""
        ...


@runtime_checkable
class PollingSource(Protocol):
    """Read side that is polled: give the cursor from the last batch, get what is new."""

    network: str

    def poll(self, cursor: str | None = None) -> Batch: ...


def validate_against_limits(post: OutgoingPost, limits: Limits, length: int) -> list[Problem]:
    """The checks every network shares, given the text length as that network counts it."""
    problems: list[Problem] = []
    if not post.text.strip() and not post.media:
        problems.append(Problem("empty", "The post has no text and no images."))
    if length > limits.max_chars:
        problems.append(
            Problem(
                "too_long",
                f"The text is {length} characters; this network allows {limits.max_chars}.",
            )
        )
    if len(post.media) > limits.max_images:
        problems.append(
            Problem(
                "too_many_images",
                f"{len(post.media)} images; this network allows {limits.max_images}.",
                field="media",
            )
        )
    for index, item in enumerate(post.media, start=1):
        if item.is_video and limits.max_videos:
            continue
        if not item.mime_type.startswith("image/"):
            problems.append(
                Problem("not_an_image", f"Attachment {index} is not an image.", field="media")
            )
    return problems
