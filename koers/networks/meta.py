"""The Meta family: Facebook Pages, Instagram professional accounts and Threads (Graph API).

No Django here: the wire format, the error mapping, the token exchange and one publisher per
network. The Django side (the connect flow, signed media addresses) lives in
:mod:`koers.publishing.meta`.

Versions: the Facebook/Instagram Graph API is spoken at :data:`GRAPH_VERSION`, the Threads API
at :data:`THREADS_VERSION`; both are pinned here and nowhere else.

Idempotency (the Graph API has no idempotency key):

* Facebook: ``publish`` is one ``POST /{page}/feed`` (photos are uploaded unpublished first, so
  they never show on their own). ``lookup`` pages back through ``/{page}/published_posts``
  (cursor paging) to the attempt's start and matches the message, like Mastodon's lookup.
* Instagram and Threads publish in two steps: a *container* (invisible, expires after 24 h),
  then ``media_publish``/``threads_publish``. The container id is saved in the post's
  :class:`~koers.networks.base.Checkpoint` before it is polled or published, so a retry after
  a crash or a dropped answer publishes that same container (publishing a container twice is
  refused by Meta) or, when the lookup finds the post, nothing at all. A lost answer to the
  publish call is an unknown outcome: the caller looks up the account's media by caption.
* ``content_publishing_limit`` (Instagram: 100 posts per 24 h, a carousel counts as one) is
  read before publishing; at the limit the try is retryable (nothing is created) instead of
  spending a failed call.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    LOOKUP_MAX_PAGES,
    AccountMetrics,
    AuthError,
    Capabilities,
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
    validate_against_limits,
)
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client
from koers.networks.text import find_hashtags, grapheme_count

logger = logging.getLogger(__name__)

#: Query parameters whose values never reach a log line (Meta's token endpoints take them in
#: the address, as documented, and httpx logs every address at INFO).
SECRET_PARAMS = re.compile(
    r"((?:access_token|client_secret|fb_exchange_token|code|input_token)=)[^&\s\"]+"
)


class _RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                SECRET_PARAMS.sub(r"\1[hidden]", str(a)) if "=" in str(a) else a
                for a in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_RedactSecrets())

#: The Graph API version every Facebook and Instagram call uses.
GRAPH_VERSION = "v23.0"
#: The Threads API version.
THREADS_VERSION = "v1.0"


@dataclass(frozen=True, slots=True)
class MetaHosts:
    """Where Meta's endpoints are; all four point at one fake server in tests and demos."""

    graph: str = "https://graph.facebook.com"
    dialog: str = "https://www.facebook.com"
    threads_graph: str = "https://graph.threads.net"
    threads_dialog: str = "https://threads.net"

    @classmethod
    def single(cls, url: str) -> MetaHosts:
        url = url.rstrip("/")
        return cls(graph=url, dialog=url, threads_graph=url, threads_dialog=url)


# ---------------------------------------------------------------------------------------------
# Capabilities
# ---------------------------------------------------------------------------------------------
FACEBOOK_LIMITS = Limits(
    max_chars=63_206,
    url_length=None,
    max_images=10,
    max_image_bytes=10 * 1024 * 1024,
    max_videos=1,
    max_video_bytes=1024 * 1024 * 1024,
    max_video_seconds=240 * 60,
    media_types=("image/jpeg", "image/png", "image/gif", "video/mp4", "video/quicktime"),
    max_comment_chars=8000,
)
INSTAGRAM_LIMITS = Limits(
    max_chars=2200,
    url_length=None,
    max_images=10,
    max_image_bytes=8 * 1024 * 1024,
    max_videos=1,
    max_video_bytes=1024 * 1024 * 1024,
    max_video_seconds=15 * 60,
    max_hashtags=30,
    min_carousel_items=2,
    min_aspect_ratio=4 / 5,
    max_aspect_ratio=1.91,
    media_types=("image/jpeg", "video/mp4", "video/quicktime"),
    max_comment_chars=2200,
)
THREADS_LIMITS = Limits(
    max_chars=500,
    url_length=None,
    max_images=20,
    max_image_bytes=8 * 1024 * 1024,
    max_videos=1,
    max_video_bytes=1024 * 1024 * 1024,
    max_video_seconds=5 * 60,
    min_carousel_items=2,
    media_types=("image/jpeg", "image/png", "video/mp4", "video/quicktime"),
    max_comment_chars=500,
)
CAPABILITIES_BY_NETWORK: dict[str, Capabilities] = {
    "facebook": Capabilities(
        network="facebook",
        label="Facebook",
        publish=frozenset({"text", "link", "image", "images", "video", "first_comment"}),
        inbox=frozenset({"comment", "direct_message"}),
        metrics=frozenset({"post", "account", "reach", "impressions"}),
        listen="none",
        limits=FACEBOOK_LIMITS,
        provider="meta",
        listen_note=(
            "Meta offers no public search of Facebook posts; koers reads the posts your Page "
            "is tagged in and the comments on its posts."
        ),
    ),
    "instagram": Capabilities(
        network="instagram",
        label="Instagram",
        publish=frozenset({"image", "carousel", "reel", "first_comment"}),
        inbox=frozenset({"comment", "mention", "direct_message"}),
        metrics=frozenset({"post", "account", "reach", "impressions", "video_views"}),
        # Hashtag search (recent and top media; 30 unique hashtags per account per 7 days)
        # and the posts the account is tagged in: koers.networks.meta_listen.
        listen="hashtag",
        limits=INSTAGRAM_LIMITS,
        needs_public_media_url=True,
        provider="meta",
        not_allowed=("An Instagram post needs an image or a video.",),
    ),
    "threads": Capabilities(
        network="threads",
        label="Threads",
        publish=frozenset({"text", "link", "image", "carousel", "first_comment"}),
        inbox=frozenset(),
        metrics=frozenset({"post", "account", "impressions"}),
        listen="none",
        limits=THREADS_LIMITS,
        needs_public_media_url=True,
        provider="meta",
        listen_note=(
            "Threads keyword search needs Meta's approval of the threads_keyword_search "
            "permission; without it only your own posts can be searched, so koers does not "
            "search Threads."
        ),
    ),
}


# ---------------------------------------------------------------------------------------------
# Errors: Meta's code/subcode → koers' error classes with a fixed English sentence
# ---------------------------------------------------------------------------------------------
#: Sentences (translated for display by koers.core.neterrors); ``{label}`` is the network.
SENTENCES = {
    "expired": "the access has expired; reconnect the account",
    "password": "the password changed; reconnect the account",
    "token": "the access was revoked; reconnect the account",
    "permission": "a permission is missing; reconnect and allow it",
    "ratelimit": "too many requests; koers tries again later",
    "blocked": "Meta blocked this for a policy reason",
    "invalid": "Meta refused a value in the post",
    "carousel": "Meta refused the carousel (2 to 10 items)",
    "media_fetch": "Meta could not fetch the media from koers",
    "publish_limit": "the daily publishing limit is reached",
    "processing": "Meta could not process the video",
    "unavailable": "Meta is unavailable",
    "refused": "Meta refused the request",
    "window": "the 24-hour window to answer this person has passed",
    "unknown_object": "Meta knows no object with this id, or the token may not see it",
    "hashtag_limit": "30 hashtags were searched in the last 7 days, Meta's limit; koers tries "
    "again when one frees up",
}
#: Send API subcodes for "sent outside of allowed window" (Messenger, Instagram).
_WINDOW_SUBCODES = {2018278, 2534022}
_RATE_CODES = {4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008, 80014}
#: Instagram hashtag search past 30 unique hashtags in 7 days. Meta's error table does not
#: list it; reported answers are code 24 with subcode 2207034 and a message about hashtags.
HASHTAG_LIMIT_SUBCODE = 2207034
#: How long a source waits after the hashtag limit (the oldest query leaves the 7-day window).
HASHTAG_LIMIT_WAIT = 24 * 3600.0


def _sentence(label: str, key: str, code: object, subcode: object = None) -> str:
    numbers = f"{code}/{subcode}" if subcode else f"{code}"
    return f"{label}: {SENTENCES[key]} (Meta error {numbers})."


def _retry_after(headers: httpx.Headers) -> float | None:
    """Minutes until access returns, from ``X-Business-Use-Case-Usage`` (or Retry-After)."""
    if headers.get("retry-after", "").isdigit():
        return float(headers["retry-after"])
    raw = headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
        minutes = max(
            int(entry.get("estimated_time_to_regain_access") or 0)
            for entries in usage.values()
            for entry in entries
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return float(minutes * 60) if minutes else None


def classify(
    status: int, body: Any, headers: httpx.Headers, *, label: str, write: bool = False
) -> NetworkError:
    """A Graph API error answer → koers' error (safe to show: Meta's words never include
    tokens; the fbtrace_id is kept for support)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        if status == 429:
            return RetryableError(
                _sentence(label, "ratelimit", status),
                network=label.lower(),
                status=status,
                retry_after=_retry_after(headers),
            )
        if status >= 500:
            return RetryableError(
                _sentence(label, "unavailable", status), network=label.lower(), status=status
            )
        return PermanentError(
            _sentence(label, "refused", status), network=label.lower(), status=status
        )
    code = error.get("code")
    subcode = error.get("error_subcode")
    network = label.lower()
    if error.get("fbtrace_id"):
        logger.info("Meta error %s/%s fbtrace_id=%s", code, subcode, error.get("fbtrace_id"))
    if code == 190 or error.get("type") == "OAuthException" and code in (102, 2500):
        key = {463: "expired", 460: "password"}.get(int(subcode or 0), "token")
        return AuthError(_sentence(label, key, code, subcode), network=network, status=status)
    if code == 10 and subcode in _WINDOW_SUBCODES:
        # Not a missing permission: the person's last message is too old (nothing to fix).
        return PermanentError(_sentence(label, "window", code, subcode), network=network)
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return AuthError(
            _sentence(label, "permission", code, subcode), network=network, status=status
        )
    if code in _RATE_CODES or status == 429:
        return RetryableError(
            _sentence(label, "ratelimit", code, subcode),
            network=network,
            status=status,
            retry_after=_retry_after(headers),
        )
    if code == 9 and subcode == 2207042:  # Instagram: content publishing limit reached
        return RetryableError(
            _sentence(label, "publish_limit", code, subcode),
            network=network,
            status=status,
            retry_after=3600.0,
        )
    if code == 368:
        return PermanentError(_sentence(label, "blocked", code, subcode), network=network)
    words = f"{error.get('message', '')} {error.get('error_user_title', '')}".casefold()
    if subcode == HASHTAG_LIMIT_SUBCODE or (code == 24 and "hashtag" in words):
        return RetryableError(
            _sentence(label, "hashtag_limit", code, subcode),
            network=network,
            status=status,
            retry_after=HASHTAG_LIMIT_WAIT,
        )
    if code == 24:
        return PermanentError(_sentence(label, "carousel", code, subcode), network=network)
    if code == 9004 or subcode in (2207052, 2207003):
        return PermanentError(_sentence(label, "media_fetch", code, subcode), network=network)
    if code in (1, 2) or status >= 500:
        # "An unknown error occurred" / "service temporarily unavailable": nothing to fix.
        return RetryableError(
            _sentence(label, "unavailable", code, subcode), network=network, status=status
        )
    if code == 100 and subcode == 33:
        return PermanentError(_sentence(label, "unknown_object", code, subcode), network=network)
    if code == 100:
        return PermanentError(_sentence(label, "invalid", code, subcode), network=network)
    return PermanentError(_sentence(label, "refused", code, subcode), network=network)


# ---------------------------------------------------------------------------------------------
# The HTTP client
# ---------------------------------------------------------------------------------------------
class GraphClient:
    """One access token against one Graph host; every call goes through :meth:`call`."""

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        version: str = GRAPH_VERSION,
        label: str = "Facebook",
        timeout: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.version = version
        self.label = label
        self._token = access_token
        self._client = client or http_client(timeout=timeout)
        #: The last ``X-App-Usage`` / ``X-Business-Use-Case-Usage`` headers (for diagnostics).
        self.usage: dict[str, str] = {}

    def url(self, path: str) -> str:
        version = f"/{self.version}" if self.version else ""
        return f"{self.base_url}{version}/{path.lstrip('/')}"

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        write: bool = False,
        token: bool = True,
    ) -> Any:
        """The decoded JSON answer, or one of koers' errors.

        ``write``: a lost answer means the outcome is unknown (the post may exist).
        """
        # The token goes in a header, never in the address: httpx logs addresses.
        headers = {"Authorization": f"Bearer {self._token}"} if token else {}
        try:
            response = self._client.request(
                method, self.url(path), params=params, data=data, files=files, headers=headers
            )
        except BlockedAddressError as error:
            raise OutboundBlockedError(error.host, network=self.label.lower()) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise RetryableError(
                _sentence(self.label, "unavailable", "connect"), network=self.label.lower()
            ) from None
        except httpx.HTTPError:
            # ``from None``: httpx's message carries the URL, and the URL the access token.
            if write:
                raise UnknownOutcomeError(
                    f"No answer from {self.label} after sending; the post may exist.",
                    network=self.label.lower(),
                ) from None
            raise RetryableError(
                _sentence(self.label, "unavailable", "timeout"), network=self.label.lower()
            ) from None
        for name in ("x-app-usage", "x-business-use-case-usage"):
            if name in response.headers:
                self.usage[name] = response.headers[name]
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or (isinstance(body, dict) and "error" in body):
            if write and response.status_code >= 500 and not isinstance(body, dict):
                raise UnknownOutcomeError(
                    f"No answer from {self.label} after sending; the post may exist.",
                    network=self.label.lower(),
                    status=response.status_code,
                )
            raise classify(response.status_code, body, response.headers, label=self.label)
        return body

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params=params)

    def post(self, path: str, *, write: bool = False, **data: Any) -> Any:
        return self.call("POST", path, data=data, write=write)

    def pages(
        self, path: str, *, max_pages: int = LOOKUP_MAX_PAGES, **params: Any
    ) -> Iterator[list[dict[str, Any]]]:
        """Each page of an edge's ``data``, following ``paging.cursors.after`` while
        ``paging.next`` says there is more."""
        after: str | None = None
        for _page in range(max_pages):
            query = dict(params)
            if after:
                query["after"] = after
            body = self.get(path, **query) or {}
            yield list(body.get("data") or [])
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
        raise RetryableError(
            f"{self.label}: {max_pages} pages were read without reaching the attempt; "
            "still checking.",
            network=self.label.lower(),
        )


def _when(value: str | None) -> datetime:
    """Graph timestamps: ``2024-05-01T10:00:00+0000``."""
    if not value:
        return datetime.now(UTC)
    text = str(value)
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _fingerprint(text: str | None) -> str:
    return " ".join((text or "").split())


def find_by_text(
    pages: Iterable[list[dict[str, Any]]],
    text: str,
    *,
    since: datetime,
    exclude: frozenset[str] = frozenset(),
    text_field: str,
    time_field: str,
    url_field: str = "",
    newest_first: bool = False,
    accept: Callable[[dict[str, Any]], bool] | None = None,
) -> PublishResult | None:
    """Every Meta lookup (posts, media, Threads, comment replies, sent messages): the first
    entry made since the attempt (less the clock-skew allowance), not among the ids the caller
    recorded already, whose text matches ``text`` (whitespace-insensitive) and that ``accept``
    takes. ``newest_first``: the edge pages newest first, so paging stops at the first page
    that reaches back before the attempt (the generator is not read further)."""
    not_before = since - LOOKUP_CLOCK_SKEW
    wanted = _fingerprint(text)
    for page in pages:
        for entry in page:
            created = _when(entry.get(time_field))
            if (
                created >= not_before
                and str(entry.get("id")) not in exclude
                and _fingerprint(entry.get(text_field)) == wanted
                and (accept is None or accept(entry))
            ):
                return PublishResult(
                    remote_id=str(entry["id"]),
                    url=str(entry.get(url_field) or "") if url_field else "",
                    published_at=created,
                )
        if newest_first and page and min(_when(e.get(time_field)) for e in page) < not_before:
            return None
    return None


# ---------------------------------------------------------------------------------------------
# Facebook Pages
# ---------------------------------------------------------------------------------------------
class FacebookPublisher:
    """Publishes to one Facebook Page with the Page's access token."""

    network = "facebook"

    def __init__(
        self, graph_url: str, page_id: str, page_token: str, *, timeout: float = 30.0
    ) -> None:
        self.page_id = page_id
        self.graph = GraphClient(graph_url, page_token, label="Facebook", timeout=timeout)

    def limits(self) -> Limits:
        return FACEBOOK_LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems = validate_against_limits(post, FACEBOOK_LIMITS, grapheme_count(post.text))
        videos = [item for item in post.media if item.is_video]
        if videos and len(post.media) > 1:
            problems.append(
                Problem("video_alone", "A Facebook video goes out on its own.", field="media")
            )
        return problems

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems:
            raise PermanentError(" ".join(p.message for p in problems), network=self.network)
        if post.media and post.media[0].is_video:
            item = post.media[0]
            answer = self.graph.call(
                "POST",
                f"{self.page_id}/videos",
                data={"description": post.text},
                files={"source": (item.filename, item.data, item.mime_type)},
                write=True,
            )
            remote_id = f"{self.page_id}_{answer['id']}"
        else:
            data: dict[str, Any] = {"message": post.text}
            # Photos are uploaded unpublished (never visible on their own), then attached to
            # one post: a retry after a failed upload leaves no stray photo on the Page.
            for index, item in enumerate(post.media):
                photo = self.graph.call(
                    "POST",
                    f"{self.page_id}/photos",
                    data={"published": "false", "alt_text_custom": item.alt_text},
                    files={"source": (item.filename, item.data, item.mime_type)},
                )
                data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo["id"]})
            if post.link_card_url and not post.media:
                data["link"] = post.link_card_url
            answer = self.graph.post(f"{self.page_id}/feed", write=True, **data)
            remote_id = str(answer["id"])
        result = PublishResult(
            remote_id=remote_id,
            url=f"https://www.facebook.com/{remote_id}",
            published_at=datetime.now(UTC),
        )
        if post.first_comment:
            self.place_first_comment(remote_id, post.first_comment, since=result.published_at)
        return result

    def place_first_comment(
        self, remote_id: str, text: str, *, since: datetime, look_first: bool = False
    ) -> None:
        """The Page's first comment under its post, exactly once (see :func:`comment_once`)."""
        comment_once(
            lambda: self.graph.post(f"{remote_id}/comments", write=True, message=text),
            lambda: _own_comment(
                self.graph, remote_id, text, since=since, field="message", author=self.page_id
            ),
            where=remote_id,
            look_first=look_first,
        )

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        pages = self.graph.pages(
            f"{self.page_id}/published_posts",
            fields="id,message,created_time,permalink_url",
            since=int((since - LOOKUP_CLOCK_SKEW).timestamp()),
            limit=100,
        )
        found = find_by_text(
            pages,
            post.text,
            since=since,
            exclude=exclude,
            text_field="message",
            time_field="created_time",
            url_field="permalink_url",
            newest_first=True,
        )
        if found is not None and post.first_comment:
            # The attempt whose answer was lost stopped before its first comment (or not).
            self.place_first_comment(
                found.remote_id, post.first_comment, since=found.published_at, look_first=True
            )
        return found

    def delete(self, remote_id: str) -> None:
        _delete(self.graph, remote_id)

    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        found = []
        for remote_id in remote_ids:
            try:
                body = self.graph.get(
                    remote_id,
                    fields="reactions.summary(total_count),comments.summary(total_count),shares",
                )
            except PermanentError:
                continue  # deleted since
            seen = _insights(self.graph, remote_id, "post_impressions,post_impressions_unique")
            found.append(
                PostMetrics(
                    remote_id=remote_id,
                    likes=_summary(body, "reactions"),
                    replies=_summary(body, "comments"),
                    reposts=int((body.get("shares") or {}).get("count") or 0),
                    reach=seen.get("post_impressions_unique"),
                    impressions=seen.get("post_impressions"),
                )
            )
        return found

    def fetch_account_metrics(self) -> AccountMetrics:
        body = self.graph.get(self.page_id, fields="followers_count,fan_count")
        return AccountMetrics(followers=body.get("followers_count"), following=None, posts=None)

    def check_connection(self) -> ConnectionStatus:
        try:
            body = self.graph.get(self.page_id, fields="id,name")
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        return ConnectionStatus(ok=True, account=str(body.get("name") or ""), account_id=body["id"])


def _summary(body: dict[str, Any], edge: str) -> int | None:
    summary = (body.get(edge) or {}).get("summary") or {}
    count = summary.get("total_count")
    return int(count) if count is not None else None


def _insights(
    graph: GraphClient, node: str, metrics: str, edge: str = "insights"
) -> dict[str, int]:
    """Lifetime values of ``/{node}/insights``; empty when the insights permission was not
    granted (the feature is optional) or the post is too new to have any."""
    try:
        body = graph.get(f"{node}/{edge}", metric=metrics)
    except (AuthError, PermanentError):
        return {}
    values: dict[str, int] = {}
    for entry in body.get("data") or []:
        points = entry.get("values") or []
        value = points[-1].get("value") if points else entry.get("total_value", {}).get("value")
        if isinstance(value, int):
            values[str(entry.get("name"))] = value
    return values


def comment_once(
    place: Callable[[], Any],
    placed: Callable[[], bool],
    *,
    where: str,
    look_first: bool = False,
) -> None:
    """A first comment under a post that exists, placed exactly once: when Meta's answer is
    lost or it answers 429/5xx, the post's comments are read first and the account's own
    comment with the same text counts as placed; only when none is there is it sent again.
    ``look_first``: an earlier attempt may have placed it already (its answer was lost), so
    look before the first send too. A failure is logged, never a failed post: publishing
    again would make a second post."""
    try:
        if look_first and placed():
            return
        try:
            place()
            return
        except (UnknownOutcomeError, RetryableError) as error:
            logger.info("first comment on %s: %s; checking before sending again", where, error)
        if not placed():
            place()
    except NetworkError as error:
        logger.warning("first comment on %s failed: %s", where, error.message)
    except _ContainerExpiredError:
        logger.warning("first comment on %s failed: its container expired", where)


def _own_comment(
    graph: GraphClient, remote_id: str, text: str, *, since: datetime, field: str, author: str
) -> bool:
    """Whether ``author`` (the Page or the Instagram account) commented ``text`` under the
    post since ``since``."""
    time_field = "created_time" if field == "message" else "timestamp"
    pages = graph.pages(
        f"{remote_id}/comments",
        fields=f"id,{field},from,{time_field}",
        order="reverse_chronological",
        limit=100,
    )
    found = find_by_text(
        pages,
        text,
        since=since,
        text_field=field,
        time_field=time_field,
        newest_first=True,
        accept=lambda c: str((c.get("from") or {}).get("id") or "") == author,
    )
    return found is not None


def _delete(graph: GraphClient, remote_id: str) -> None:
    try:
        graph.call("DELETE", remote_id)
    except PermanentError as error:
        if "Meta error 100" not in error.message:
            raise


def is_gone(error: NetworkError) -> bool:
    """True for Meta's "object does not exist" (error 100, subcode 33): deleted, or never
    there for this token."""
    return isinstance(error, PermanentError) and "(Meta error 100/33)" in error.message


# ---------------------------------------------------------------------------------------------
# Instagram and Threads: container → (status) → publish
# ---------------------------------------------------------------------------------------------
class _ContainerPublisher:
    """What Instagram and Threads share: media by public URL, containers, publish."""

    network = ""
    label = ""
    status_field = "status_code"
    publish_edge = "media_publish"
    media_edge = "media"
    caption_field = "caption"
    quota_edge = "content_publishing_limit"
    #: Insight metrics read per post: (reach metric, views metric, the edge's fields).
    insight_metrics = "reach,views"
    count_fields = "like_count,comments_count"
    limits_value: Limits = INSTAGRAM_LIMITS

    def __init__(
        self,
        graph: GraphClient,
        user_id: str,
        *,
        poll_interval: float = 2.0,
        poll_timeout: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.graph = graph
        self.user_id = user_id
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self._sleep = sleep

    def limits(self) -> Limits:
        return self.limits_value

    def validate(self, post: OutgoingPost) -> list[Problem]:
        limits = self.limits_value
        problems = validate_against_limits(post, limits, grapheme_count(post.text))
        if limits.max_hashtags is not None:
            tags = len(find_hashtags(post.text))
            if tags > limits.max_hashtags:
                problems.append(
                    Problem(
                        "too_many_hashtags",
                        f"{tags} hashtags; {self.label} allows {limits.max_hashtags}.",
                    )
                )
        if len(post.media) > 1 and any(item.is_video for item in post.media):
            problems.append(
                Problem("video_alone", f"A {self.label} video goes out on its own.", "media")
            )
        for index, item in enumerate(post.media, start=1):
            if not item.url:
                problems.append(
                    Problem(
                        "no_public_url",
                        f"Attachment {index} has no public address {self.label} can fetch.",
                        "media",
                    )
                )
        return problems

    # -- the steps ----------------------------------------------------------------------------
    def _item_fields(self, item: MediaItem, *, in_carousel: bool) -> dict[str, Any]:
        raise NotImplementedError

    def _text_fields(self, post: OutgoingPost) -> dict[str, Any]:
        raise NotImplementedError

    def _create(self, fields: dict[str, Any]) -> str:
        # A container is invisible until published: a lost answer just leaves one unused.
        answer = self.graph.post(f"{self.user_id}/{self.media_edge}", **fields)
        return str(answer["id"])

    def _wait(self, container_id: str) -> str:
        """Poll the container until it is ready (FINISHED, or PUBLISHED already); raise when
        it failed or took too long."""
        deadline = time.monotonic() + self.poll_timeout
        while True:
            body = self.graph.get(container_id, fields=f"{self.status_field},id")
            status = str(body.get(self.status_field) or "FINISHED")
            if status in ("FINISHED", "PUBLISHED"):
                return status
            if status == "ERROR":
                raise PermanentError(
                    _sentence(self.label, "processing", "container", "ERROR"), network=self.network
                )
            if status == "EXPIRED":
                raise _ContainerExpiredError
            if time.monotonic() >= deadline:
                raise RetryableError(
                    f"{self.label} is still processing the media; koers checks again later.",
                    network=self.network,
                    retry_after=60.0,
                )
            self._sleep(self.poll_interval)

    def _check_quota(self) -> None:
        """Instagram's ``content_publishing_limit``; Threads has its own (same shape)."""
        body = self.graph.get(f"{self.user_id}/{self.quota_edge}", fields="quota_usage,config")
        entries = body.get("data") or []
        if not entries:
            return
        usage = int(entries[0].get("quota_usage") or 0)
        total = int((entries[0].get("config") or {}).get("quota_total") or 0)
        if total and usage >= total:
            raise RetryableError(
                _sentence(self.label, "publish_limit", "quota", f"{usage}of{total}"),
                network=self.network,
                retry_after=3600.0,
            )

    def _container(self, post: OutgoingPost) -> str:
        """A ready container for the post: the saved one when it is still usable."""
        checkpoint = post.checkpoint
        saved = (checkpoint.data if checkpoint is not None else {}).get("container")
        if saved:
            try:
                if self._wait(saved) == "PUBLISHED":
                    # Published by a try whose answer was lost, and not found by the lookup
                    # yet: still unknown, never a second publish.
                    raise UnknownOutcomeError(
                        f"No answer from {self.label} after sending; the post may exist.",
                        network=self.network,
                    )
                return saved
            except _ContainerExpiredError:
                pass  # make a new one below
        if len(post.media) > 1:
            children = [
                self._create(self._item_fields(item, in_carousel=True)) for item in post.media
            ]
            for child in children:
                self._wait(child)
            fields = {
                "media_type": "CAROUSEL",
                "children": ",".join(children),
                **self._text_fields(post),
            }
        elif post.media:
            fields = {
                **self._item_fields(post.media[0], in_carousel=False),
                **self._text_fields(post),
            }
        else:
            fields = {"media_type": "TEXT", **self._text_fields(post)}
        container = self._create(fields)
        if checkpoint is not None:
            checkpoint.save({"container": container})
        try:
            self._wait(container)
        except _ContainerExpiredError:
            if checkpoint is not None:
                checkpoint.save({})
            raise RetryableError(
                f"{self.label} let the media expire; koers makes it again.", network=self.network
            ) from None
        return container

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems:
            raise PermanentError(" ".join(p.message for p in problems), network=self.network)
        done = (post.checkpoint.data if post.checkpoint is not None else {}).get("published")
        if done:  # an earlier try published it and saved the id, then stopped
            result = self._result(done)
            if post.first_comment:  # it may have stopped before its first comment
                self._comment(done, post.first_comment, since=result.published_at, look_first=True)
            return result
        container = self._container(post)
        self._check_quota()
        answer = self.graph.post(
            f"{self.user_id}/{self.publish_edge}", write=True, creation_id=container
        )
        remote_id = str(answer["id"])
        if post.checkpoint is not None:
            post.checkpoint.save({"container": container, "published": remote_id})
        result = self._result(remote_id)
        if post.first_comment:
            self._comment(remote_id, post.first_comment, since=result.published_at)
        return result

    def _result(self, remote_id: str) -> PublishResult:
        """The published post's address. The post exists already: a failed read must not
        look like a failed publish (the caller would publish again), so it falls back."""
        try:
            details = self.graph.get(remote_id, fields="id,permalink,timestamp")
        except NetworkError as error:
            logger.warning("details of %s not read: %s", remote_id, error.message)
            details = {}
        return PublishResult(
            remote_id=remote_id,
            url=str(details.get("permalink") or ""),
            published_at=_when(details.get("timestamp")),
        )

    def _comment(
        self, remote_id: str, text: str, *, since: datetime, look_first: bool = False
    ) -> None:
        """The account's first comment under its media, exactly once."""
        comment_once(
            lambda: self.graph.post(f"{remote_id}/comments", write=True, message=text),
            lambda: _own_comment(
                self.graph, remote_id, text, since=since, field="text", author=self.user_id
            ),
            where=remote_id,
            look_first=look_first,
        )

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        pages = self.graph.pages(
            f"{self.user_id}/{self.media_edge}",
            fields=f"id,{self.caption_field},timestamp,permalink",
            limit=50,
        )
        found = find_by_text(
            pages,
            post.text,
            since=since,
            exclude=exclude,
            text_field=self.caption_field,
            time_field="timestamp",
            url_field="permalink",
            newest_first=True,
        )
        if found is not None and post.first_comment:
            # The attempt whose answer was lost stopped before its first comment (or not).
            self._comment(
                found.remote_id, post.first_comment, since=found.published_at, look_first=True
            )
        return found

    def delete(self, remote_id: str) -> None:
        _delete(self.graph, remote_id)

    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        found = []
        for remote_id in remote_ids:
            try:
                body = self.graph.get(remote_id, fields=self.count_fields)
            except PermanentError:
                continue
            seen = _insights(self.graph, remote_id, self.insight_metrics)
            found.append(self._metrics(remote_id, body, seen))
        return found

    def _metrics(self, remote_id: str, body: dict[str, Any], seen: dict[str, int]) -> PostMetrics:
        return PostMetrics(
            remote_id=remote_id,
            likes=body.get("like_count"),
            replies=body.get("comments_count"),
            reach=seen.get("reach"),
            impressions=seen.get("views"),
        )

    def fetch_account_metrics(self) -> AccountMetrics:
        body = self.graph.get(self.user_id, fields="followers_count,follows_count,media_count")
        return AccountMetrics(
            followers=body.get("followers_count"),
            following=body.get("follows_count"),
            posts=body.get("media_count"),
        )

    def check_connection(self) -> ConnectionStatus:
        try:
            body = self.graph.get(self.user_id, fields="id,username")
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        return ConnectionStatus(
            ok=True, account=f"@{body.get('username') or ''}", account_id=str(body["id"])
        )


class _ContainerExpiredError(Exception):
    """A saved container passed its 24 hours unpublished: make a new one."""


class InstagramPublisher(_ContainerPublisher):
    """An Instagram professional account, through the Page token of the Page it is linked to."""

    network = "instagram"
    label = "Instagram"
    limits_value = INSTAGRAM_LIMITS

    def __init__(
        self, graph_url: str, ig_user_id: str, token: str, *, timeout: float = 30.0, **kwargs: Any
    ) -> None:
        graph = GraphClient(graph_url, token, label="Instagram", timeout=timeout)
        super().__init__(graph, ig_user_id, **kwargs)

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems = super().validate(post)
        if not post.media:
            problems.append(
                Problem("needs_media", "An Instagram post needs an image or a video.", "media")
            )
        return problems

    def _item_fields(self, item: MediaItem, *, in_carousel: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if item.is_video:
            fields = {"media_type": "VIDEO" if in_carousel else "REELS", "video_url": item.url}
        else:
            fields = {"image_url": item.url}
            if item.alt_text:
                fields["alt_text"] = item.alt_text
        if in_carousel:
            fields["is_carousel_item"] = "true"
        return fields

    def _text_fields(self, post: OutgoingPost) -> dict[str, Any]:
        return {"caption": post.text}


class ThreadsPublisher(_ContainerPublisher):
    """A Threads profile (Threads API, its own host and token)."""

    network = "threads"
    label = "Threads"
    status_field = "status"
    publish_edge = "threads_publish"
    media_edge = "threads"
    caption_field = "text"
    quota_edge = "threads_publishing_limit"
    limits_value = THREADS_LIMITS
    insight_metrics = "views,likes,replies,reposts,quotes"
    count_fields = "id"

    def _metrics(self, remote_id: str, body: dict[str, Any], seen: dict[str, int]) -> PostMetrics:
        """Threads counts everything in its insights; it reports views, not reach."""
        return PostMetrics(
            remote_id=remote_id,
            likes=seen.get("likes"),
            replies=seen.get("replies"),
            reposts=seen.get("reposts"),
            quotes=seen.get("quotes"),
            impressions=seen.get("views"),
        )

    def fetch_account_metrics(self) -> AccountMetrics:
        seen = _insights(self.graph, self.user_id, "followers_count", "threads_insights")
        return AccountMetrics(followers=seen.get("followers_count"), following=None, posts=None)

    def __init__(
        self, threads_url: str, user_id: str, token: str, *, timeout: float = 30.0, **kwargs: Any
    ) -> None:
        graph = GraphClient(
            threads_url, token, version=THREADS_VERSION, label="Threads", timeout=timeout
        )
        super().__init__(graph, user_id, **kwargs)

    def _item_fields(self, item: MediaItem, *, in_carousel: bool) -> dict[str, Any]:
        if item.is_video:
            fields = {"media_type": "VIDEO", "video_url": item.url}
        else:
            fields = {"media_type": "IMAGE", "image_url": item.url}
        if in_carousel:
            fields["is_carousel_item"] = "true"
        elif item.alt_text:
            fields["alt_text"] = item.alt_text
        return fields

    def _text_fields(self, post: OutgoingPost) -> dict[str, Any]:
        fields = {"text": post.text}
        if post.link_card_url and not post.media:
            fields["link_attachment"] = post.link_card_url
        return fields

    def _comment(
        self, remote_id: str, text: str, *, since: datetime, look_first: bool = False
    ) -> None:
        """Threads has no comments edge: the first comment is the account's own reply,
        exactly once (its replies are read before it is sent again)."""

        def place() -> None:
            reply = self._create({"media_type": "TEXT", "text": text, "reply_to_id": remote_id})
            self._wait(reply)
            self.graph.post(f"{self.user_id}/{self.publish_edge}", write=True, creation_id=reply)

        def placed() -> bool:
            pages = self.graph.pages(
                f"{remote_id}/replies",
                fields="id,text,timestamp,is_reply_owned_by_me",
                reverse="true",
                limit=100,
            )
            found = find_by_text(
                pages,
                text,
                since=since,
                text_field="text",
                time_field="timestamp",
                newest_first=True,
                accept=lambda r: bool(r.get("is_reply_owned_by_me")),
            )
            return found is not None

        comment_once(place, placed, where=remote_id, look_first=look_first)


# ---------------------------------------------------------------------------------------------
# Connecting: tokens and accounts (the Django flow in koers.publishing.meta calls these)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Token:
    access_token: str
    expires_at: datetime | None

    def __repr__(self) -> str:
        return f"Token(expires_at={self.expires_at!r})"


def _expiry(body: dict[str, Any]) -> datetime | None:
    seconds = body.get("expires_in")
    return datetime.now(UTC) + timedelta(seconds=int(seconds)) if seconds else None


def facebook_dialog_url(hosts: MetaHosts) -> str:
    return f"{hosts.dialog}/{GRAPH_VERSION}/dialog/oauth"


def threads_dialog_url(hosts: MetaHosts) -> str:
    return f"{hosts.threads_dialog}/oauth/authorize"


def exchange_facebook_code(
    hosts: MetaHosts, *, client_id: str, client_secret: str, code: str, redirect_uri: str
) -> Token:
    """code → short-lived user token → long-lived user token (about 60 days)."""
    graph = GraphClient(hosts.graph, "", label="Facebook")
    short = graph.call(
        "GET",
        "oauth/access_token",
        params={
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        },
        token=False,
    )
    long = graph.call(
        "GET",
        "oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "fb_exchange_token": short["access_token"],
        },
        token=False,
    )
    return Token(str(long["access_token"]), _expiry(long))


@dataclass(frozen=True, slots=True)
class PageAccount:
    """A Page the person manages, with its Page token and its linked Instagram account."""

    page_id: str
    name: str
    token: str
    instagram_id: str = ""
    instagram_username: str = ""
    instagram_name: str = ""

    def __repr__(self) -> str:
        return f"PageAccount({self.page_id!r}, {self.name!r})"


def facebook_pages(hosts: MetaHosts, user_token: str) -> list[PageAccount]:
    """``/me/accounts`` (all pages, cursor paging). A Page token obtained from a long-lived
    user token does not expire."""
    graph = GraphClient(hosts.graph, user_token, label="Facebook")
    found = []
    for page in graph.pages(
        "me/accounts",
        max_pages=20,
        fields="id,name,access_token,instagram_business_account{id,username,name}",
        limit=100,
    ):
        for entry in page:
            instagram = entry.get("instagram_business_account") or {}
            found.append(
                PageAccount(
                    page_id=str(entry["id"]),
                    name=str(entry.get("name") or entry["id"]),
                    token=str(entry["access_token"]),
                    instagram_id=str(instagram.get("id") or ""),
                    instagram_username=str(instagram.get("username") or ""),
                    instagram_name=str(instagram.get("name") or ""),
                )
            )
    return found


def granted_scopes(hosts: MetaHosts, user_token: str) -> tuple[str, ...]:
    graph = GraphClient(hosts.graph, user_token, label="Facebook")
    body = graph.get("me/permissions")
    return tuple(
        str(entry["permission"])
        for entry in body.get("data") or []
        if entry.get("status") == "granted"
    )


@dataclass(frozen=True, slots=True)
class ThreadsProfile:
    user_id: str
    username: str
    name: str
    token: Token


def exchange_threads_code(
    hosts: MetaHosts, *, client_id: str, client_secret: str, code: str, redirect_uri: str
) -> ThreadsProfile:
    """code → short-lived Threads token → long-lived (60 days, ``th_exchange_token``)."""
    graph = GraphClient(hosts.threads_graph, "", version="", label="Threads")
    short = graph.call(
        "POST",
        "oauth/access_token",
        data={
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        },
        token=False,
    )
    # The short-lived token goes in the header like every token (never in a logged address).
    long = GraphClient(
        hosts.threads_graph, str(short["access_token"]), version="", label="Threads"
    ).call(
        "GET",
        "access_token",
        params={"grant_type": "th_exchange_token", "client_secret": client_secret},
    )
    token = Token(str(long["access_token"]), _expiry(long))
    me = GraphClient(
        hosts.threads_graph, token.access_token, version=THREADS_VERSION, label="Threads"
    ).get("me", fields="id,username,name")
    return ThreadsProfile(
        user_id=str(me["id"]),
        username=str(me.get("username") or ""),
        name=str(me.get("name") or me.get("username") or me["id"]),
        token=token,
    )


#: Meta lets a long-lived Threads token be refreshed once it is a day old (and not expired).
THREADS_REFRESH_MIN_AGE = timedelta(hours=24)


def refresh_threads_token(hosts: MetaHosts, token: str) -> Token:
    """A long-lived Threads token → a fresh one (60 days again): ``GET
    /refresh_access_token?grant_type=th_refresh_token``. Meta allows it when the token is at
    least 24 hours old and not expired; the caller checks both before asking."""
    # The token goes in the header, like every token (never in a logged address).
    answer = GraphClient(hosts.threads_graph, token, version="", label="Threads").call(
        "GET", "refresh_access_token", params={"grant_type": "th_refresh_token"}
    )
    return Token(str(answer["access_token"]), _expiry(answer))
