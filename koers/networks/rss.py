"""RSS/Atom listening source: httpx fetches (conditional GET), feedparser parses.

The caller stores the validators of the last fetch (``ETag``, ``Last-Modified``) and passes
them back; an unchanged feed then costs one 304 and no parsing. :meth:`RssSource.poll` packs
both validators into the :class:`Batch` cursor string so the source fits the generic
:class:`~koers.networks.base.PollingSource` protocol.

Entry ids: the entry's ``id``/``guid``, else its link, else a hash of its title, body and
enclosures (:func:`stable_entry_id`) — stable across polls, so the caller's dedupe by
``remote_id`` also removes entries a feed repeats.

Text: each text construct is read by its declared type (HTML converted once, plain text kept
as it is); the language is the entry's ``xml:lang``, else the feed's; relative links resolve
against the feed's address. feedparser only ever sees the bytes received (:func:`parse_feed`).
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import httpx

from koers.networks.base import (
    AuthError,
    Batch,
    IncomingPost,
    PermanentError,
    RetryableError,
)
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client
from koers.networks.text import find_urls, html_to_text

NETWORK = "rss"


@dataclass(frozen=True, slots=True)
class FeedFetch:
    """One fetch: new entries (all entries in the feed; dedupe is the caller's) + validators."""

    posts: tuple[IncomingPost, ...]
    etag: str | None
    last_modified: str | None
    not_modified: bool
    title: str = ""


def _entry_time(entry: Any, fallback: datetime) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            # feedparser normalises to UTC struct_time; timegm reads it as UTC.
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    # No date at all: the time we first saw it is the best truthful value.
    return fallback


def _detail_text(detail: Any) -> tuple[str, list[str]]:
    """Plain text of one feedparser text construct (``title_detail``, ``content[i]``, …) by
    its declared type: HTML and XHTML are converted once; plain text is taken as it is, even
    when it reads like markup ("History of the <blink> tag", an escaped "<br />")."""
    if not detail:
        return "", []
    value = str(detail.get("value") or "")
    if str(detail.get("type") or "text/plain").lower() in ("text/html", "application/xhtml+xml"):
        return html_to_text(value)
    return value.strip(), []


def _body_detail(entry: Any) -> Any:
    if entry.get("content"):
        return entry["content"][0]
    return entry.get("summary_detail")


def _entry_text(entry: Any) -> tuple[str, list[str]]:
    title, _title_links = _detail_text(entry.get("title_detail"))
    summary, links = _detail_text(_body_detail(entry))
    text = f"{title}\n\n{summary}".strip() if summary and summary != title else title
    return text, links


def _entry_language(entry: Any, feed: Any) -> str | None:
    """The entry's own ``xml:lang`` (on its content or title), else the feed's (``xml:lang``,
    ``<language>``, or the server's Content-Language, which feedparser folds in)."""
    for detail in (_body_detail(entry), entry.get("title_detail")):
        if detail and detail.get("language"):
            return str(detail["language"])
    return str(feed.get("language") or "") or None


def _enclosures(entry: Any) -> list[str]:
    return [
        str(link.get("href"))
        for link in entry.get("links") or []
        if link.get("rel") == "enclosure" and link.get("href")
    ]


def stable_entry_id(entry: Any) -> str:
    """The entry's ``id``/``guid``, else its link, else a hash of what it says (title, body,
    enclosures). Never the time it was fetched or a date the feed may rewrite: the same entry
    gets the same id on every poll, so it is stored once."""
    given = str(entry.get("id") or entry.get("link") or "").strip()
    if given:
        return given
    title = str((entry.get("title_detail") or {}).get("value") or "")
    body = str((_body_detail(entry) or {}).get("value") or "")
    content = "\x1f".join([title, body, *_enclosures(entry)])
    return "sha256:" + hashlib.sha256(content.encode()).hexdigest()


def entry_to_incoming(entry: Any, feed: Any, *, fetched_at: datetime) -> IncomingPost:
    """Normalise one feedparser entry (links already absolute: see :func:`parse_feed`)."""
    text, body_links = _entry_text(entry)
    link = str(entry.get("link") or "")
    created = _entry_time(entry, fetched_at)
    links = [link] if link else []
    links += [u for u in [*body_links, *_enclosures(entry)] if u not in links]
    links += [u for _s, _e, u in find_urls(text) if u not in links]
    author = str(entry.get("author") or feed.get("title") or "")
    return IncomingPost(
        network=NETWORK,
        remote_id=stable_entry_id(entry),
        url=link,
        author_handle=author,
        author_name=author,
        text=text,
        lang=_entry_language(entry, feed),
        created_at=created,
        links=tuple(links),
        hashtags=tuple(
            str(t.get("term", "")).lower() for t in entry.get("tags") or [] if t.get("term")
        ),
    )


def parse_feed(body: bytes, url: str, response_headers: Mapping[str, str] | None = None) -> Any:
    """Parse the bytes of a feed fetched from ``url``.

    The body goes in as a stream: given ``bytes``, feedparser first tries them as a file name
    or URL and would read a local file or fetch an address named by the feed server's answer.
    ``url`` (where the feed was finally fetched from) is the Content-Location, so relative
    links in the feed resolve against it; a Content-Location the server sent is resolved too.
    """
    headers = {k.lower(): v for k, v in (response_headers or {}).items()}
    headers["content-location"] = urljoin(url, headers.get("content-location") or "")
    return feedparser.parse(io.BytesIO(body), response_headers=headers)


class RssSource:
    """One feed URL. ``max_bytes`` caps the download (a feed is not a video)."""

    network = NETWORK

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        http: httpx.Client | None = None,
    ) -> None:
        self.url = url
        self.max_bytes = max_bytes
        # Feed addresses are typed by users: public addresses only (koers.networks.safety).
        self._http = http or http_client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={
                "User-Agent": "koers (feed reader)",
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9,"
                " */*;q=0.5",
            },
        )

    def fetch(self, etag: str | None = None, last_modified: str | None = None) -> FeedFetch:
        """GET the feed, conditionally when validators are given. Raises classified errors."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = httpx.URL(self.url).host
        try:
            with self._http.stream("GET", self.url, headers=headers) as response:
                if response.status_code == 304:
                    return FeedFetch((), etag, last_modified, not_modified=True)
                self._raise_for_status(response, host)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise PermanentError(
                            f"The feed at {host} is larger than {self.max_bytes} bytes.",
                            network=NETWORK,
                        )
                response_headers = dict(response.headers)
                final_url = str(response.url)
        except BlockedAddressError as error:  # the feed's host, or where it redirected to
            raise OutboundBlockedError(error.host, network=NETWORK) from None
        except httpx.TimeoutException:
            raise RetryableError(
                f"The feed at {host} did not answer in time.", network=NETWORK
            ) from None
        except httpx.HTTPError as error:
            raise RetryableError(
                f"Could not fetch the feed at {host} ({type(error).__name__}).", network=NETWORK
            ) from None
        parsed = parse_feed(bytes(body), final_url, response_headers)
        if parsed.bozo and not parsed.entries:
            raise PermanentError(
                f"The document at {host} is not a readable RSS or Atom feed.", network=NETWORK
            )
        fetched_at = datetime.now(UTC)
        posts = tuple(
            entry_to_incoming(e, parsed.feed, fetched_at=fetched_at) for e in parsed.entries
        )
        return FeedFetch(
            posts=posts,
            etag=response_headers.get("etag"),
            last_modified=response_headers.get("last-modified"),
            not_modified=False,
            title=str(parsed.feed.get("title") or ""),
        )

    @staticmethod
    def _raise_for_status(response: httpx.Response, host: str) -> None:
        status = response.status_code
        if status < 300:
            return
        if status in (401, 403):
            raise AuthError(
                f"The feed at {host} needs authorisation ({status}).",
                network=NETWORK,
                status=status,
            )
        if status == 429 or status >= 500:
            raise RetryableError(
                f"The feed at {host} is unavailable ({status}).", network=NETWORK, status=status
            )
        raise PermanentError(
            f"The feed at {host} answered {status}.", network=NETWORK, status=status
        )

    def poll(self, cursor: str | None = None) -> Batch:
        """:class:`PollingSource` form: the cursor is JSON holding ``etag``/``last_modified``."""
        state = json.loads(cursor) if cursor else {}
        result = self.fetch(state.get("etag"), state.get("last_modified"))
        next_cursor = json.dumps({"etag": result.etag, "last_modified": result.last_modified})
        return Batch(
            posts=result.posts,
            cursor=next_cursor,
            extra={"not_modified": str(result.not_modified).lower()},
        )
