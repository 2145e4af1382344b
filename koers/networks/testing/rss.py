"""A fake feed server with ETag/Last-Modified, answering 304 to a matching conditional GET.

with FakeFeed() as feed:
    feed.add_item("Titel", "https://voorbeeld.nl/1", "<p>Tekst</p>")
    source = RssSource(feed.url + "/feed.xml")
    feed.full_responses / feed.not_modified_responses   # counters
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from koers.networks.testing.server import FakeServer, Request, Response


class FakeFeed(FakeServer):
    """Serves an RSS 2.0 feed at ``/feed.xml`` (and Atom at ``/atom.xml``)."""

    def __init__(self, *, title: str = "Voorbeeld Nieuws", language: str = "nl") -> None:
        super().__init__()
        self.title = title
        self.language = language
        self.items: list[dict[str, str]] = []
        self.modified = datetime(2025, 11, 1, 12, 0, tzinfo=UTC)
        self.full_responses = 0
        self.not_modified_responses = 0

    def add_item(
        self,
        title: str,
        link: str,
        description: str = "",
        *,
        guid: str | None = None,
        categories: tuple[str, ...] = (),
    ) -> None:
        published = self.modified + timedelta(hours=len(self.items) + 1)
        self.items.append(
            {
                "title": title,
                "link": link,
                "description": description,
                "guid": guid or link,
                "pubDate": format_datetime(published),
                "categories": ",".join(categories),
            }
        )
        self.modified = published

    def _etag(self) -> str:
        digest = hashlib.sha256(repr(self.items).encode()).hexdigest()[:16]
        return f'"{digest}"'

    def _rss(self) -> bytes:
        items = "".join(
            "<item>"
            f"<title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
            f"<guid>{escape(i['guid'])}</guid><pubDate>{i['pubDate']}</pubDate>"
            f"<description>{escape(i['description'])}</description>"
            + "".join(f"<category>{escape(c)}</category>" for c in i["categories"].split(",") if c)
            + "</item>"
            for i in self.items
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(self.title)}</title><link>{self.url}/</link>"
            f"<language>{self.language}</language><description>fake</description>"
            f"{items}</channel></rss>"
        ).encode()

    def route(self, request: Request) -> Response:
        if request.path != "/feed.xml":
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        etag = self._etag()
        last_modified = format_datetime(self.modified, usegmt=True)
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if request.header("if-none-match") == etag or (
            not request.header("if-none-match")
            and request.header("if-modified-since") == last_modified
        ):
            self.not_modified_responses += 1
            return Response(304, b"", validators)
        self.full_responses += 1
        return Response(
            200, self._rss(), {"Content-Type": "application/rss+xml; charset=utf-8", **validators}
        )
