"""LinkedIn organisation pages through the Community Management API (versioned REST).

Every call goes to ``https://api.linkedin.com/rest/…`` with the ``LinkedIn-Version`` header
(:data:`LINKEDIN_VERSION`, ``YYYYMM``) and ``X-Restli-Protocol-Version: 2.0.0``, through the
outbound guard's httpx client; :meth:`_LinkedInBase._request` is the one place that sends and
turns LinkedIn's error bodies (``{"status", "serviceErrorCode", "code", "message"}``) into
koers' four error classes.

Publishing (author ``urn:li:organization:<id>``): text, a link (article content), one image
(``content.media``) or several (``content.multiImage``) through the Images API, one PDF
(Documents API) or one video (Videos API: initializeUpload → PUT each part → finalizeUpload →
wait until ``AVAILABLE``). The new post's URN comes back in the ``x-restli-id`` header.

Exactly once: LinkedIn has no idempotency key. ``publish`` sends the post once and never
repeats it by itself; after an unknown outcome the caller runs :meth:`LinkedInPublisher.lookup`,
which pages through the organisation's posts (``q=author``, ``sortBy=LAST_MODIFIED``,
``start``/``count``) back to the attempt and matches the commentary, the kind of content and
the alt texts. When the page bound is reached first it raises :class:`RetryableError`
("still unknown"), never "not found".
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    LOOKUP_MAX_PAGES,
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
from koers.networks.media import card_http_client, fetch_link_card, prepare_image
from koers.networks.safety import OutboundBlockedError, blocked_cause, http_client
from koers.networks.text import find_urls, grapheme_count

logger = logging.getLogger(__name__)

NETWORK = "linkedin"
API_BASE = "https://api.linkedin.com"
#: The Community Management API version koers speaks (LinkedIn supports each for a year).
LINKEDIN_VERSION = "202511"
RESTLI_PROTOCOL_VERSION = "2.0.0"

MAX_CHARS = 3000
MAX_IMAGES = 20  # multiImage takes 2–20 images
MAX_IMAGE_BYTES = 36_152_320  # the Images API's limit (36 MB)
MAX_VIDEO_BYTES = 5 * 1024 * 1024 * 1024  # 5 GB through the multi-part upload
MAX_VIDEO_SECONDS = 30 * 60
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
MAX_COMMENT_CHARS = 1250
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
VIDEO_TYPES = ("video/mp4",)
DOCUMENT_TYPES = ("application/pdf",)
LIMITS = Limits(
    max_chars=MAX_CHARS,
    url_length=None,
    max_images=MAX_IMAGES,
    max_image_bytes=MAX_IMAGE_BYTES,
    max_videos=1,
    max_video_bytes=MAX_VIDEO_BYTES,
    max_video_seconds=MAX_VIDEO_SECONDS,
    media_types=IMAGE_TYPES + VIDEO_TYPES + DOCUMENT_TYPES,
    max_comment_chars=MAX_COMMENT_CHARS,
)
CAPABILITIES = Capabilities(
    network=NETWORK,
    label="LinkedIn",
    publish=frozenset(
        {"text", "link", "image", "images", "document", "video", "first_comment", "carousel"}
    ),
    inbox=frozenset({"comment", "mention"}),
    metrics=frozenset({"post", "account", "impressions", "reach"}),
    listen="none",
    limits=LIMITS,
    provider="linkedin",
    not_allowed=(
        "Posting to a personal profile (koers posts as an organisation page).",
        "Editing the media of a published post.",
        "Scheduling a post on LinkedIn itself (koers sends it at the planned time).",
        "Mixing images, a video and a document in one post.",
        "Direct messages to or from the page (LinkedIn's API has none for pages).",
    ),
)
#: Posts per page when ``lookup`` reads the organisation's posts (the finder's maximum is 100).
LOOKUP_PAGE_SIZE = 50
#: Posts per share-statistics request.
METRICS_BATCH = 20

#: Characters LinkedIn's "little text format" reserves in ``commentary``.
_RESERVED = set("\\|{}@[]()<>#*_~")
_HASHTAG_RE = re.compile(r"(?<![\w#])#(\w+)")

#: Which scope a request needs, by (method, path prefix) — named in "missing permission".
_SCOPES = (
    ("GET", "/rest/organizationalEntityFollowerStatistics", "rw_organization_admin"),
    ("GET", "/rest/organizationalEntityShareStatistics", "rw_organization_admin"),
    ("GET", "/rest/networkSizes", "r_organization_followers"),
    ("GET", "/rest/organizationAcls", "rw_organization_admin"),
    ("GET", "/rest/organizationalEntityNotifications", "rw_organization_admin"),
    ("GET", "/rest/socialActions", "r_organization_social_feed"),
    ("GET", "/rest/organizations", "rw_organization_admin"),
    ("GET", "/rest/", "r_organization_social"),
    ("", "/rest/", "w_organization_social"),
)


def escape_little_text(text: str) -> str:
    """``text`` as LinkedIn's ``commentary`` wants it: reserved characters backslash-escaped,
    ``#word`` turned into the hashtag template so it still becomes a hashtag."""
    out: list[str] = []
    position = 0
    for match in _HASHTAG_RE.finditer(text):
        out.append(_escape_plain(text[position : match.start()]))
        out.append("{hashtag|\\#|" + _escape_plain(match.group(1)) + "}")
        position = match.end()
    out.append(_escape_plain(text[position:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return "".join("\\" + c if c in _RESERVED else c for c in text)


def unescape_little_text(commentary: str) -> str:
    """Back from ``commentary`` to plain text (hashtag templates → ``#word``)."""
    text = re.sub(r"\{hashtag\|\\?#\|([^}]*)\}", r"#\1", commentary)
    text = re.sub(r"@\[([^\]]*)\]\([^)]*\)", r"\1", text)  # mention templates → the name
    return re.sub(r"\\(.)", r"\1", text)


def organization_urn(organization_id: str) -> str:
    return (
        organization_id
        if organization_id.startswith("urn:")
        else (f"urn:li:organization:{organization_id}")
    )


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def _ms_to_datetime(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def _reason(body: Any, fallback: str) -> str:
    if isinstance(body, dict):
        message = body.get("message") or body.get("error_description") or body.get("error")
        if message:
            return str(message)[:300]
    return fallback


def scope_for(method: str, path: str) -> str:
    """The Community Management scope a request to ``path`` needs."""
    for wanted_method, prefix, scope in _SCOPES:
        if (not wanted_method or wanted_method == method) and path.startswith(prefix):
            return scope
    return "w_organization_social"


def classify_response(method: str, path: str, response: httpx.Response) -> NetworkError:
    """A LinkedIn error answer → koers error; messages carry LinkedIn's reason, never a token."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    reason = _reason(body, f"HTTP {status}")
    if status == 401:
        lowered = reason.lower()
        if "expired" in lowered:
            plain = "the access token has expired; reconnect the page"
        elif "revoked" in lowered:
            plain = "the access was revoked on LinkedIn; reconnect the page"
        else:
            plain = "the access token is not valid; reconnect the page"
        return AuthError(f"LinkedIn: {plain} ({reason}).", network=NETWORK, status=401)
    if status == 403:
        scope = scope_for(method, path)
        return AuthError(
            f"LinkedIn refused this: the connection lacks the permission {scope} "
            f"or the member is not an administrator of the page ({reason}).",
            network=NETWORK,
            status=403,
        )
    if status == 429:
        retry_after: float | None = None
        header = response.headers.get("retry-after")
        if header and header.strip().isdigit():
            retry_after = float(header.strip())
        return RetryableError(
            "LinkedIn rate limit reached.", network=NETWORK, status=429, retry_after=retry_after
        )
    if status >= 500:
        return RetryableError(
            f"LinkedIn is unavailable (HTTP {status}).", network=NETWORK, status=status
        )
    if status == 426:
        return PermanentError(
            f"LinkedIn does not accept API version {LINKEDIN_VERSION} ({reason}).",
            network=NETWORK,
            status=status,
        )
    return PermanentError(
        f"LinkedIn refused the request: {reason}.", network=NETWORK, status=status
    )


class _LinkedInBase:
    """Holds the httpx client and the one place that calls LinkedIn."""

    network = NETWORK

    def __init__(
        self,
        access_token: str,
        *,
        api_base: str = API_BASE,
        timeout: float = 30.0,
        version: str = LINKEDIN_VERSION,
        client: httpx.Client | None = None,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self._token = access_token
        self._version = version
        self._http = client or http_client(timeout=timeout)

    def __repr__(self) -> str:  # never show the token
        return f"{type(self).__name__}({self.api_base!r})"

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token}",
            "LinkedIn-Version": self._version,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL_VERSION,
        }

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        json: Any = None,
        content: bytes | None = None,
        write: bool = False,
        url: str | None = None,
    ) -> httpx.Response:
        """Send one request; ``query`` is already encoded (Rest.li wants URNs %-encoded).

        ``url`` (an upload URL LinkedIn handed out) replaces ``api_base + path``.
        """
        target = url or f"{self.api_base}{path}" + (f"?{query}" if query else "")
        headers = self._headers()
        if content is not None:
            headers["Content-Type"] = "application/octet-stream"
        try:
            response = self._http.request(
                method, target, headers=headers, json=json, content=content
            )
        except httpx.TransportError as error:
            blocked = blocked_cause(error)
            if blocked is not None:
                raise OutboundBlockedError(blocked.host, network=NETWORK) from None
            not_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
            if write and not not_sent:
                raise UnknownOutcomeError(
                    "No answer from LinkedIn after sending; the post may exist.", network=NETWORK
                ) from None
            raise RetryableError("Could not reach LinkedIn.", network=NETWORK) from None
        if response.status_code >= 400:
            raise classify_response(method, path, response)
        return response


def _encode(value: str) -> str:
    return quote(value, safe="")


def _media_kind(mime_type: str) -> str:
    if mime_type in IMAGE_TYPES:
        return "image"
    if mime_type in VIDEO_TYPES:
        return "video"
    if mime_type in DOCUMENT_TYPES:
        return "document"
    return "unknown"


def _content_signature(content: Any) -> tuple[str, tuple[str, ...]]:
    """(kind, alt texts) of a stored post's ``content``; kind '' = text only."""
    if not isinstance(content, dict) or not content:
        return "", ()
    if "multiImage" in content:
        images = content["multiImage"].get("images") or []
        return "images", tuple(str(i.get("altText") or "").strip() for i in images)
    if "article" in content:
        return "article:" + str(content["article"].get("source") or ""), ()
    media = content.get("media") or {}
    urn = str(media.get("id") or "")
    kind = urn.split(":")[2] if urn.count(":") >= 3 else "unknown"
    return kind, (str(media.get("altText") or "").strip(),) if kind == "image" else ()


def _post_signature(post: OutgoingPost) -> tuple[str, tuple[str, ...]]:
    if len(post.media) > 1:
        return "images", tuple(item.alt_text.strip() for item in post.media)
    if post.media:
        kind = _media_kind(post.media[0].mime_type)
        return kind, (post.media[0].alt_text.strip(),) if kind == "image" else ()
    link = _link_of(post)
    return ("article:" + link, ()) if link else ("", ())


def _link_of(post: OutgoingPost) -> str | None:
    if post.link_card_url:
        return post.link_card_url
    urls = find_urls(post.text)
    return urls[0][2] if urls else None


def _fingerprint(text: str) -> str:
    return " ".join(unescape_little_text(text).split())


class LinkedInPublisher(_LinkedInBase):
    """Publishes as one organisation page (``organization_id`` is the number or the URN)."""

    def __init__(
        self,
        access_token: str,
        organization_id: str,
        *,
        api_base: str = API_BASE,
        timeout: float = 30.0,
        version: str = LINKEDIN_VERSION,
        client: httpx.Client | None = None,
        video_timeout: float = 600.0,
        video_poll_interval: float = 2.0,
        lookup_max_pages: int = LOOKUP_MAX_PAGES,
        link_card_timeout: float = 5.0,
        card_http: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            access_token, api_base=api_base, timeout=timeout, version=version, client=client
        )
        # The link's page is any URL someone wrote in a post: public hosts only.
        self._card_http = card_http or card_http_client(link_card_timeout)
        self.organization = organization_urn(organization_id)
        self._video_timeout = video_timeout
        self._video_poll_interval = video_poll_interval
        self._lookup_max_pages = lookup_max_pages

    # -- limits & validation ------------------------------------------------------------------
    def limits(self) -> Limits:
        return LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        problems: list[Problem] = []
        if not post.text.strip() and not post.media:
            problems.append(Problem("empty", "The post has no text and no media."))
        length = grapheme_count(post.text)
        if length > MAX_CHARS:
            problems.append(
                Problem(
                    "too_long", f"The text is {length} characters; LinkedIn allows {MAX_CHARS}."
                )
            )
        kinds = [_media_kind(item.mime_type) for item in post.media]
        if "unknown" in kinds:
            problems.append(
                Problem(
                    "media_type",
                    "LinkedIn takes JPEG, PNG or GIF images, an MP4 video or a PDF.",
                    field="media",
                )
            )
        elif len(post.media) > 1 and set(kinds) != {"image"}:
            problems.append(
                Problem(
                    "mixed_media",
                    "LinkedIn takes several images, or one video, or one PDF — not a mix.",
                    field="media",
                )
            )
        if len(post.media) > MAX_IMAGES:
            problems.append(
                Problem(
                    "too_many_images",
                    f"{len(post.media)} images; LinkedIn allows {MAX_IMAGES}.",
                    field="media",
                )
            )
        for index, (item, kind) in enumerate(zip(post.media, kinds, strict=True), start=1):
            limit = {
                "image": MAX_IMAGE_BYTES,
                "video": MAX_VIDEO_BYTES,
                "document": MAX_DOCUMENT_BYTES,
            }.get(kind)
            if limit is not None and len(item.data) > limit:
                problems.append(
                    Problem(
                        "too_large",
                        f"Attachment {index} is {len(item.data)} bytes; LinkedIn accepts {limit}.",
                        field="media",
                    )
                )
        if post.in_reply_to:
            problems.append(Problem("no_reply", "LinkedIn posts can't reply to other posts."))
        return problems

    # -- uploads ------------------------------------------------------------------------------
    def _initialize(self, api: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        body = {"initializeUploadRequest": {"owner": self.organization, **(extra or {})}}
        response = self._request("POST", f"/rest/{api}", query="action=initializeUpload", json=body)
        return dict(response.json().get("value") or {})

    def _put(self, upload_url: str, data: bytes) -> httpx.Response:
        # Uploads create nothing visible: a timeout is simply retryable (write=False).
        return self._request("PUT", "/upload", url=upload_url, content=data)

    def upload_image(self, data: bytes) -> str:
        value = self._initialize("images")
        self._put(str(value["uploadUrl"]), data)
        return str(value["image"])

    def upload_document(self, data: bytes) -> str:
        value = self._initialize("documents")
        self._put(str(value["uploadUrl"]), data)
        return str(value["document"])

    def upload_video(self, data: bytes) -> str:
        """Upload in the parts LinkedIn asks for, finalize, and wait until it is AVAILABLE."""
        value = self._initialize(
            "videos",
            {"fileSizeBytes": len(data), "uploadCaptions": False, "uploadThumbnail": False},
        )
        video = str(value["video"])
        etags: list[str] = []
        for part in value.get("uploadInstructions") or []:
            chunk = data[int(part["firstByte"]) : int(part["lastByte"]) + 1]
            response = self._put(str(part["uploadUrl"]), chunk)
            etags.append(response.headers.get("etag", ""))
        self._request(
            "POST",
            "/rest/videos",
            query="action=finalizeUpload",
            json={
                "finalizeUploadRequest": {
                    "video": video,
                    "uploadToken": value.get("uploadToken") or "",
                    "uploadedPartIds": etags,
                }
            },
        )
        deadline = time.monotonic() + self._video_timeout
        while True:
            status = str(
                self._request("GET", f"/rest/videos/{_encode(video)}").json().get("status") or ""
            )
            if status == "AVAILABLE":
                return video
            if status == "PROCESSING_FAILED":
                raise PermanentError(
                    "LinkedIn could not process the video (PROCESSING_FAILED); "
                    "check its format (MP4, H.264) and length.",
                    network=NETWORK,
                )
            if time.monotonic() > deadline:
                raise RetryableError(
                    "LinkedIn is still processing the video; try again later.", network=NETWORK
                )
            time.sleep(self._video_poll_interval)

    def _content(self, post: OutgoingPost) -> dict[str, Any] | None:
        if len(post.media) > 1:
            images = [
                {"id": self.upload_image(item.data), "altText": item.alt_text}
                for item in post.media
            ]
            return {"multiImage": {"images": images}}
        if post.media:
            item = post.media[0]
            kind = _media_kind(item.mime_type)
            if kind == "image":
                return {"media": {"id": self.upload_image(item.data), "altText": item.alt_text}}
            if kind == "document":
                return {"media": {"id": self.upload_document(item.data), "title": item.filename}}
            if kind == "video":
                return {"media": {"id": self.upload_video(item.data), "title": item.filename}}
            raise PermanentError(
                "LinkedIn takes JPEG, PNG or GIF images, an MP4 video or a PDF.", network=NETWORK
            )
        link = _link_of(post)
        if link:
            return {"article": self._article(link)}
        return None

    def _article(self, link: str) -> dict[str, Any]:
        """The article LinkedIn shows for ``link``: the page's OpenGraph title, description
        and image (uploaded as the thumbnail); just the address when the page gives none."""
        card = fetch_link_card(link, self._card_http)
        if card is None:
            return {"source": link, "title": link[:400]}
        article: dict[str, Any] = {"source": link, "title": card.title[:400]}
        if card.description:
            article["description"] = card.description[:4086]
        thumbnail = self._card_thumbnail(card.image_url) if card.image_url else None
        if thumbnail:
            article["thumbnail"] = thumbnail
        return article

    def _card_thumbnail(self, image_url: str) -> str | None:
        """A card's image uploaded to LinkedIn; ``None`` when it can't be had (decoration
        must never stop a post)."""
        try:
            response = self._card_http.get(image_url)
        except httpx.HTTPError:
            return None
        mime = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code != 200 or mime not in IMAGE_TYPES:
            return None
        try:
            prepared = prepare_image(response.content, mime, MAX_IMAGE_BYTES, network=NETWORK)
        except PermanentError:
            return None
        return self.upload_image(prepared.data)

    # -- publishing ---------------------------------------------------------------------------
    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        """Create the post as the organisation. LinkedIn knows no idempotency key: after an
        unknown outcome, call :meth:`lookup` before publishing again."""
        problems = self.validate(post)
        if problems:
            raise PermanentError(problems[0].message, network=NETWORK)
        body: dict[str, Any] = {
            "author": self.organization,
            "commentary": escape_little_text(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        content = self._content(post)
        if content:
            body["content"] = content
        response = self._request("POST", "/rest/posts", json=body, write=True)
        urn = response.headers.get("x-restli-id") or ""
        if not urn:
            raise PermanentError("LinkedIn created no post id.", network=NETWORK)
        published_at = datetime.now(UTC)
        if post.first_comment:
            self.place_first_comment(urn, post.first_comment, since=published_at)
        return PublishResult(remote_id=urn, url=post_url(urn), published_at=published_at)

    def comment(self, remote_id: str, text: str) -> str:
        """Place a comment (the first comment) as the organisation; returns the comment URN.
        Sent once; a lost answer raises :class:`UnknownOutcomeError`."""
        from koers.networks.linkedin_inbox import send_comment

        return send_comment(self, self.organization, remote_id, text)

    def comments(
        self, remote_id: str, *, page_size: int = 50, max_pages: int = 20
    ) -> list[dict[str, Any]]:
        """Every comment on the post (paged with ``start``/``count`` up to ``paging.total``)."""
        from koers.networks.linkedin_inbox import read_comments

        return [
            {"urn": c.urn, "actor": c.actor, "message": {"text": c.text}, "object": c.post}
            for c in read_comments(self, remote_id, page_size=page_size, max_pages=max_pages)
        ]

    def place_first_comment(
        self, remote_id: str, text: str, *, since: datetime, look_first: bool = False
    ) -> str | None:
        """The first comment under a post that exists: placed exactly once (a lost answer is
        checked against the post's comments before it is sent again). A failure is logged,
        never a failed post: publishing again would make a second post."""
        from koers.networks.linkedin_inbox import comment_once

        try:
            return comment_once(
                self, self.organization, remote_id, text, since=since, look_first=look_first
            )
        except NetworkError as error:
            logger.warning("first comment on %s failed: %s", remote_id, error.message)
            return None

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        """The organisation's post that matches ``post`` and was created after ``since``."""
        not_before = since - LOOKUP_CLOCK_SKEW
        not_before_ms = int(not_before.timestamp() * 1000)
        wanted = (_fingerprint(escape_little_text(post.text)), _post_signature(post))
        base = f"author={_encode(self.organization)}&q=author&sortBy=LAST_MODIFIED"
        found: dict[str, Any] | None = None
        for page in range(self._lookup_max_pages):
            data = self._request(
                "GET",
                "/rest/posts",
                query=f"{base}&count={LOOKUP_PAGE_SIZE}&start={page * LOOKUP_PAGE_SIZE}",
            ).json()
            elements = list(data.get("elements") or [])
            for element in elements:
                created = int(element.get("createdAt") or element.get("publishedAt") or 0)
                if (
                    created >= not_before_ms
                    and str(element.get("id")) not in exclude
                    and (
                        _fingerprint(str(element.get("commentary") or "")),
                        _content_signature(element.get("content")),
                    )
                    == wanted
                ):
                    found = element  # newest first: keep the oldest match
            total = (data.get("paging") or {}).get("total")
            oldest_modified = min(
                (int(e.get("lastModifiedAt") or e.get("createdAt") or 0) for e in elements),
                default=0,
            )
            if (
                not elements
                or oldest_modified < not_before_ms
                or (total is not None and (page + 1) * LOOKUP_PAGE_SIZE >= int(total))
            ):
                break
        else:
            raise RetryableError(
                f"LinkedIn: {self._lookup_max_pages * LOOKUP_PAGE_SIZE} newer posts were read "
                "without reaching the attempt; still checking.",
                network=NETWORK,
            )
        if found is None:
            return None
        urn = str(found["id"])
        created = found.get("publishedAt") or found.get("createdAt") or 0
        if post.first_comment:
            # The attempt whose answer was lost may have stopped before its first comment.
            self.place_first_comment(
                urn, post.first_comment, since=_ms_to_datetime(created), look_first=True
            )
        return PublishResult(
            remote_id=urn, url=post_url(urn), published_at=_ms_to_datetime(created)
        )

    def delete(self, remote_id: str) -> None:
        try:
            self._request("DELETE", f"/rest/posts/{_encode(remote_id)}")
        except PermanentError as error:
            if error.status not in (404, 410):
                raise

    # -- metrics & connection -----------------------------------------------------------------
    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        """Share statistics per post (likes, comments, shares, impressions, unique reach),
        ``METRICS_BATCH`` posts a request (the URL names every post)."""
        ids = list(dict.fromkeys(r for r in remote_ids if r))
        metrics: list[PostMetrics] = []
        for first in range(0, len(ids), METRICS_BATCH):
            metrics += self._share_statistics(ids[first : first + METRICS_BATCH])
        return metrics

    def _share_statistics(self, ids: list[str]) -> list[PostMetrics]:
        shares = [r for r in ids if ":share:" in r]
        ugc = [r for r in ids if ":share:" not in r]
        query = (
            f"q=organizationalEntity&organizationalEntity={_encode(self.organization)}"
            + (f"&shares=List({','.join(_encode(r) for r in shares)})" if shares else "")
            + (f"&ugcPosts=List({','.join(_encode(r) for r in ugc)})" if ugc else "")
        )
        data = self._request("GET", "/rest/organizationalEntityShareStatistics", query=query).json()
        metrics: list[PostMetrics] = []
        for element in data.get("elements") or []:
            urn = element.get("share") or element.get("ugcPost")
            if not urn:
                continue
            stats = element.get("totalShareStatistics") or {}
            metrics.append(share_statistics_to_metrics(str(urn), stats))
        return metrics

    def fetch_account_metrics(self) -> AccountMetrics:
        """Followers of the page (``networkSizes``); LinkedIn gives no 'following'."""
        data = self._request(
            "GET",
            f"/rest/networkSizes/{_encode(self.organization)}",
            query="edgeType=COMPANY_FOLLOWED_BY_MEMBER",
        ).json()
        followers = data.get("firstDegreeSize")
        return AccountMetrics(
            followers=int(followers) if followers is not None else None,
            following=None,
            posts=None,
        )

    def fetch_page_statistics(self) -> dict[str, int]:
        """Lifetime share statistics of the whole page (for Measure), by LinkedIn's names."""
        data = self._request(
            "GET",
            "/rest/organizationalEntityShareStatistics",
            query=f"q=organizationalEntity&organizationalEntity={_encode(self.organization)}",
        ).json()
        elements = data.get("elements") or []
        stats = (elements[0].get("totalShareStatistics") or {}) if elements else {}
        return {k: int(v) for k, v in stats.items() if isinstance(v, int | float)}

    def fetch_follower_statistics(self) -> dict[str, int]:
        """Organic and paid followers of the page (lifetime follower statistics)."""
        data = self._request(
            "GET",
            "/rest/organizationalEntityFollowerStatistics",
            query=f"q=organizationalEntity&organizationalEntity={_encode(self.organization)}",
        ).json()
        organic = paid = 0
        for element in data.get("elements") or []:
            for breakdown in element.get("followerCountsByAssociationType") or []:
                counts = breakdown.get("followerCounts") or {}
                organic += int(counts.get("organicFollowerCount") or 0)
                paid += int(counts.get("paidFollowerCount") or 0)
        return {"organic": organic, "paid": paid}

    def check_connection(self) -> ConnectionStatus:
        try:
            org_id = self.organization.rsplit(":", 1)[-1]
            data = self._request("GET", f"/rest/organizations/{org_id}").json()
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        name = str(data.get("localizedName") or org_id)
        return ConnectionStatus(ok=True, account=name, account_id=self.organization)


def share_statistics_to_metrics(urn: str, stats: dict[str, Any]) -> PostMetrics:
    """LinkedIn's ``totalShareStatistics`` → :class:`PostMetrics` (missing stays ``None``)."""

    def number(name: str) -> int | None:
        value = stats.get(name)
        return int(value) if value is not None else None

    return PostMetrics(
        remote_id=urn,
        likes=number("likeCount"),
        reposts=number("shareCount"),
        replies=number("commentCount"),
        reach=number("uniqueImpressionsCount"),
        impressions=number("impressionCount"),
    )
