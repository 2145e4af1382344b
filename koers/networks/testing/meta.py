"""A fake Meta Graph API (Facebook Pages, Instagram, Threads) for tests and demos.

    with FakeGraph() as graph:
        page = graph.add_page("Gemeente Zonnedal", instagram="zonnedal")
        publisher = FacebookPublisher(graph.url, page.page_id, page.token)
        graph.expire_token(page.token)                     # next calls → 190/463
        graph.revoke_permission("pages_manage_posts")      # next posts → (#200)
        graph.reel_polls = 3                               # reels FINISHED after 3 polls
        graph.fail_processing_next()                       # next video container → ERROR
        graph.quota_usage = 100                            # content_publishing_limit reached

What it follows from Meta's documentation (where they differ, the documentation wins):

* Versioned paths: ``/v23.0/...`` for the Graph API, ``/v1.0/...`` for Threads; any
  ``vNN.N`` is accepted.
* Errors are ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`` with
  HTTP 400 (401 for OAuth, 403 for permissions), codes 190/463 (expired), 190/460 (password
  changed), 190 (invalid), 200 (permission), 4/80001 (rate limits), 100 (invalid
  parameter), 9004 (media fetch), 9/2207042 (publishing limit).
* Edges page newest first with ``paging.cursors.before/after`` and ``paging.next``.
* Every answer carries ``X-App-Usage``; Page/Instagram calls also
  ``X-Business-Use-Case-Usage`` with ``estimated_time_to_regain_access``. After
  ``calls_per_window`` calls in a window the app is throttled (code 4).
* OAuth: ``/vNN/dialog/oauth`` and Threads' ``/oauth/authorize`` approve at once (or refuse
  with ``deny_next``) and redirect with ``code`` and ``state``; ``oauth/access_token``
  exchanges codes and ``fb_exchange_token``s, Threads' ``/access_token`` ``th_exchange_token``
  and ``/refresh_access_token`` ``th_refresh_token`` (tokens a day old, not expired).
* Containers: images are fetched from ``image_url`` (when ``fetch_media``), an unreachable
  address is error 9004; video containers are ``IN_PROGRESS`` for ``reel_polls`` polls.

The fault knobs of :class:`~koers.networks.testing.server.FakeServer` (fail, drop after
receipt, delay, rate limit) apply to every route. Later parts (webhooks, inbox, listening)
add routes by overriding :meth:`FakeGraph.extra_route`.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from koers.networks.testing.server import FakeServer, Request, Response

_VERSION = re.compile(r"^/v\d+\.\d+(/.*)$")

#: Everything a fully consenting person grants on the fake dialog.
ALL_SCOPES = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_messaging",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
    "read_insights",
    "business_management",
    "threads_basic",
    "threads_content_publish",
)
#: Which permission each write needs (checked on the token's granted scopes).
NEEDS = {
    "feed": "pages_manage_posts",
    "photos": "pages_manage_posts",
    "videos": "pages_manage_posts",
    "media": "instagram_content_publish",
    "media_publish": "instagram_content_publish",
    "threads": "threads_content_publish",
    "threads_publish": "threads_content_publish",
}


@dataclass
class FakeToken:
    kind: str  # "user" | "page" | "threads"
    owner: str  # user id, page id or Threads user id
    expires_at: float | None = None
    password_changed: bool = False
    revoked: bool = False
    issued_at: float = field(default_factory=time.time)


@dataclass
class FakePage:
    page_id: str
    name: str
    token: str
    instagram_id: str = ""
    instagram_username: str = ""
    posts: list[dict[str, Any]] = field(default_factory=list)


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode()


def _uncursor(value: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(value.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return 0


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


class FakeGraph(FakeServer):
    """Fake Graph API + Threads API + OAuth dialogs on one port."""

    def __init__(
        self,
        *,
        client_id: str = "1234567890",
        client_secret: str = "app-secret",  # noqa: S107
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.user_id = "10001"
        self.user_name = "Anna de Vries"
        self.tokens: dict[str, FakeToken] = {}
        self.granted: set[str] = set(ALL_SCOPES)
        self.pages: dict[str, FakePage] = {}
        #: Instagram media and Threads posts by id: {"id", "caption"/"text", "timestamp", …}.
        self.ig_media: dict[str, list[dict[str, Any]]] = {}
        self.threads_posts: dict[str, list[dict[str, Any]]] = {}
        self.containers: dict[str, dict[str, Any]] = {}
        self.comments: list[dict[str, Any]] = []
        self.codes: dict[str, dict[str, Any]] = {}
        self.threads_user = {"id": "70001", "username": "gemeente.zonnedal", "name": "Zonnedal"}
        #: Polls a video container stays IN_PROGRESS before FINISHED.
        self.reel_polls = 2
        self._fail_processing = 0
        #: Instagram's content_publishing_limit (posts in 24 h) and what is used of it.
        self.quota_total = 100
        self.quota_usage = 0
        #: Calls per ``window_seconds`` before the app is throttled (code 4); 0 = unlimited.
        self.calls_per_window = 0
        self.window_seconds = 3600.0
        self._window: list[float] = []
        self.fetch_media = True
        #: What ``/{id}/insights`` answers per metric name (0 when not set).
        self.insight_values: dict[str, int] = {}
        self.deny_next = False
        self.long_lived_seconds = 60 * 24 * 3600
        self._ids = itertools.count(17_900_000_000_000_001)
        self._id_lock = threading.Lock()

    # -- test helpers -------------------------------------------------------------------------
    def _new_id(self) -> str:
        with self._id_lock:
            return str(next(self._ids))

    def new_token(self, kind: str, owner: str, *, expires_in: float | None = None) -> str:
        token = f"EAA{kind}{secrets.token_hex(12)}"
        expires = time.time() + expires_in if expires_in else None
        self.tokens[token] = FakeToken(kind, owner, expires)
        return token

    def add_page(self, name: str, *, instagram: str = "") -> FakePage:
        page_id = self._new_id()
        page = FakePage(page_id, name, self.new_token("page", page_id))
        if instagram:
            page.instagram_id = self._new_id()
            page.instagram_username = instagram
            self.ig_media[page.instagram_id] = []
        self.pages[page_id] = page
        return page

    def expire_token(self, token: str) -> None:
        self.tokens[token].expires_at = time.time() - 1

    def change_password(self, token: str) -> None:
        self.tokens[token].password_changed = True

    def revoke_token(self, token: str) -> None:
        self.tokens[token].revoked = True

    def revoke_permission(self, scope: str) -> None:
        self.granted.discard(scope)

    def fail_processing_next(self, count: int = 1) -> None:
        self._fail_processing += count

    def add_old_post(self, page_id: str, message: str, *, age_seconds: float) -> str:
        post_id = f"{page_id}_{self._new_id()}"
        self.pages[page_id].posts.append(
            {"id": post_id, "message": message, "created": time.time() - age_seconds}
        )
        return post_id

    def own_posts(self) -> list[dict[str, Any]]:
        found = [
            {"id": p["id"], "text": p["message"], "created_at": _stamp(p["created"])}
            for page in self.pages.values()
            for p in page.posts
        ]
        found += [
            {"id": m["id"], "text": m["caption"], "created_at": _stamp(m["created"])}
            for media in self.ig_media.values()
            for m in media
        ]
        return found

    def ratelimit_headers(self, retry_after: int) -> dict[str, str]:
        return self._usage_headers(100, max(retry_after // 60, 1))

    # -- plumbing -----------------------------------------------------------------------------
    def _usage_headers(self, percent: int, regain_minutes: int = 0) -> dict[str, str]:
        usage = {"call_count": percent, "total_time": percent // 2, "total_cputime": percent // 3}
        business = {
            page_id: [
                {
                    "type": "pages",
                    "call_count": percent,
                    "total_cputime": percent // 3,
                    "total_time": percent // 2,
                    "estimated_time_to_regain_access": regain_minutes,
                }
            ]
            for page_id in list(self.pages)[:1]
        }
        return {"X-App-Usage": json.dumps(usage), "X-Business-Use-Case-Usage": json.dumps(business)}

    def _error(
        self,
        message: str,
        code: int,
        subcode: int | None = None,
        *,
        status: int = 400,
        kind: str = "OAuthException",
        headers: dict[str, str] | None = None,
    ) -> Response:
        error: dict[str, Any] = {
            "message": message,
            "type": kind,
            "code": code,
            "fbtrace_id": secrets.token_urlsafe(8),
        }
        if subcode is not None:
            error["error_subcode"] = subcode
        return Response.json({"error": error}, status, headers)

    def _ok(self, data: Any) -> Response:
        percent = (
            int(100 * len(self._window) / self.calls_per_window) if self.calls_per_window else 1
        )
        return Response.json(data, 200, self._usage_headers(min(percent, 100)))

    def _params(self, request: Request) -> dict[str, str]:
        values = {k: v[-1] for k, v in request.query.items()}
        # Graph takes the token as a parameter or as "Authorization: Bearer/OAuth <token>".
        scheme, _, bearer = request.header("authorization").partition(" ")
        if scheme.lower() in ("bearer", "oauth") and bearer:
            values["access_token"] = bearer
        content_type = request.header("content-type")
        if content_type.startswith("multipart/"):
            for name, (payload, filename) in request.multipart().items():
                if filename is None:
                    values[name] = payload.decode("utf-8")
                else:
                    values[name + "@file"] = str(len(payload))
        elif request.body:
            values.update({k: v[-1] for k, v in parse_qs(request.body.decode()).items()})
        return values

    def _auth(self, params: dict[str, str], scope: str | None) -> FakeToken | Response:
        token = self.tokens.get(params.get("access_token", ""))
        if token is None or token.revoked:
            return self._error("Invalid OAuth access token.", 190, status=401)
        if token.expires_at is not None and token.expires_at < time.time():
            return self._error(
                "Error validating access token: Session has expired.", 190, 463, status=401
            )
        if token.password_changed:
            return self._error(
                "Error validating access token: the user changed their password.",
                190,
                460,
                status=401,
            )
        if scope and scope not in self.granted:
            return self._error(
                f"(#200) Requires {scope} permission to manage the object.",
                200,
                status=403,
                kind="OAuthException",
            )
        return token

    def _throttled(self) -> Response | None:
        if not self.calls_per_window:
            return None
        now = time.time()
        self._window = [t for t in self._window if t > now - self.window_seconds]
        if len(self._window) >= self.calls_per_window:
            minutes = int(self.window_seconds // 60) or 1
            return self._error(
                "(#4) Application request limit reached",
                4,
                kind="OAuthException",
                headers=self._usage_headers(100, minutes),
            )
        self._window.append(now)
        return None

    def _paged(self, request: Request, items: list[dict[str, Any]]) -> Response:
        """Newest first, ``limit`` per page, ``after`` cursors, ``next`` while more."""
        params = {k: v[-1] for k, v in request.query.items()}
        limit = min(int(params.get("limit") or 25), 100)
        start = _uncursor(params["after"]) if params.get("after") else 0
        since = float(params["since"]) if params.get("since") else None
        ordered = sorted(items, key=lambda i: i["created"], reverse=True)
        if since is not None:
            ordered = [i for i in ordered if i["created"] >= since]
        chunk = ordered[start : start + limit]
        body: dict[str, Any] = {"data": [self._shape(i) for i in chunk]}
        if chunk:
            body["paging"] = {
                "cursors": {"before": _cursor(start), "after": _cursor(start + len(chunk))}
            }
            if start + len(chunk) < len(ordered):
                query = {**params, "after": _cursor(start + len(chunk))}
                query.pop("access_token", None)
                body["paging"]["next"] = f"{self.url}{request.path}?{urlencode(query)}"
        return self._ok(body)

    def _shape(self, item: dict[str, Any]) -> dict[str, Any]:
        shaped = {k: v for k, v in item.items() if k != "created"}
        shaped["created_time" if "message" in item else "timestamp"] = _stamp(item["created"])
        return shaped

    # -- routing ------------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path = request.path
        if path == "/oauth/authorize":  # Threads' dialog
            return self._dialog(request, threads=True)
        if path in ("/oauth/access_token", "/access_token"):
            return self._threads_token(request)
        if path == "/refresh_access_token":
            return self._threads_refresh(request)
        match = _VERSION.match(path)
        if not match:
            return self._error("Unknown path components", 2500, status=404)
        rest = match.group(1)
        if rest == "/dialog/oauth":
            return self._dialog(request, threads=False)
        if rest == "/oauth/access_token":
            return self._token_exchange(request)
        limited = self._throttled()
        if limited is not None:
            return limited
        extra = self.extra_route(request, rest)
        if extra is not None:
            return extra
        parts = [p for p in rest.split("/") if p]
        params = self._params(request)
        if not parts:
            return self._error("Unsupported request", 100)
        if request.method == "DELETE" and len(parts) == 1:
            return self._delete(params, parts[0])
        if len(parts) == 1:
            return self._node(request, params, parts[0])
        node, edge = parts[0], parts[1]
        auth = self._auth(params, NEEDS.get(edge) if request.method == "POST" else None)
        if isinstance(auth, Response):
            return auth
        handler = getattr(self, f"_{request.method.lower()}_{edge}", None)
        if handler is None:
            return self._error(
                f"(#100) Tried accessing nonexisting field ({edge}) on node type", 100
            )
        answer: Response = handler(request, params, node, auth)
        return answer

    def extra_route(self, request: Request, rest: str) -> Response | None:
        """Routes added by subclasses (webhooks, inbox, listening); ``None`` = not theirs."""
        return None

    # -- OAuth --------------------------------------------------------------------------------
    def _dialog(self, request: Request, *, threads: bool) -> Response:
        params = {k: v[-1] for k, v in request.query.items()}
        redirect = params.get("redirect_uri", "")
        state = params.get("state", "")
        if params.get("client_id") != self.client_id or not redirect:
            return Response(400, b"Invalid App ID", {"Content-Type": "text/plain"})
        if self.deny_next:
            self.deny_next = False
            query = {"error": "access_denied", "error_reason": "user_denied", "state": state}
        else:
            code = secrets.token_urlsafe(16)
            scopes = [s for s in params.get("scope", "").split(",") if s]
            self.codes[code] = {"redirect_uri": redirect, "threads": threads, "scopes": scopes}
            query = {"code": code, "state": state}
        separator = "&" if "?" in redirect else "?"
        return Response(302, b"", {"Location": f"{redirect}{separator}{urlencode(query)}"})

    def _token_exchange(self, request: Request) -> Response:
        params = {k: v[-1] for k, v in request.query.items()}
        if (
            params.get("client_id") != self.client_id
            or params.get("client_secret") != self.client_secret
        ):
            return self._error("Error validating client secret.", 1, kind="OAuthException")
        if params.get("grant_type") == "fb_exchange_token":
            short = self.tokens.get(params.get("fb_exchange_token", ""))
            if short is None or short.kind != "user":
                return self._error("Invalid OAuth access token.", 190, status=401)
            token = self.new_token("user", self.user_id, expires_in=self.long_lived_seconds)
            return self._ok(
                {
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": self.long_lived_seconds,
                }
            )
        code = self.codes.pop(params.get("code", ""), None)
        if code is None or code["threads"]:
            return self._error("This authorization code has been used.", 100, 36009)
        if code["redirect_uri"] != params.get("redirect_uri"):
            return self._error(
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                100,
                36008,
            )
        token = self.new_token("user", self.user_id, expires_in=3600)
        return self._ok({"access_token": token, "token_type": "bearer", "expires_in": 3600})

    def _threads_token(self, request: Request) -> Response:
        params = self._params(request)
        if request.path == "/access_token":  # long-lived exchange
            short = self.tokens.get(params.get("access_token", ""))
            if (
                short is None
                or short.kind != "threads"
                or params.get("client_secret") != self.client_secret
            ):
                return self._error("Invalid OAuth access token.", 190, status=401)
            token = self.new_token(
                "threads", self.threads_user["id"], expires_in=self.long_lived_seconds
            )
            return self._ok(
                {
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": self.long_lived_seconds,
                }
            )
        code = self.codes.pop(params.get("code", ""), None)
        if code is None or not code["threads"] or params.get("client_secret") != self.client_secret:
            return self._error("Invalid authorization code", 100, 36009)
        token = self.new_token("threads", self.threads_user["id"], expires_in=3600)
        return self._ok({"access_token": token, "user_id": self.threads_user["id"]})

    def age_token(self, token: str, seconds: float) -> None:
        """Make ``token`` look ``seconds`` older (refreshing needs a day-old token)."""
        self.tokens[token].issued_at -= seconds

    def _threads_refresh(self, request: Request) -> Response:
        """``GET /refresh_access_token?grant_type=th_refresh_token``: a long-lived Threads
        token at least 24 hours old and not expired → a new one (``expires_in``: 60 days)."""
        params = self._params(request)
        if params.get("grant_type") != "th_refresh_token":
            return self._error("(#100) Unsupported grant_type", 100)
        auth = self._auth(params, None)
        if isinstance(auth, Response):
            return auth
        if auth.kind != "threads":
            return self._error("Invalid OAuth access token.", 190, status=401)
        if time.time() - auth.issued_at < 24 * 3600:
            return self._error(
                "(#100) The access token can only be refreshed when it is at least 24 hours old",
                100,
            )
        token = self.new_token("threads", auth.owner, expires_in=self.long_lived_seconds)
        return self._ok(
            {"access_token": token, "token_type": "bearer", "expires_in": self.long_lived_seconds}
        )

    # -- nodes --------------------------------------------------------------------------------
    def _node(self, request: Request, params: dict[str, str], node: str) -> Response:
        auth = self._auth(params, None)
        if isinstance(auth, Response):
            return auth
        if node == "me":
            if auth.kind == "threads":
                return self._ok(dict(self.threads_user))
            if auth.kind == "page":
                page = self.pages[auth.owner]
                return self._ok({"id": page.page_id, "name": page.name})
            return self._ok({"id": self.user_id, "name": self.user_name})
        if node == self.threads_user["id"] and auth.kind == "threads":
            return self._ok(dict(self.threads_user))
        if node in self.pages:
            page = self.pages[node]
            return self._ok(
                {"id": page.page_id, "name": page.name, "followers_count": 1200, "fan_count": 1100}
            )
        for page in self.pages.values():
            if node == page.instagram_id:
                return self._ok(
                    {
                        "id": node,
                        "username": page.instagram_username,
                        "followers_count": 800,
                        "follows_count": 50,
                        "media_count": len(self.ig_media[node]),
                    }
                )
        if node in self.containers:
            return self._container_status(node)
        for post in self._all_posts():
            if post["id"] == node:
                shaped = self._shape(post)
                shaped.update(
                    like_count=3,
                    comments_count=1,
                    reactions={"data": [], "summary": {"total_count": 3}},
                    comments={"data": [], "summary": {"total_count": 1}},
                    shares={"count": 2},
                )
                return self._ok(shaped)
        return self._error(
            f"(#100) Object with ID '{node}' does not exist, cannot be loaded due to missing "
            "permissions, or does not support this operation",
            100,
            33,
            kind="GraphMethodException",
        )

    def _all_posts(self) -> list[dict[str, Any]]:
        posts = [p for page in self.pages.values() for p in page.posts]
        posts += [m for media in self.ig_media.values() for m in media]
        posts += [t for threads in self.threads_posts.values() for t in threads]
        return posts

    def _delete(self, params: dict[str, str], node: str) -> Response:
        auth = self._auth(params, None)
        if isinstance(auth, Response):
            return auth
        for page in self.pages.values():
            page.posts = [p for p in page.posts if p["id"] != node]
        for media in self.ig_media.values():
            media[:] = [m for m in media if m["id"] != node]
        return self._ok({"success": True})

    # -- Facebook Pages -----------------------------------------------------------------------
    def _get_accounts(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        if auth.kind != "user":
            return self._error("(#100) Unsupported get request", 100)
        if "pages_show_list" not in self.granted:
            return self._ok({"data": []})
        entries = []
        for index, page in enumerate(self.pages.values()):
            entry: dict[str, Any] = {
                "id": page.page_id,
                "name": page.name,
                "access_token": page.token,
                "created": index,
            }
            if page.instagram_id and "instagram_basic" in self.granted:
                entry["instagram_business_account"] = {
                    "id": page.instagram_id,
                    "username": page.instagram_username,
                    "name": page.name,
                }
            entries.append(entry)
        return self._paged_plain(request, entries)

    def _paged_plain(self, request: Request, entries: list[dict[str, Any]]) -> Response:
        params = {k: v[-1] for k, v in request.query.items()}
        limit = min(int(params.get("limit") or 25), 100)
        start = _uncursor(params["after"]) if params.get("after") else 0
        chunk = [
            {k: v for k, v in e.items() if k != "created"} for e in entries[start : start + limit]
        ]
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            body["paging"] = {
                "cursors": {"before": _cursor(start), "after": _cursor(start + len(chunk))}
            }
            if start + len(chunk) < len(entries):
                body["paging"]["next"] = (
                    f"{self.url}{request.path}?after={_cursor(start + len(chunk))}"
                )
        return self._ok(body)

    def _get_insights(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        """Lifetime insights; the numbers are :attr:`insight_values` (name → value)."""
        scope = (
            "threads_basic"
            if auth.kind == "threads"
            else (
                "read_insights"
                if "_" in node or node in self.pages
                else "instagram_manage_insights"
            )
        )
        if scope not in self.granted:
            return self._error(f"(#10) Application does not have permission for {scope}", 10)
        wanted = [m for m in params.get("metric", "").split(",") if m]
        return self._ok(
            {
                "data": [
                    {
                        "name": name,
                        "period": "lifetime",
                        "values": [{"value": self.insight_values.get(name, 0)}],
                        "id": f"{node}/insights/{name}/lifetime",
                    }
                    for name in wanted
                ]
            }
        )

    _get_threads_insights = _get_insights

    def _get_permissions(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._ok(
            {"data": [{"permission": s, "status": "granted"} for s in sorted(self.granted)]}
        )

    def _page(self, node: str, auth: FakeToken) -> FakePage | Response:
        page = self.pages.get(node)
        if page is None or (auth.kind == "page" and auth.owner != node):
            return self._error(f"(#100) Object with ID '{node}' does not exist", 100, 33)
        return page

    def _post_photos(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        page = self._page(node, auth)
        if isinstance(page, Response):
            return page
        if "source@file" not in params and "url" not in params:
            return self._error("(#324) Requires upload file", 324)
        return self._ok({"id": self._new_id()})

    def _post_videos(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        page = self._page(node, auth)
        if isinstance(page, Response):
            return page
        video_id = self._new_id()
        page.posts.append(
            {
                "id": f"{page.page_id}_{video_id}",
                "message": params.get("description", ""),
                "created": time.time(),
            }
        )
        return self._ok({"id": video_id})

    def _post_feed(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        page = self._page(node, auth)
        if isinstance(page, Response):
            return page
        message = params.get("message", "")
        if not message and not params.get("link") and "attached_media[0]" not in params:
            return self._error("(#100) The parameter message or link is required", 100)
        if len(message) > 63206:
            return self._error("(#100) Message is too long", 100)
        post_id = f"{page.page_id}_{self._new_id()}"
        attached = [v for k, v in sorted(params.items()) if k.startswith("attached_media[")]
        page.posts.append(
            {
                "id": post_id,
                "message": message,
                "created": time.time(),
                "permalink_url": f"https://www.facebook.com/{post_id}",
                "attachments_count": len(attached),
                "link": params.get("link", ""),
            }
        )
        return self._ok({"id": post_id})

    def _get_published_posts(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        page = self._page(node, auth)
        if isinstance(page, Response):
            return page
        return self._paged(request, page.posts)

    def _post_comments(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        """A comment by the account that owns the post (the Page, or the Instagram account
        of the media); ``GET`` on the same edge lists it."""
        comment = {
            "id": self._new_id(),
            "parent": node,
            "message": params.get("message", ""),
            "created": time.time(),
        }
        self.comments.append(comment)
        return self._ok({"id": comment["id"]})

    def _get_comments(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        """The post's comments made through the API, newest first: ``message``,
        ``created_time`` and ``from`` (the Page) on Facebook; ``text``, ``timestamp`` and
        ``from`` (``id``, ``username``) on Instagram."""
        ig_owner = next(
            (o for o, media in self.ig_media.items() for m in media if m["id"] == node), ""
        )
        found = []
        for comment in self.comments:
            if comment["parent"] != node:
                continue
            created = comment.get("created", 0.0)
            if ig_owner:
                page = self._ig_account(ig_owner)
                username = page.instagram_username if page else ""
                found.append(
                    {
                        "id": comment["id"],
                        "text": comment["message"],
                        "from": {"id": ig_owner, "username": username},
                        "created": created,
                    }
                )
            else:
                found.append(
                    {
                        "id": comment["id"],
                        "message": comment["message"],
                        "from": {"id": node.partition("_")[0]},
                        "created": created,
                    }
                )
        return self._paged(request, found)

    # -- Instagram and Threads containers -----------------------------------------------------
    def _ig_account(self, node: str) -> FakePage | None:
        return next((p for p in self.pages.values() if p.instagram_id == node), None)

    def _fetch(self, url: str) -> bool:
        if not self.fetch_media:
            return True
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - the test's URL
                return answer.status == 200 and bool(answer.read(1))
        except (OSError, ValueError):
            return False

    def _new_container(self, owner: str, params: dict[str, str], *, threads: bool) -> Response:
        media_type = params.get("media_type", "IMAGE")
        children = [c for c in params.get("children", "").split(",") if c]
        if media_type == "CAROUSEL":
            if not 2 <= len(children) <= (20 if threads else 10):
                return self._error("(#24) The carousel must have between 2 and 10 items", 24)
            if any(c not in self.containers for c in children):
                return self._error("(#100) Invalid children", 100)
        for key in ("image_url", "video_url"):
            if params.get(key) and not self._fetch(params[key]):
                return self._error(
                    "Media download has failed. The media URI doesn't meet our requirements.",
                    9004,
                    2207052,
                )
        if media_type == "TEXT" and not params.get("text"):
            return self._error("(#100) The parameter text is required", 100)
        container_id = self._new_id()
        video = bool(params.get("video_url"))
        failing = video and self._fail_processing > 0
        if failing:
            self._fail_processing -= 1
        self.containers[container_id] = {
            "owner": owner,
            "threads": threads,
            "media_type": media_type,
            "text": params.get("caption") if not threads else params.get("text"),
            "children": children,
            "polls_left": self.reel_polls if video else 0,
            "error": failing,
            "published": "",
            "created": time.time(),
            "reply_to": params.get("reply_to_id", ""),
        }
        return self._ok({"id": container_id})

    def _container_status(self, container_id: str) -> Response:
        container = self.containers[container_id]
        if container["published"]:
            status = "PUBLISHED"
        elif container["error"]:
            status = "ERROR"
        elif time.time() - container["created"] > 24 * 3600:
            status = "EXPIRED"
        elif container["polls_left"] > 0:
            container["polls_left"] -= 1
            status = "IN_PROGRESS"
        else:
            status = "FINISHED"
        field_name = "status" if container["threads"] else "status_code"
        return self._ok({"id": container_id, field_name: status})

    def _publish(self, owner: str, params: dict[str, str], *, threads: bool) -> Response:
        container = self.containers.get(params.get("creation_id", ""))
        if container is None or container["owner"] != owner:
            return self._error("(#100) Invalid creation_id", 100)
        if container["published"]:
            return self._error("(#100) The media has already been published", 100, 2207051)
        if container["error"] or container["polls_left"] > 0:
            return self._error("(#9007) Media ID is not available", 9007, 2207027)
        if not threads and self.quota_usage >= self.quota_total:
            return self._error("(#9) Application request limit reached", 9, 2207042)
        media_id = self._new_id()
        container["published"] = media_id
        entry = {
            "id": media_id,
            "created": time.time(),
            "permalink": f"https://www.{'threads.net/t' if threads else 'instagram.com/p'}/"
            + media_id,
            "media_type": container["media_type"],
        }
        if threads:
            entry["text"] = container["text"] or ""
            if container["reply_to"]:
                entry["reply_to"] = container["reply_to"]
            self.threads_posts.setdefault(owner, []).append(entry)
        else:
            entry["caption"] = container["text"] or ""
            self.ig_media.setdefault(owner, []).append(entry)
            self.quota_usage += 1
        return self._ok({"id": media_id})

    def _post_media(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        if self._ig_account(node) is None:
            return self._error(f"(#100) Object with ID '{node}' does not exist", 100, 33)
        if (
            not params.get("image_url")
            and not params.get("video_url")
            and params.get("media_type") != "CAROUSEL"
        ):
            return self._error("(#100) The parameter image_url is required.", 100)
        return self._new_container(node, params, threads=False)

    def _post_media_publish(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._publish(node, params, threads=False)

    def _get_media(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._paged(request, self.ig_media.get(node, []))

    def _get_content_publishing_limit(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._ok(
            {
                "data": [
                    {
                        "quota_usage": self.quota_usage,
                        "config": {"quota_total": self.quota_total, "quota_duration": 86400},
                    }
                ]
            }
        )

    def _post_threads(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        if auth.kind != "threads" or node not in (auth.owner, "me"):
            return self._error("Invalid OAuth access token.", 190, status=401)
        return self._new_container(auth.owner, params, threads=True)

    def _post_threads_publish(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._publish(auth.owner, params, threads=True)

    def _get_threads(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._paged(request, self.threads_posts.get(auth.owner, []))

    def _get_replies(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        """Threads: the replies to a post, newest first, with ``is_reply_owned_by_me``."""
        found = [
            {
                "id": post["id"],
                "text": post["text"],
                "username": self.threads_user["username"],
                "is_reply_owned_by_me": owner == auth.owner,
                "created": post["created"],
            }
            for owner, posts in self.threads_posts.items()
            for post in posts
            if post.get("reply_to") == node
        ]
        return self._paged(request, found)

    def _get_threads_publishing_limit(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._ok({"data": [{"quota_usage": 0, "config": {"quota_total": 250}}]})
