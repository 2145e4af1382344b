"""A fake Mastodon instance speaking the REST endpoints koers uses, for tests and demos.

    with FakeMastodon(max_characters=500) as server:
        publisher = MastodonPublisher(server.url, server.token)
        server.add_remote_status("Lekker #koffie", tags=["koffie"])   # shows up in timelines
        server.revoke_token()                                         # next calls → 401
        remote = server.add_federated_status("Hoi")   # on another server, found by resolving

Semantics imitated on purpose: ``Idempotency-Key`` on ``POST /api/v1/statuses`` returns the
status already created with that key (Mastodon keeps keys for an hour; the fake forever,
unless the fault plan says ``ignore-idempotency``); media uploads answer 202 with
``url: null`` until polled ``media_processing_polls`` times; timelines and account statuses
page like Mastodon: newest first, ``limit`` at most 40, ``max_id``/``since_id``/``min_id``
and a ``Link`` header with the next (older) and previous (newer) page.
"""

from __future__ import annotations

import html
import itertools
import json
import queue
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from koers.networks.testing.server import FakeServer, Request, Response

_ACCOUNT_ID = "109000000000000001"


class FakeMastodon(FakeServer):
    """Fake instance. ``statuses`` holds every status by id (own and remote), newest last."""

    def __init__(
        self,
        *,
        max_characters: int = 500,
        characters_reserved_per_url: int = 23,
        media_processing_polls: int = 1,
        version: str = "4.3.0",
        token: str = "mastodon-test-token",  # noqa: S107 - a fake server's fixed test token
    ) -> None:
        super().__init__()
        self.max_characters = max_characters
        self.characters_reserved_per_url = characters_reserved_per_url
        self.media_processing_polls = media_processing_polls
        self.version = version
        self.token = token
        self.token_error: str | None = None
        self.statuses: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.media_data: dict[str, bytes] = {}
        self._media_polls: dict[str, int] = {}
        self.idempotency: dict[str, str] = {}
        #: Statuses on other servers, by uri, that a resolving search can fetch.
        self.elsewhere: dict[str, dict[str, Any]] = {}
        #: Every search: (q, resolve).
        self.searches: list[tuple[str, bool]] = []
        self.account: dict[str, Any] = {
            "id": _ACCOUNT_ID,
            "username": "koers",
            "acct": "koers",
            "display_name": "Koers Test",
            "locked": False,
            "bot": False,
            "created_at": "2024-01-01T00:00:00.000Z",
            "note": "",
            "url": "",
            "avatar": "",
            "header": "",
            "followers_count": 120,
            "following_count": 45,
            "statuses_count": 0,
            "emojis": [],
            "fields": [],
        }
        self._ids = itertools.count(113_000_000_000_000_000)
        self._id_lock = threading.Lock()
        # One queue per open streaming connection: (tag filter or None, queue of statuses).
        self._streams: list[tuple[str | None, queue.Queue[dict[str, Any] | None]]] = []
        #: Seconds between heartbeat comments on streaming connections (Mastodon: 15).
        self.heartbeat_interval = 0.2

    # -- test helpers -------------------------------------------------------------------------
    def start(self) -> FakeMastodon:
        super().start()
        self.account["url"] = f"{self.url}/@koers"
        return self

    def stop(self) -> None:
        for _tag, pending in list(self._streams):
            pending.put(None)  # ends the streaming responses so their threads finish
        super().stop()

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    def revoke_token(self, reason: str = "The access token was revoked") -> None:
        """Every authenticated request now answers 401 with Mastodon's error body."""
        self.token_error = reason

    def own_statuses(self) -> list[dict[str, Any]]:
        return [s for s in self.statuses.values() if s["account"]["id"] == _ACCOUNT_ID]

    def set_counts(
        self, status_id: str, *, favourites: int = 0, reblogs: int = 0, replies: int = 0
    ) -> None:
        status = self.statuses[status_id]
        status.update(favourites_count=favourites, reblogs_count=reblogs, replies_count=replies)

    def add_remote_status(
        self,
        text: str,
        *,
        acct: str = "anna@voorbeeld.social",
        display_name: str = "Anna",
        tags: list[str] | None = None,
        language: str | None = "nl",
        in_reply_to_id: str | None = None,
        links: list[str] | None = None,
    ) -> dict[str, Any]:
        """A status by someone else, visible in public/tag timelines and search."""
        username = acct.split("@")[0]
        account = {
            **self.account,
            "id": str(abs(hash(acct)) % 10**12),
            "username": username,
            "acct": acct,
            "display_name": display_name,
            "url": f"https://{acct.split('@')[-1]}/@{username}",
        }
        body = html.escape(text)
        for link in links or []:
            escaped = html.escape(link)
            body = body.replace(
                escaped,
                f'<a href="{escaped}" rel="nofollow noopener" target="_blank">{escaped}</a>',
            )
        for tag in tags or []:
            body = body.replace(
                f"#{tag}",
                f'<a href="{self.url}/tags/{tag}" class="mention hashtag" rel="tag">'
                f"#<span>{tag}</span></a>",
            )
        return self._store_status(
            account=account,
            content=f"<p>{body}</p>",
            language=language,
            tags=[{"name": t, "url": f"{self.url}/tags/{t}"} for t in tags or []],
            in_reply_to_id=in_reply_to_id,
        )

    def add_federated_status(
        self,
        text: str,
        *,
        acct: str = "jan@andere.social",
        display_name: str = "Jan",
        language: str | None = "nl",
    ) -> dict[str, Any]:
        """A status on another server that this instance has not seen yet.

        Returns the status as its home server has it (``uri``, ``url``, its own ``id`` there).
        It becomes known here, under a new local id, only when a search resolves its address;
        until then it is in no timeline and no text search, like on a real instance.
        """
        username, host = acct.split("@", 1)
        home_id = str(110_000_000_000_000_000 + len(self.elsewhere) + 1)
        uri = f"https://{host}/users/{username}/statuses/{home_id}"
        status: dict[str, Any] = {
            "id": home_id,
            "uri": uri,
            "url": f"https://{host}/@{username}/{home_id}",
            "acct": acct,
            "display_name": display_name,
            "text": text,
            "language": language,
        }
        self.elsewhere[uri] = status
        return status

    # -- dispatch -----------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        # Rails ignores a trailing slash, and Mastodon.py sends one on some endpoints.
        path, method = request.path.rstrip("/") or "/", request.method
        if path == "/api/v1/instance":
            return Response.json(self._instance_v1())
        if path == "/api/v2/instance":
            return Response.json(self._instance_v2())
        if self.token_error is not None or request.header("authorization") != (
            f"Bearer {self.token}"
        ):
            error = self.token_error or "The access token is invalid"
            return Response.json({"error": error}, 401)
        if path in ("/api/v1/streaming/hashtag", "/api/v1/streaming/public"):
            tag = request.query.get("tag", [None])[0] if path.endswith("hashtag") else None
            return self._stream(tag.lower() if tag else None)
        if path == "/api/v1/accounts/verify_credentials":
            return Response.json({**self.account, "source": {"privacy": "public"}})
        if path == "/api/v1/statuses" and method == "POST":
            return self._post_status(request)
        if path == "/api/v1/statuses" and method == "GET":
            ids = request.query.get("id[]", [])
            return Response.json([self.statuses[i] for i in ids if i in self.statuses])
        if match := re.fullmatch(r"/api/v1/statuses/(\d+)", path):
            return self._status(match.group(1), method)
        if path in ("/api/v2/media", "/api/v1/media") and method == "POST":
            return self._upload_media(request)
        if match := re.fullmatch(r"/api/v1/media/(\d+)", path):
            return self._get_media(match.group(1))
        if match := re.fullmatch(r"/api/v1/accounts/(\d+)/statuses", path):
            own = [s for s in self.statuses.values() if s["account"]["id"] == match.group(1)]
            return self._linked(self._page(own, request), request)
        if path == "/api/v1/timelines/public":
            return self._linked(self._page(self._public(), request), request)
        if match := re.fullmatch(r"/api/v1/timelines/tag/([^/]+)", path):
            tag = match.group(1).lower()
            tagged = [s for s in self._public() if tag in {t["name"].lower() for t in s["tags"]}]
            return self._linked(self._page(tagged, request), request)
        if path == "/api/v2/search":
            return self._search(request)
        return Response.json({"error": "Record not found"}, 404)

    # -- endpoints ----------------------------------------------------------------------------
    def _instance_v1(self) -> dict[str, Any]:
        return {
            "uri": "127.0.0.1",
            "title": "Fake Mastodon",
            "short_description": "",
            "description": "",
            "email": "",
            "version": self.version,
            "api_versions": {"mastodon": 2},
            "urls": {},
            "stats": {"user_count": 1, "status_count": len(self.statuses), "domain_count": 1},
            "languages": ["nl", "en"],
            "configuration": self._configuration(),
        }

    def _instance_v2(self) -> dict[str, Any]:
        return {
            "domain": "127.0.0.1",
            "title": "Fake Mastodon",
            "version": self.version,
            "api_versions": {"mastodon": 2},
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "",
            "languages": ["nl", "en"],
            "configuration": self._configuration(),
        }

    def _configuration(self) -> dict[str, Any]:
        return {
            "urls": {"streaming": self.url.replace("http", "ws", 1)},
            "statuses": {
                "max_characters": self.max_characters,
                "max_media_attachments": 4,
                "characters_reserved_per_url": self.characters_reserved_per_url,
            },
            "media_attachments": {
                "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
                "image_size_limit": 16_777_216,
                "image_matrix_limit": 33_177_600,
            },
        }

    def _next_id(self) -> str:
        with self._id_lock:
            return str(next(self._ids))

    def _store_status(
        self, *, account: dict[str, Any], content: str, **extra: Any
    ) -> dict[str, Any]:
        status_id = self._next_id()
        username = account["username"]
        status: dict[str, Any] = {
            "id": status_id,
            "uri": f"{self.url}/users/{username}/statuses/{status_id}",
            "url": f"{self.url}/@{username}/{status_id}",
            "created_at": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "account": account,
            "content": content,
            "visibility": "public",
            "sensitive": False,
            "spoiler_text": "",
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "reblogs_count": 0,
            "favourites_count": 0,
            "replies_count": 0,
            "language": None,
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "reblog": None,
            "card": None,
            "poll": None,
        }
        status.update(extra)
        self.statuses[status_id] = status
        if status["visibility"] == "public":
            tags = {t["name"].lower() for t in status["tags"]}
            for tag, pending in list(self._streams):
                if tag is None or tag in tags:
                    pending.put(status)
        return status

    def _post_status(self, request: Request) -> Response:
        form = request.form()
        key = request.header("idempotency-key")
        if key and key in self.idempotency and not self.ignore_idempotency:
            # Same key → the same status, nothing new created (Mastodon's documented behaviour).
            return Response.json(self.statuses[self.idempotency[key]])
        text = form.get("status", [""])[0]
        media_ids = form.get("media_ids[]", [])
        if not text.strip() and not media_ids:
            return Response.json({"error": "Validation failed: Text can't be blank"}, 422)
        if len(text) > self.max_characters:
            # Plain length is enough for a fake; the adapter's own count is what tests check.
            return Response.json(
                {
                    "error": f"Validation failed: Text character limit of "
                    f"{self.max_characters} exceeded"
                },
                422,
            )
        missing = [m for m in media_ids if m not in self.media]
        if missing:
            return Response.json({"error": "Record not found"}, 404)
        status = self._store_status(
            account=self.account,
            content="<p>" + html.escape(text).replace("\n", "<br />") + "</p>",
            visibility=form.get("visibility", ["public"])[0] or "public",
            spoiler_text=form.get("spoiler_text", [""])[0],
            sensitive=form.get("sensitive", ["False"])[0].lower() in ("true", "1"),
            language=form.get("language", [None])[0],
            in_reply_to_id=form.get("in_reply_to_id", [None])[0],
            media_attachments=[self.media[m] for m in media_ids],
        )
        self.account["statuses_count"] += 1
        if key:
            self.idempotency[key] = status["id"]
        return Response.json(status)

    def _search(self, request: Request) -> Response:
        """Text search over public statuses; an address is looked up instead (Mastodon does
        this for a ``q`` that is a URL), and with ``resolve`` fetched from its home server."""
        query = request.query.get("q", [""])[0].strip()
        resolve = request.query.get("resolve", ["0"])[0].lower() in ("1", "true")
        self.searches.append((query, resolve))
        if query.startswith(("https://", "http://")):
            known = [s for s in self.statuses.values() if query in (s["uri"], s["url"])]
            if not known and resolve:
                remote = next(
                    (r for r in self.elsewhere.values() if query in (r["uri"], r["url"])), None
                )
                if remote is not None:
                    known = [self._import(remote)]
            return Response.json({"accounts": [], "hashtags": [], "statuses": known[:1]})
        lowered = query.lower()
        found = [s for s in self._public() if lowered in html.unescape(s["content"]).lower()]
        statuses = self._page(found, request).json_body()
        return Response.json({"accounts": [], "hashtags": [], "statuses": statuses})

    def _import(self, remote: dict[str, Any]) -> dict[str, Any]:
        """Store a federated status under a new local id, keeping its home uri and url."""
        username, host = remote["acct"].split("@", 1)
        account = {
            **self.account,
            "id": str(abs(hash(remote["acct"])) % 10**12),
            "username": username,
            "acct": remote["acct"],
            "display_name": remote["display_name"],
            "url": f"https://{host}/@{username}",
        }
        status = self._store_status(
            account=account,
            content=f"<p>{html.escape(remote['text'])}</p>",
            language=remote["language"],
        )
        status.update(uri=remote["uri"], url=remote["url"])
        return status

    def _status(self, status_id: str, method: str) -> Response:
        status = self.statuses.get(status_id)
        if status is None:
            return Response.json({"error": "Record not found"}, 404)
        if method == "DELETE":
            del self.statuses[status_id]
            return Response.json({**status, "text": html.unescape(status["content"])})
        return Response.json(status)

    def _stream(self, tag: str | None) -> Response:
        """Server-sent events: ``update`` for each new public status (matching ``tag``)."""
        pending: queue.Queue[dict[str, Any] | None] = queue.Queue()
        entry = (tag, pending)
        self._streams.append(entry)

        def events() -> Iterator[bytes]:
            try:
                yield b":)\n"  # Mastodon's streaming server greets with a comment line
                while True:
                    try:
                        status = pending.get(timeout=self.heartbeat_interval)
                    except queue.Empty:
                        yield b":thump\n"  # heartbeat, as Mastodon sends every 15 s
                        continue
                    if status is None:
                        return
                    yield b"event: update\ndata: " + json.dumps(status).encode() + b"\n\n"
            finally:
                self._streams.remove(entry)

        return Response(200, headers={"Content-Type": "text/event-stream"}, stream=events)

    def _upload_media(self, request: Request) -> Response:
        fields = request.multipart()
        payload, filename = fields.get("file", (b"", None))
        if not payload:
            return Response.json({"error": "Validation failed: File can't be blank"}, 422)
        media_id = self._next_id()
        description = fields.get("description", (b"", None))[0].decode("utf-8")
        self.media[media_id] = {
            "id": media_id,
            "type": "image",
            "url": None,
            "preview_url": f"{self.url}/media/{media_id}/small",
            "remote_url": None,
            "description": description or None,
            "blurhash": None,
            "meta": {},
        }
        self.media_data[media_id] = payload
        self._media_polls[media_id] = self.media_processing_polls
        if self.media_processing_polls <= 0:
            self.media[media_id]["url"] = f"{self.url}/media/{media_id}/{filename}"
            return Response.json(self.media[media_id])
        return Response.json(self.media[media_id], 202)

    def _get_media(self, media_id: str) -> Response:
        media = self.media.get(media_id)
        if media is None:
            return Response.json({"error": "Record not found"}, 404)
        self._media_polls[media_id] -= 1
        if self._media_polls[media_id] <= 0:
            media["url"] = f"{self.url}/media/{media_id}/original"
            return Response.json(media)
        return Response.json(media, 206)

    def _public(self) -> list[dict[str, Any]]:
        return [s for s in self.statuses.values() if s["visibility"] == "public"]

    def _page(self, statuses: list[dict[str, Any]], request: Request) -> _JsonList:
        """Newest first; ``since_id``/``min_id``/``max_id`` compare as integers like snowflakes."""
        query = request.query
        chosen = sorted(statuses, key=lambda s: int(s["id"]), reverse=True)
        if since := (query.get("since_id") or query.get("min_id") or [""])[0]:
            chosen = [s for s in chosen if int(s["id"]) > int(since)]
            if query.get("min_id"):
                # min_id pages forward: the statuses just after the cursor, oldest of them.
                chosen = chosen[::-1]
        if max_id := (query.get("max_id") or [""])[0]:
            chosen = [s for s in chosen if int(s["id"]) < int(max_id)]
        limit = min(int((query.get("limit") or ["20"])[0]), 40)  # Mastodon's cap
        page = chosen[:limit]
        if query.get("min_id"):
            page = page[::-1]
        return _JsonList(page)

    def _linked(self, page: _JsonList, request: Request) -> _JsonList:
        """Add Mastodon's ``Link`` header: ``next`` = older (max_id), ``prev`` = newer."""
        items = page.json_body()
        if not items:
            return page
        keep = {k: v for k, v in request.query.items() if k not in ("max_id", "since_id", "min_id")}
        base = f"{self.url}{request.path}"

        def link(cursor: str, value: str, rel: str) -> str:
            query = urlencode({**keep, cursor: [value]}, doseq=True)
            return f'<{base}?{query}>; rel="{rel}"'

        ids = [int(s["id"]) for s in items]
        page.headers["Link"] = ", ".join(
            (link("max_id", str(min(ids)), "next"), link("min_id", str(max(ids)), "prev"))
        )
        return page

    def ratelimit_headers(self, retry_after: int) -> dict[str, str]:
        reset = datetime.now(UTC) + timedelta(seconds=retry_after)
        return {
            "Retry-After": str(retry_after),
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }

    def own_posts(self) -> list[dict[str, Any]]:
        return [
            {
                "id": s["id"],
                "text": _plain(s["content"]),
                "created_at": s["created_at"],
            }
            for s in self.own_statuses()
        ]


def _plain(content: str) -> str:
    """The text a status was posted with, from the HTML the fake stored."""
    inner = content.removeprefix("<p>").removesuffix("</p>").replace("<br />", "\n")
    return html.unescape(inner)


class _JsonList(Response):
    """A JSON list response that remembers its Python value (search wraps it)."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        json_response = Response.json(items)
        super().__init__(json_response.status, json_response.body, json_response.headers)
        self._items = items

    def json_body(self) -> list[dict[str, Any]]:
        return self._items
