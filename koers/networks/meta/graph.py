"""The Graph API as koers speaks it: hosts and versions, each network's limits and
capabilities, Meta's errors mapped to koers' error classes, the HTTP client and the
lookup by text every Meta publisher shares."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    LOOKUP_MAX_PAGES,
    AuthError,
    Capabilities,
    Limits,
    NetworkError,
    PermanentError,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
)
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client

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


class _ContainerExpiredError(Exception):
    """A saved container passed its 24 hours unpublished: make a new one."""
