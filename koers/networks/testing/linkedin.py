"""A fake LinkedIn (Community Management API + OAuth) for tests and demos.

    with FakeLinkedIn() as server:
        org = server.add_organization("Gemeente Koers")          # the member administers it
        publisher = LinkedInPublisher(server.token, org, api_base=server.url)
        server.expire_token()            # next calls → 401 "expired"
        server.fail_video_processing = True
        server.add_comment(post_urn, "Wanneer?")      # a member comments under a post
        server.add_mention(org, "Goed werk @Gemeente Koers")  # a member's post mentions it
        server.consent = True            # the OAuth dialog asks before it approves

Contract imitated (as LinkedIn documents it): every ``/rest/`` request needs
``LinkedIn-Version`` (missing → 400 ``VERSION_MISSING``, unknown → 426
``NONEXISTENT_VERSION``) and ``X-Restli-Protocol-Version: 2.0.0``; errors come as
``{"status", "serviceErrorCode", "code", "message"}``; a token without the scope a call needs
gets 403 ``ACCESS_DENIED`` "Not enough permissions"; finders page with ``start``/``count`` and
answer ``paging.total``; uploads go through initializeUpload → PUT (→ finalizeUpload for
video, whose status stays ``PROCESSING`` for ``video_processing_polls`` reads, then
``AVAILABLE`` or ``PROCESSING_FAILED``); new posts and comments answer 201 with the URN in
``x-restli-id``. Comments list with ``start``/``count``/``paging.total``; a reply to a
comment goes to ``/rest/socialActions/{comment URN}/comments`` with ``parentComment`` and is
listed there (not under the post). ``/rest/organizationalEntityNotifications?q=criteria``
answers the page's notifications (``SHARE_MENTION``: a member's post that mentions the page)
within ``timeRange``. ``/oauth/v2/authorization`` approves at once (redirects back with a
code), or with ``consent`` set shows a consent page whose "Allow" approves;
``/oauth/v2/accessToken`` exchanges codes and refresh tokens.
"""

from __future__ import annotations

import html
import itertools
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from koers.networks.testing.server import FakeServer, Request, Response

SUPPORTED_VERSIONS = ("202505", "202508", "202511", "202601")
ALL_SCOPES = (
    "w_organization_social",
    "r_organization_social",
    "rw_organization_admin",
    "r_organization_followers",
    "r_organization_social_feed",
    "w_organization_social_feed",
)
_MEMBER = "urn:li:person:fakeMember1"


def _error(status: int, code: str, message: str, service_code: int = 0) -> Response:
    body = {"status": status, "code": code, "message": message}
    if service_code:
        body["serviceErrorCode"] = service_code
    return Response.json(body, status)


def _now_ms() -> int:
    return int(time.time() * 1000)


class FakeLinkedIn(FakeServer):
    """Fake LinkedIn. ``posts`` by URN (newest last); ``comments`` by post URN."""

    def __init__(
        self,
        *,
        token: str = "linkedin-test-token",  # noqa: S107 - a fake server's fixed test token
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret",  # noqa: S107 - fixed test secret
        video_part_bytes: int = 4 * 1024 * 1024,
        video_processing_polls: int = 1,
    ) -> None:
        super().__init__()
        self.token = token
        self.client_id = client_id
        self.client_secret = client_secret
        self.video_part_bytes = video_part_bytes
        self.video_processing_polls = video_processing_polls
        self.fail_video_processing = False
        self.tokens: dict[str, dict[str, Any]] = {token: {"state": "ok", "scopes": set(ALL_SCOPES)}}
        self.refresh_tokens: dict[str, set[str]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.organizations: dict[str, dict[str, Any]] = {}
        self.administered: list[str] = []
        self.posts: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.assets: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.followers: dict[str, int] = {}
        self.notifications: list[dict[str, Any]] = []
        self.consent = False
        self._ids = itertools.count(7_100_000_000_000_000_001)

    # -- seeding & knobs ------------------------------------------------------------------
    def add_organization(
        self, name: str, *, administered: bool = True, followers: int = 120
    ) -> str:
        """A page; returns its numeric id (the member administers it unless told otherwise)."""
        org_id = str(10_000_000 + len(self.organizations) + 1)
        with self._lock:
            vanity = re.sub(r"\W+", "-", name.lower()).strip("-")
            self.organizations[org_id] = {
                "id": int(org_id),
                "localizedName": name,
                "vanityName": vanity,
            }
            self.followers[f"urn:li:organization:{org_id}"] = followers
            if administered:
                self.administered.append(org_id)
        return org_id

    def add_post(self, org_id: str, text: str, *, created_ms: int | None = None) -> str:
        """A post made elsewhere (on LinkedIn itself, by another tool)."""
        with self._lock:
            return self._create_post(
                {"author": f"urn:li:organization:{org_id}", "commentary": text},
                created_ms=created_ms,
            )

    def expire_token(self, token: str | None = None) -> None:
        self.tokens[token or self.token]["state"] = "expired"

    def revoke_token(self, token: str | None = None) -> None:
        self.tokens[token or self.token]["state"] = "revoked"

    def grant(self, scopes: tuple[str, ...], token: str | None = None) -> None:
        """Give the token only these scopes (the rest answer 403 ACCESS_DENIED)."""
        self.tokens[token or self.token]["scopes"] = set(scopes)

    def ratelimit_headers(self, retry_after: int) -> dict[str, str]:
        return {"Retry-After": str(retry_after)}

    def own_posts(self) -> list[dict[str, Any]]:
        return [
            {"id": urn, "text": p["commentary"], "created_at": p["createdAt"]}
            for urn, p in self.posts.items()
            if str(p.get("author", "")).startswith("urn:li:organization:")
        ]

    # -- routing --------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path = unquote(request.path)
        if path == "/oauth/v2/authorization":
            return self._authorize(request)
        if path == "/oauth/v2/accessToken" and request.method == "POST":
            return self._access_token(request)
        if path.startswith("/upload/") and request.method == "PUT":
            return self._upload(path, request)
        if not path.startswith("/rest/"):
            return _error(404, "NOT_FOUND", "No such resource.")
        refused = self._check_headers(request)
        if refused is not None:
            return refused
        refused = self._check_token(request, path)
        if refused is not None:
            return refused
        return self._rest(request, path)

    def _check_headers(self, request: Request) -> Response | None:
        version = request.header("linkedin-version")
        if not version:
            return _error(
                400,
                "VERSION_MISSING",
                "A version must be present. Please specify a version by adding the "
                "LinkedIn-Version header.",
            )
        if version not in SUPPORTED_VERSIONS:
            return _error(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        if request.header("x-restli-protocol-version") != "2.0.0":
            return _error(400, "ILLEGAL_ARGUMENT", "Rest.li protocol version 2.0.0 is required.")
        return None

    def _check_token(self, request: Request, path: str) -> Response | None:
        auth = request.header("authorization")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        known = self.tokens.get(token)
        if known is None:
            return _error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        if known["state"] == "expired":
            return _error(
                401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601
            )
        if known["state"] == "revoked":
            return _error(
                401,
                "REVOKED_ACCESS_TOKEN",
                "The token used in the request has been revoked by the user",
                65602,
            )
        needed = _scope_needed(request.method, path)
        if not set(needed) & known["scopes"]:
            return _error(
                403,
                "ACCESS_DENIED",
                f"Not enough permissions to access: {request.method} {path}",
                100,
            )
        return None

    def _rest(self, request: Request, path: str) -> Response:
        query = {k: v[-1] for k, v in request.query.items()}
        method = request.method
        action = query.get("action")
        with self._lock:
            if path in ("/rest/images", "/rest/documents", "/rest/videos") and method == "POST":
                kind = path.rsplit("/", 1)[1][:-1]
                if action == "initializeUpload":
                    return self._initialize(kind, request.json())
                if action == "finalizeUpload" and kind == "video":
                    return self._finalize(request.json())
            if path.startswith("/rest/videos/") and method == "GET":
                return self._video_status(path.removeprefix("/rest/videos/"))
            if path == "/rest/posts" and method == "POST":
                return self._post(request.json())
            if path == "/rest/posts" and method == "GET":
                return self._posts_by_author(query)
            if path.startswith("/rest/posts/"):
                return self._one_post(method, path.removeprefix("/rest/posts/"))
            match = re.fullmatch(r"/rest/socialActions/(.+)/comments", path)
            if match:
                return self._comments(method, match.group(1), query, request)
            if path == "/rest/organizationAcls" and method == "GET":
                return self._acls(query)
            if path == "/rest/organizationalEntityNotifications" and method == "GET":
                return self._notifications(query)
            if path.startswith("/rest/organizations/") and method == "GET":
                org = self.organizations.get(path.removeprefix("/rest/organizations/"))
                if org is None:
                    return _error(404, "NOT_FOUND", "Organization not found", 404)
                return Response.json(org)
            if path == "/rest/organizationalEntityShareStatistics":
                return self._share_statistics(query)
            if path == "/rest/organizationalEntityFollowerStatistics":
                urn = query.get("organizationalEntity", "")
                organic = self.followers.get(urn, 0)
                return Response.json(
                    {
                        "elements": [
                            {
                                "organizationalEntity": urn,
                                "followerCountsByAssociationType": [
                                    {
                                        "followerCounts": {
                                            "organicFollowerCount": organic,
                                            "paidFollowerCount": 0,
                                        }
                                    }
                                ],
                            }
                        ],
                        "paging": {"start": 0, "count": 10, "total": 1},
                    }
                )
            if path.startswith("/rest/networkSizes/"):
                urn = path.removeprefix("/rest/networkSizes/")
                return Response.json({"firstDegreeSize": self.followers.get(urn, 0)})
        return _error(404, "NOT_FOUND", f"No resource {method} {path}", 404)

    # -- uploads --------------------------------------------------------------------------
    def _initialize(self, kind: str, body: Any) -> Response:
        request = (body or {}).get("initializeUploadRequest") or {}
        owner = str(request.get("owner") or "")
        if not self._administers(owner):
            return _error(403, "ACCESS_DENIED", f"Not enough permissions to upload as {owner}")
        urn = f"urn:li:{kind}:D{next(self._ids)}"
        asset: dict[str, Any] = {"owner": owner, "status": "WAITING_UPLOAD", "polls": 0}
        value: dict[str, Any] = {"uploadUrlExpiresAt": _now_ms() + 3_600_000}
        if kind == "video":
            size = int(request.get("fileSizeBytes") or 0)
            parts = []
            for index, first in enumerate(range(0, max(size, 1), self.video_part_bytes)):
                last = min(first + self.video_part_bytes, size) - 1
                parts.append(
                    {
                        "uploadUrl": f"{self.url}/upload/{urn}/{index}",
                        "firstByte": first,
                        "lastByte": last,
                    }
                )
            asset["parts"] = len(parts)
            asset["etags"] = {}
            value |= {"video": urn, "uploadInstructions": parts, "uploadToken": ""}
        else:
            value |= {"uploadUrl": f"{self.url}/upload/{urn}/0", kind: urn}
        self.assets[urn] = asset
        return Response.json({"value": value})

    def _upload(self, path: str, request: Request) -> Response:
        match = re.fullmatch(r"/upload/(urn:li:\w+:\w+)/(\d+)", path)
        with self._lock:
            asset = self.assets.get(match.group(1)) if match else None
            if match is None or asset is None:
                return _error(404, "NOT_FOUND", "Unknown upload URL")
            urn, index = match.group(1), int(match.group(2))
            self.uploads[f"{urn}/{index}"] = request.body
            if "parts" in asset:
                etag = f"etag-{secrets.token_hex(6)}"
                asset["etags"][index] = etag
                return Response(201, b"", {"ETag": etag})
            asset["status"] = "AVAILABLE"
        return Response(201, b"")

    def _finalize(self, body: Any) -> Response:
        request = (body or {}).get("finalizeUploadRequest") or {}
        asset = self.assets.get(str(request.get("video")))
        if asset is None:
            return _error(404, "NOT_FOUND", "Unknown video")
        expected = [asset["etags"].get(i) for i in range(asset["parts"])]
        if list(request.get("uploadedPartIds") or []) != expected:
            return _error(400, "ILLEGAL_ARGUMENT", "uploadedPartIds do not match the upload")
        asset["status"] = "PROCESSING"
        return Response(200, b"")

    def _video_status(self, urn: str) -> Response:
        asset = self.assets.get(urn)
        if asset is None:
            return _error(404, "NOT_FOUND", "Unknown video")
        if asset["status"] == "PROCESSING":
            asset["polls"] += 1
            if asset["polls"] >= self.video_processing_polls:
                asset["status"] = "PROCESSING_FAILED" if self.fail_video_processing else "AVAILABLE"
                return Response.json({"id": urn, "status": "PROCESSING"})
        return Response.json({"id": urn, "status": asset["status"]})

    # -- posts ----------------------------------------------------------------------------
    def _administers(self, urn: str) -> bool:
        return urn.startswith("urn:li:organization:") and urn.rsplit(":", 1)[1] in self.administered

    def _post(self, body: Any) -> Response:
        if not isinstance(body, dict):
            return _error(400, "ILLEGAL_ARGUMENT", "Body must be a JSON object")
        author = str(body.get("author") or "")
        if not self._administers(author):
            return _error(403, "ACCESS_DENIED", f"Not enough permissions to post as {author}")
        for name in ("commentary", "visibility", "distribution", "lifecycleState"):
            if name not in body:
                return _error(422, "UNPROCESSABLE_ENTITY", f"/{name} :: field is required")
        if len(str(body["commentary"])) > 3000:
            return _error(422, "UNPROCESSABLE_ENTITY", "/commentary :: length exceeds 3000")
        content = body.get("content") or {}
        media_ids = (
            [str((content.get("media") or {}).get("id") or "")] if "media" in content else []
        )
        media_ids += [str(i.get("id")) for i in (content.get("multiImage") or {}).get("images", [])]
        for urn in media_ids:
            asset = self.assets.get(urn)
            if asset is None or asset["status"] != "AVAILABLE":
                return _error(422, "UNPROCESSABLE_ENTITY", f"Media {urn} is not available")
        urn = self._create_post(body)
        return Response(201, b"", {"x-restli-id": urn})

    def _create_post(self, body: dict[str, Any], *, created_ms: int | None = None) -> str:
        urn = f"urn:li:share:{next(self._ids)}"
        stamp = created_ms or _now_ms()
        self.posts[urn] = {
            **body,
            "id": urn,
            "createdAt": stamp,
            "publishedAt": stamp,
            "lastModifiedAt": stamp,
        }
        self.comments[urn] = []
        return urn

    def _posts_by_author(self, query: dict[str, str]) -> Response:
        if query.get("q") != "author" or not query.get("author"):
            return _error(400, "ILLEGAL_ARGUMENT", "q=author and author are required")
        start, count = int(query.get("start", 0)), min(int(query.get("count", 10)), 100)
        mine = [p for p in self.posts.values() if p["author"] == query["author"]]
        mine.sort(key=lambda p: (p["lastModifiedAt"], p["id"]), reverse=True)
        return Response.json(
            {
                "elements": mine[start : start + count],
                "paging": {"start": start, "count": count, "total": len(mine)},
            }
        )

    def _one_post(self, method: str, urn: str) -> Response:
        if urn not in self.posts:
            return _error(404, "NOT_FOUND", f"Post {urn} not found", 404)
        if method == "DELETE":
            del self.posts[urn]
            return Response(204, b"")
        return Response.json(self.posts[urn])

    def _comment_target(self, urn: str) -> str | None:
        """The post a comments URL is about (the post itself, or a comment's post)."""
        if urn in self.posts:
            return urn
        match = re.fullmatch(r"urn:li:comment:\((.+),(\d+)\)", urn)
        if match and any(c["commentUrn"] == urn for c in self.comments.get(match.group(1), [])):
            return match.group(1)
        return None

    def _comments(self, method: str, urn: str, query: dict[str, str], request: Request) -> Response:
        post = self._comment_target(urn)
        if post is None:
            return _error(404, "NOT_FOUND", f"Entity {urn} not found", 404)
        parent = urn if urn != post else ""
        if method == "POST":
            body = request.json() or {}
            text = str((body.get("message") or {}).get("text") or "")
            if not text:
                return _error(422, "UNPROCESSABLE_ENTITY", "/message/text :: field is required")
            if str(body.get("parentComment") or "") != parent:
                return _error(
                    400, "ILLEGAL_ARGUMENT", "parentComment must name the comment in the path"
                )
            if str(body.get("object") or "") != post:
                return _error(400, "ILLEGAL_ARGUMENT", "object must be the post commented on")
            comment_urn = self._new_comment(post, text, str(body.get("actor") or ""), parent)
            return Response(201, b"", {"x-restli-id": comment_urn})
        listed = [c for c in self.comments[post] if c.get("parentComment", "") == parent]
        start, count = int(query.get("start", 0)), min(int(query.get("count", 10)), 100)
        return Response.json(
            {
                "elements": listed[start : start + count],
                "paging": {"start": start, "count": count, "total": len(listed)},
            }
        )

    def _new_comment(
        self, post: str, text: str, actor: str, parent: str = "", created_ms: int | None = None
    ) -> str:
        comment_id = str(next(self._ids))
        comment_urn = f"urn:li:comment:({post},{comment_id})"
        comment: dict[str, Any] = {
            "id": comment_id,
            "$URN": comment_urn,
            "commentUrn": comment_urn,
            "actor": actor,
            "object": post,
            "message": {"text": text, "attributes": []},
            "created": {"actor": actor, "time": created_ms or _now_ms()},
        }
        if parent:
            comment["parentComment"] = parent
        self.comments[post].append(comment)
        return comment_urn

    def add_comment(
        self, urn: str, text: str, actor: str = _MEMBER, *, created_ms: int | None = None
    ) -> str:
        """A member's comment under post ``urn`` (or under comment ``urn``: a reply)."""
        with self._lock:
            post = self._comment_target(urn)
            if post is None:
                raise KeyError(urn)
            return self._new_comment(post, text, actor, urn if urn != post else "", created_ms)

    def replies_to(self, comment_urn: str) -> list[dict[str, Any]]:
        post = self._comment_target(comment_urn) or ""
        return [c for c in self.comments.get(post, []) if c.get("parentComment") == comment_urn]

    def add_mention(
        self, org_id: str, text: str, *, author: str = _MEMBER, created_ms: int | None = None
    ) -> str:
        """A member's post that @-mentions the page, and the page's SHARE_MENTION
        notification about it; returns the post's URN."""
        org = f"urn:li:organization:{org_id}"
        name = self.organizations.get(org_id, {}).get("localizedName", org_id)
        commentary = text.replace(f"@{name}", f"@[{name}]({org})")
        with self._lock:
            urn = self._create_post(
                {"author": author, "commentary": commentary}, created_ms=created_ms
            )
            stamp = self.posts[urn]["createdAt"]
            self.notifications.append(
                {
                    "notificationId": next(self._ids) % 10_000_000,
                    "organizationalEntity": org,
                    "action": "SHARE_MENTION",
                    "sourcePost": urn,
                    "generatedActivity": urn,
                    "decoratedGeneratedActivity": {"share": {"owner": author, "entity": urn}},
                    "lastModifiedAt": stamp,
                }
            )
        return urn

    def _notifications(self, query: dict[str, str]) -> Response:
        if query.get("q") != "criteria" or not query.get("organizationalEntity"):
            return _error(
                400, "ILLEGAL_ARGUMENT", "q=criteria and organizationalEntity are required"
            )
        actions = set(_list_param(query.get("actions", "")))
        window = re.fullmatch(r"\(start:(\d+),end:(\d+)\)", unquote(query.get("timeRange", "")))
        if not actions or window is None:
            return _error(400, "ILLEGAL_ARGUMENT", "actions and timeRange are required")
        first, last = int(window.group(1)), int(window.group(2))
        found = [
            n
            for n in self.notifications
            if n["organizationalEntity"] == query["organizationalEntity"]
            and n["action"] in actions
            and first <= n["lastModifiedAt"] <= last
        ]
        start, count = int(query.get("start", 0)), min(int(query.get("count", 10)), 100)
        return Response.json(
            {
                "elements": found[start : start + count],
                "paging": {"start": start, "count": count, "total": len(found)},
            }
        )

    def _share_statistics(self, query: dict[str, str]) -> Response:
        org = query.get("organizationalEntity", "")
        wanted = [u for name in ("shares", "ugcPosts") for u in _list_param(query.get(name, ""))]
        elements = []
        posts = [p for p in self.posts.values() if p["author"] == org]
        if not wanted:
            total = self._stats(posts)
            elements.append({"organizationalEntity": org, "totalShareStatistics": total})
        for urn in wanted:
            post = self.posts.get(urn)
            if post is None or post["author"] != org:
                continue
            key = "share" if ":share:" in urn else "ugcPost"
            elements.append(
                {"organizationalEntity": org, key: urn, "totalShareStatistics": self._stats([post])}
            )
        return Response.json({"elements": elements, "paging": {"start": 0, "count": 10}})

    def _stats(self, posts: list[dict[str, Any]]) -> dict[str, Any]:
        comments = sum(len(self.comments.get(p["id"], [])) for p in posts)
        likes = sum(int(p.get("likes", 0)) for p in posts)
        impressions = sum(int(p.get("impressions", 0)) for p in posts)
        return {
            "likeCount": likes,
            "commentCount": comments,
            "shareCount": sum(int(p.get("reshares", 0)) for p in posts),
            "impressionCount": impressions,
            "uniqueImpressionsCount": impressions // 2,
            "clickCount": sum(int(p.get("clicks", 0)) for p in posts),
            "engagement": 0.0,
        }

    def _acls(self, query: dict[str, str]) -> Response:
        if query.get("q") != "roleAssignee":
            return _error(400, "ILLEGAL_ARGUMENT", "q=roleAssignee is required")
        elements = [
            {
                "organization": f"urn:li:organization:{org_id}",
                "role": "ADMINISTRATOR",
                "state": "APPROVED",
                "roleAssignee": _MEMBER,
            }
            for org_id in self.administered
        ]
        start, count = int(query.get("start", 0)), min(int(query.get("count", 10)), 100)
        return Response.json(
            {
                "elements": elements[start : start + count],
                "paging": {"start": start, "count": count, "total": len(elements)},
            }
        )

    # -- OAuth ----------------------------------------------------------------------------
    def _authorize(self, request: Request) -> Response:
        query = {k: v[-1] for k, v in request.query.items()}
        if self.consent and request.method == "GET" and query.get("client_id") == self.client_id:
            return _consent_page(request, query)
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return Response(
                400, b"<h1>Invalid client_id or response_type</h1>", {"Content-Type": "text/html"}
            )
        scopes = set(query.get("scope", "").split())
        unknown = scopes - set(ALL_SCOPES)
        redirect = query.get("redirect_uri", "")
        separator = "&" if "?" in redirect else "?"
        if unknown:
            params = {
                "error": "invalid_scope",
                "error_description": (
                    f"Scope {sorted(unknown)[0]} is not authorized for your application"
                ),
                "state": query.get("state", ""),
            }
        else:
            code = secrets.token_urlsafe(16)
            with self._lock:
                self.codes[code] = {"scopes": scopes, "redirect_uri": redirect}
            params = {"code": code, "state": query.get("state", "")}
        return Response(302, b"", {"Location": f"{redirect}{separator}{urlencode(params)}"})

    def _access_token(self, request: Request) -> Response:
        form = {k: v[-1] for k, v in parse_qs(request.body.decode()).items()}
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return Response.json(
                {"error": "invalid_client", "error_description": "Client authentication failed"},
                401,
            )
        with self._lock:
            if form.get("grant_type") == "authorization_code":
                kept = self.codes.pop(form.get("code", ""), None)
                if kept is None or kept["redirect_uri"] != form.get("redirect_uri"):
                    return Response.json(
                        {
                            "error": "invalid_request",
                            "error_description": "Unable to retrieve access token: "
                            "authorization code not found",
                        },
                        400,
                    )
                scopes = kept["scopes"]
            elif form.get("grant_type") == "refresh_token":
                found = self.refresh_tokens.get(form.get("refresh_token", ""))
                if found is None:
                    return Response.json(
                        {
                            "error": "invalid_request",
                            "error_description": "The provided refresh token is invalid",
                        },
                        400,
                    )
                scopes = found
            else:
                return Response.json(
                    {"error": "unsupported_grant_type", "error_description": "grant_type"}, 400
                )
            access = secrets.token_urlsafe(24)
            refresh = secrets.token_urlsafe(24)
            self.tokens[access] = {"state": "ok", "scopes": set(scopes)}
            self.refresh_tokens[refresh] = set(scopes)
        return Response.json(
            {
                "access_token": access,
                "expires_in": 5_184_000,
                "refresh_token": refresh,
                "refresh_token_expires_in": 31_536_000,
                "scope": ",".join(sorted(scopes)),
            }
        )


def _consent_page(request: Request, query: dict[str, str]) -> Response:
    """LinkedIn's "allow this app" page: Allow posts the same request back (and approves)."""
    scopes = "".join(f"<li>{html.escape(s)}</li>" for s in query.get("scope", "").split())
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in query.items()
    )
    page = (
        "<!doctype html><html lang=en><title>LinkedIn</title><h1>Allow access</h1>"
        f"<p>The app wants to:</p><ul>{scopes}</ul>"
        f'<form method="post" action="/oauth/v2/authorization?{html.escape(urlencode(query))}">'
        f'{fields}<button type="submit">Allow</button></form></html>'
    )
    return Response(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})


def _list_param(value: str) -> list[str]:
    """``List(a,b)`` (Rest.li 2.0) → ``[a, b]``."""
    value = unquote(value)
    if value.startswith("List(") and value.endswith(")"):
        return [unquote(v) for v in value[5:-1].split(",") if v]
    return [value] if value else []


def _scope_needed(method: str, path: str) -> tuple[str, ...]:
    """The scopes of which a call needs one (comments: the social or the social-feed one)."""
    if path.startswith(
        (
            "/rest/organizationAcls",
            "/rest/organizations/",
            "/rest/organizationalEntityShareStatistics",
            "/rest/organizationalEntityFollowerStatistics",
            "/rest/organizationalEntityNotifications",
        )
    ):
        return ("rw_organization_admin",)
    if path.startswith("/rest/networkSizes"):
        return ("r_organization_followers",)
    feed = path.startswith("/rest/socialActions/")
    if method == "GET":
        return ("r_organization_social", "r_organization_social_feed")[: 2 if feed else 1]
    return ("w_organization_social", "w_organization_social_feed")[: 2 if feed else 1]
