"""A fake X API v2 (and its OAuth 2.0 pages) speaking what koers uses, for tests and demos.

    with FakeX() as server:
        tokens = server.issue_tokens()                    # a connected account's first pair
        server.add_user("anna", "Anna")                   # someone who can mention us
        server.add_tweet("anna", "@koers hoi", mention=True)
        server.access_level = "free"                      # mentions/search → 403 (level)
        server.expire_access_tokens()                     # next call → 401, then refresh
        server.revoke_refresh_tokens()                    # a refresh → 400 invalid_request
        server.fail_processing_next("InvalidMedia", "Unsupported video codec")
        server.ratelimit_next(1, "/2/tweets", retry_after=30)   # 429 + x-rate-limit-*

Documented behaviour imitated on purpose:

* Errors in X's two shapes: problem JSON (``{"title", "detail", "type", "status"}``, e.g. 401
  ``Unauthorized``, 403 ``client-not-enrolled`` with ``reason``) and ``{"errors": [{"message",
  "code"}]}`` (the 453 "subset of endpoints" answer, 400 validation).
* Every API answer carries ``x-rate-limit-limit/-remaining/-reset``; each endpoint has a
  window (:attr:`FakeX.window`) and answers 429 when it is used up. POST /2/tweets also carries
  the 24-hour user cap (``x-user-limit-24hour-*``).
* Timelines, mentions and search page newest first with ``max_results`` (5–100),
  ``pagination_token`` ← ``meta.next_token``, ``since_id`` and ``start_time``.
* X refuses a post whose text equals one of the account's recent ones (403 duplicate).
* Media upload v2: ``initialize`` → ``{id}/append`` (multipart, ``segment_index``) →
  ``{id}/finalize`` → ``GET /2/media/upload?command=STATUS`` with ``processing_info``
  (``pending`` → ``in_progress`` → ``succeeded`` or ``failed`` with an error) for video.
* OAuth 2.0: ``/i/oauth2/authorize`` approves at once (PKCE S256 checked at the token
  exchange) and redirects back with ``code`` and ``state``; ``/2/oauth2/token`` needs Basic
  auth for the confidential client, rotates refresh tokens (each works once) and refuses
  revoked ones like X (400 ``invalid_request``).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from koers.networks.testing.server import FakeServer, Request, Response

ACCOUNT_ID = "1500000000000000001"
CLIENT_ID = "fake-x-client-id"
CLIENT_SECRET = "fake-x-client-secret"  # noqa: S105 - a fake server's fixed test secret


def _problem(
    status: int, title: str, detail: str, kind: str = "about:blank", **more: Any
) -> Response:
    return Response.json(
        {"title": title, "detail": detail, "type": kind, "status": status, **more}, status
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class FakeX(FakeServer):
    """Fake X. ``tweets`` holds every post by id (own and others'), oldest first."""

    def __init__(self, *, access_level: str = "basic", access_ttl: int = 7200) -> None:
        super().__init__()
        #: "free" answers mentions/search/timelines with the access-level errors.
        self.access_level = access_level
        self.access_ttl = access_ttl
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.users: dict[str, dict[str, Any]] = {}
        self.account = self.add_user("koers", "Koers Test", user_id=ACCOUNT_ID, followers=250)
        self.tweets: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, float] = {}  # token → expires (epoch)
        self.refresh_tokens: set[str] = set()
        self.used_refresh_tokens: set[str] = set()
        #: How many STATUS polls a video stays ``in_progress``.
        self.processing_polls = 2
        self._processing_failure: tuple[str, str] | None = None
        #: Requests per 15-minute window per endpoint (X's published limits, small for tests).
        self.window: dict[str, int] = {"/2/tweets": 100, "/2/users/": 900, "/2/media/": 500}
        self._used: dict[str, int] = {}
        self._window_reset = int(time.time()) + 900
        self._ids = itertools.count(1_600_000_000_000_000_000)
        self._id_lock = threading.Lock()

    # -- seeding and knobs ----------------------------------------------------------------
    def _next_id(self) -> str:
        with self._id_lock:
            return str(next(self._ids))

    def add_user(
        self, username: str, name: str = "", *, user_id: str = "", followers: int = 10
    ) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id or self._next_id(),
            "username": username,
            "name": name or username,
            "public_metrics": {
                "followers_count": followers,
                "following_count": 12,
                "tweet_count": 0,
                "listed_count": 1,
            },
        }
        self.users[user["id"]] = user
        return user

    def user(self, username: str) -> dict[str, Any]:
        for user in self.users.values():
            if user["username"].lower() == username.lower():
                return user
        return self.add_user(username)

    def add_tweet(
        self,
        username: str,
        text: str,
        *,
        reply_to: str | None = None,
        created_at: datetime | None = None,
        lang: str = "nl",
    ) -> dict[str, Any]:
        """A post by ``username`` (mentions in the text are found like X does)."""
        return self._create(
            self.user(username), text, reply_to=reply_to, created_at=created_at, lang=lang
        )

    def _create(
        self,
        author: dict[str, Any],
        text: str,
        *,
        reply_to: str | None = None,
        quote_of: str | None = None,
        media_keys: list[str] | None = None,
        created_at: datetime | None = None,
        lang: str = "nl",
    ) -> dict[str, Any]:
        import re

        tweet_id = self._next_id()
        mentions = [
            {"username": m.group(1), "id": self.user(m.group(1))["id"]}
            for m in re.finditer(r"@(\w{1,15})", text)
        ]
        references = []
        if reply_to:
            references.append({"type": "replied_to", "id": reply_to})
        if quote_of:
            references.append({"type": "quoted", "id": quote_of})
        shown = text
        if media_keys:  # X adds a t.co link to the media at the end of the text
            shown = f"{text} https://t.co/{tweet_id[-10:]}"
        tweet: dict[str, Any] = {
            "id": tweet_id,
            "text": shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            "_raw": text,
            "author_id": author["id"],
            "created_at": _iso(created_at or datetime.now(UTC)),
            "lang": lang,
            "entities": {"mentions": mentions} if mentions else {},
            "public_metrics": {
                "like_count": 0,
                "retweet_count": 0,
                "reply_count": 0,
                "quote_count": 0,
                "impression_count": 0,
            },
            "non_public_metrics": {"impression_count": 0, "url_link_clicks": 0},
        }
        if references:
            tweet["referenced_tweets"] = references
        if media_keys:
            tweet["attachments"] = {"media_keys": media_keys}
        with self._lock:
            self.tweets[tweet_id] = tweet
            author["public_metrics"]["tweet_count"] += 1
        return tweet

    def set_counts(self, tweet_id: str, **counts: int) -> None:
        """``likes``, ``reposts``, ``replies``, ``quotes``, ``impressions``."""
        names = {
            "likes": "like_count",
            "reposts": "retweet_count",
            "replies": "reply_count",
            "quotes": "quote_count",
            "impressions": "impression_count",
        }
        tweet = self.tweets[tweet_id]
        for key, value in counts.items():
            tweet["public_metrics"][names[key]] = value
        if "impressions" in counts:
            tweet["non_public_metrics"]["impression_count"] = counts["impressions"] * 2

    def issue_tokens(self, *, ttl: int | None = None) -> dict[str, Any]:
        """A fresh token pair as the token endpoint would answer it."""
        access, refresh = "xa-" + secrets.token_urlsafe(16), "xr-" + secrets.token_urlsafe(16)
        expires_in = self.access_ttl if ttl is None else ttl
        with self._lock:
            self.access_tokens[access] = time.time() + expires_in
            self.refresh_tokens.add(refresh)
        return {
            "token_type": "bearer",
            "expires_in": expires_in,
            "access_token": access,
            "refresh_token": refresh,
            "scope": "tweet.read tweet.write users.read offline.access media.write",
        }

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self.access_tokens:
                self.access_tokens[token] = 0.0

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            self.refresh_tokens.clear()

    def fail_processing_next(self, name: str = "InvalidMedia", message: str = "") -> None:
        """The next video's processing ends in ``failed`` with this error."""
        self._processing_failure = (name, message or "Unsupported video format")

    def own_posts(self) -> list[dict[str, Any]]:
        return [
            {"id": t["id"], "text": t["text"], "created_at": t["created_at"]}
            for t in self.tweets.values()
            if t["author_id"] == ACCOUNT_ID
        ]

    def ratelimit_headers(self, retry_after: int) -> dict[str, str]:
        return {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(time.time()) + retry_after),
        }

    # -- routing --------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path = request.path
        if path == "/i/oauth2/authorize":
            return self._authorize(request)
        if path == "/2/oauth2/token" and request.method == "POST":
            return self._token(request)
        if path == "/2/oauth2/revoke" and request.method == "POST":
            return self._revoke(request)
        if not self._authorised(request):
            return _problem(401, "Unauthorized", "Unauthorized")
        limited = self._count_against_window(path)
        if limited is not None:
            return limited
        response = self._api(request)
        response.headers.update(self._window_headers(path))
        return response

    def _bucket(self, path: str) -> str:
        return next((prefix for prefix in self.window if path.startswith(prefix)), path)

    def _count_against_window(self, path: str) -> Response | None:
        with self._lock:
            if time.time() >= self._window_reset:
                self._used.clear()
                self._window_reset = int(time.time()) + 900
            bucket = self._bucket(path)
            limit = self.window.get(bucket)
            if limit is None:
                return None
            if self._used.get(bucket, 0) >= limit:
                response = _problem(429, "Too Many Requests", "Too Many Requests")
                response.headers.update(self._window_headers(path))
                return response
            self._used[bucket] = self._used.get(bucket, 0) + 1
            return None

    def _window_headers(self, path: str) -> dict[str, str]:
        bucket = self._bucket(path)
        limit = self.window.get(bucket, 900)
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(0, limit - self._used.get(bucket, 0))),
            "x-rate-limit-reset": str(self._window_reset),
        }

    def _authorised(self, request: Request) -> bool:
        token = request.header("authorization").removeprefix("Bearer ")
        with self._lock:
            expires = self.access_tokens.get(token)
        return expires is not None and expires > time.time()

    def _not_at_this_level(self, kind: str) -> Response:
        if kind == "problem":
            return _problem(
                403,
                "Client Forbidden",
                "When authenticating requests to the Twitter API v2 endpoints, you must use "
                "keys and tokens from a Twitter developer App that is attached to a Project.",
                "https://api.twitter.com/2/problems/client-forbidden",
                reason="client-not-enrolled",
                required_enrollment="Appropriate Level of API Access",
                client_id=self.client_id,
            )
        return Response.json(
            {
                "errors": [
                    {
                        "message": "You currently have access to a subset of X API V2 "
                        "endpoints and limited v1.1 endpoints only. If you need access to this "
                        "endpoint, you may need a different access level.",
                        "code": 453,
                    }
                ]
            },
            403,
        )

    def _api(self, request: Request) -> Response:  # noqa: C901 - one dispatch table
        path, method = request.path, request.method
        parts = path.strip("/").split("/")
        if path == "/2/users/me":
            return Response.json({"data": self.account})
        if path == "/2/tweets" and method == "POST":
            return self._post_tweet(request)
        if path == "/2/tweets" and method == "GET":
            if self.access_level == "free":
                return self._not_at_this_level("errors")
            return self._lookup_tweets(request)
        if parts[:2] == ["2", "tweets"] and len(parts) == 3 and method == "DELETE":
            with self._lock:
                gone = self.tweets.pop(parts[2], None)
            if gone is None:
                return _problem(
                    404, "Not Found Error", f"Could not find tweet with id: [{parts[2]}]."
                )
            return Response.json({"data": {"deleted": True}})
        if path == "/2/tweets/search/recent":
            if self.access_level == "free":
                return self._not_at_this_level("problem")
            words = [w.lower() for w in request.query.get("query", [""])[0].split()]
            return self._listing(request, lambda t: all(w in t["text"].lower() for w in words))
        if parts[:2] == ["2", "users"] and len(parts) == 4 and parts[3] in ("tweets", "mentions"):
            if self.access_level == "free":
                return self._not_at_this_level("errors" if parts[3] == "mentions" else "problem")
            user_id = parts[2]
            if parts[3] == "tweets":
                return self._listing(request, lambda t: t["author_id"] == user_id)
            return self._listing(
                request,
                lambda t: any(m["id"] == user_id for m in t["entities"].get("mentions", [])),
            )
        if path.startswith("/2/media/"):
            return self._media(request, parts)
        return _problem(404, "Not Found", f"No route for {method} {path}")

    # -- posts ----------------------------------------------------------------------------
    def _post_tweet(self, request: Request) -> Response:
        try:
            body = request.json()
            text = body.get("text", "")
        except (ValueError, AttributeError):
            return self._invalid("The request body is not valid JSON.")
        if len(text) > 280 and not body.get("media"):
            return self._invalid("Tweet text is too long.")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if reply_to and reply_to not in self.tweets:
            return self._invalid(
                "The Tweet you are replying to has been deleted or is not visible."
            )
        media_ids = (body.get("media") or {}).get("media_ids") or []
        keys = []
        for media_id in media_ids:
            session = self.media.get(media_id)
            if session is None or session["state"] != "succeeded":
                return self._invalid(f"Your media IDs are invalid: {media_id}")
            keys.append(session["media_key"])
        with self._lock:
            cutoff = datetime.now(UTC) - timedelta(hours=24)
            for tweet in self.tweets.values():
                if (
                    tweet["author_id"] == ACCOUNT_ID
                    and tweet["_raw"] == text
                    and _parse_time(tweet["created_at"]) > cutoff
                    and not media_ids
                ):
                    return _problem(
                        403,
                        "Forbidden",
                        "You are not allowed to create a Tweet with duplicate content.",
                    )
        tweet = self._create(
            self.account,
            text,
            reply_to=reply_to,
            quote_of=body.get("quote_tweet_id"),
            media_keys=keys,
        )
        headers = {
            "x-user-limit-24hour-limit": "100",
            "x-user-limit-24hour-remaining": "99",
            "x-user-limit-24hour-reset": str(int(time.time()) + 86400),
        }
        return Response.json({"data": {"id": tweet["id"], "text": text}}, 201, headers)

    def _invalid(self, message: str) -> Response:
        return Response.json(
            {
                "errors": [{"message": message}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
            400,
        )

    def _lookup_tweets(self, request: Request) -> Response:
        ids = request.query.get("ids", [""])[0].split(",")
        fields = set(request.query.get("tweet.fields", [""])[0].split(","))
        found = []
        for tweet_id in ids:
            tweet = self.tweets.get(tweet_id)
            if tweet is None:
                continue
            if "non_public_metrics" in fields and tweet["author_id"] != ACCOUNT_ID:
                return _problem(
                    403,
                    "Forbidden",
                    "Sorry, you are not authorized to access 'non_public_metrics' on this Tweet.",
                )
            found.append(self._shaped(tweet, fields))
        return Response.json({"data": found} if found else {"errors": [{"message": "Not found"}]})

    def _shaped(self, tweet: dict[str, Any], fields: set[str]) -> dict[str, Any]:
        shaped = {"id": tweet["id"], "text": tweet["text"], "edit_history_tweet_ids": [tweet["id"]]}
        for name in (
            "created_at",
            "author_id",
            "lang",
            "entities",
            "referenced_tweets",
            "attachments",
            "public_metrics",
            "non_public_metrics",
        ):
            if name in fields and name in tweet:
                shaped[name] = tweet[name]
        if "organic_metrics" in fields:
            shaped["organic_metrics"] = tweet["non_public_metrics"]
        return shaped

    def _listing(self, request: Request, keep: Any) -> Response:
        """Newest first; ``max_results``, ``pagination_token``, ``since_id``, ``start_time``."""
        query = {k: v[0] for k, v in request.query.items()}
        try:
            size = int(query.get("max_results", "10"))
        except ValueError:
            size = 0
        if not 5 <= size <= 100:
            return self._invalid("The `max_results` query parameter value is not between 5 and 100")
        fields = set(query.get("tweet.fields", "").split(","))
        with self._lock:
            rows = sorted(
                (t for t in self.tweets.values() if keep(t)),
                key=lambda t: int(t["id"]),
                reverse=True,
            )
        if "since_id" in query:
            rows = [t for t in rows if int(t["id"]) > int(query["since_id"])]
        if "start_time" in query:
            start = _parse_time(query["start_time"])
            rows = [t for t in rows if _parse_time(t["created_at"]) >= start]
        offset = 0
        if query.get("pagination_token"):
            try:
                offset = int(base64.urlsafe_b64decode(query["pagination_token"].encode()).decode())
            except ValueError:
                return self._invalid("The `pagination_token` query parameter value is invalid.")
        page = rows[offset : offset + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta |= {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if offset + size < len(rows):
            meta["next_token"] = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = [self._shaped(t, fields) for t in page]
            authors = {t["author_id"] for t in page}
            if "author_id" in query.get("expansions", ""):
                body["includes"] = {
                    "users": [
                        {k: self.users[a][k] for k in ("id", "username", "name")} for a in authors
                    ]
                }
        return Response.json(body)

    # -- media ----------------------------------------------------------------------------
    def _media(self, request: Request, parts: list[str]) -> Response:
        if parts == ["2", "media", "upload", "initialize"] and request.method == "POST":
            body = request.json() or {}
            total = int(body.get("total_bytes") or 0)
            mime = str(body.get("media_type") or "")
            if total <= 0 or not mime:
                return self._invalid("media_type and total_bytes are required.")
            media_id = self._next_id()
            with self._lock:
                self.media[media_id] = {
                    "id": media_id,
                    "media_key": f"{'7' if mime.startswith('video/') else '3'}_{media_id}",
                    "type": mime,
                    "category": body.get("media_category"),
                    "total": total,
                    "segments": {},
                    "state": "uploading",
                    "polls": 0,
                    "alt_text": "",
                }
            return Response.json(
                {
                    "data": {
                        "id": media_id,
                        "media_key": self.media[media_id]["media_key"],
                        "expires_after_secs": 86400,
                    }
                }
            )
        if len(parts) == 5 and parts[:3] == ["2", "media", "upload"] and request.method == "POST":
            session = self.media.get(parts[3])
            if session is None:
                return self._invalid(f"Invalid media_id: {parts[3]}")
            if parts[4] == "append":
                fields = request.multipart()
                index = int(fields.get("segment_index", (b"0", None))[0] or 0)
                session["segments"][index] = fields.get("media", (b"", None))[0]
                return Response(204)
            if parts[4] == "finalize":
                received = sum(len(chunk) for chunk in session["segments"].values())
                if received != session["total"]:
                    return self._invalid(
                        f"File size mismatch: got {received} bytes, expected {session['total']}."
                    )
                data: dict[str, Any] = {
                    "id": session["id"],
                    "media_key": session["media_key"],
                    "size": received,
                    "expires_after_secs": 86400,
                }
                if session["type"].startswith("video/"):
                    session["state"] = "pending"
                    data["processing_info"] = {"state": "pending", "check_after_secs": 1}
                else:
                    session["state"] = "succeeded"
                return Response.json({"data": data}, 200)
        if parts == ["2", "media", "upload"] and request.method == "GET":
            media_id = request.query.get("media_id", [""])[0]
            session = self.media.get(media_id)
            if session is None or request.query.get("command", [""])[0] != "STATUS":
                return self._invalid(f"Invalid media_id: {media_id}")
            return Response.json({"data": {"id": media_id, "processing_info": self._poll(session)}})
        if parts == ["2", "media", "metadata"] and request.method == "POST":
            body = request.json() or {}
            session = self.media.get(str(body.get("id")))
            if session is None:
                return self._invalid("Invalid media id.")
            session["alt_text"] = ((body.get("metadata") or {}).get("alt_text") or {}).get(
                "text", ""
            )
            return Response.json({"data": {"associated_metadata": True}})
        return _problem(404, "Not Found", f"No media route for {request.method} {request.path}")

    def _poll(self, session: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if session["state"] in ("succeeded", "failed"):
                pass
            elif session["polls"] < self.processing_polls:
                session["polls"] += 1
                session["state"] = "in_progress"
            elif self._processing_failure is not None:
                session["state"] = "failed"
                name, message = self._processing_failure
                self._processing_failure = None
                session["error"] = {"code": 1, "name": name, "message": message}
            else:
                session["state"] = "succeeded"
            info: dict[str, Any] = {"state": session["state"]}
            if session["state"] == "in_progress":
                info |= {"check_after_secs": 1, "progress_percent": 50 * session["polls"]}
            if session["state"] == "succeeded":
                info["progress_percent"] = 100
            if session["state"] == "failed":
                info["error"] = session["error"]
            return info

    # -- OAuth ----------------------------------------------------------------------------
    def _authorize(self, request: Request) -> Response:
        """Approve at once (a person clicking "Authorize app") and redirect back."""
        query = {k: v[0] for k, v in request.query.items()}
        if query.get("client_id") != self.client_id:
            return Response(
                400, b"Something went wrong: unknown client_id", {"Content-Type": "text/plain"}
            )
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return Response(400, b"PKCE S256 is required", {"Content-Type": "text/plain"})
        code = "xc-" + secrets.token_urlsafe(12)
        with self._lock:
            self.codes[code] = {
                "redirect_uri": query.get("redirect_uri", ""),
                "challenge": query["code_challenge"],
                "scope": query.get("scope", ""),
            }
        target = (
            query.get("redirect_uri", "")
            + "?"
            + urlencode({"code": code, "state": query.get("state", "")})
        )
        return Response(302, b"", {"Location": target})

    def _client_ok(self, request: Request) -> bool:
        auth = request.header("authorization")
        if auth.startswith("Basic "):
            pair = base64.b64decode(auth[6:]).decode()
            return pair == f"{self.client_id}:{self.client_secret}"
        return False  # the fake registers a confidential client: Basic auth is required

    def _token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in request.form().items()}
        if not self._client_ok(request):
            return Response.json(
                {
                    "error": "unauthorized_client",
                    "error_description": "Missing valid authorization header",
                },
                401,
            )
        if form.get("grant_type") == "authorization_code":
            with self._lock:
                kept = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if (
                kept is None
                or kept["challenge"] != challenge
                or kept["redirect_uri"] != form.get("redirect_uri")
            ):
                return Response.json(
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the authorization code was invalid.",
                    },
                    400,
                )
            return Response.json(self.issue_tokens())
        if form.get("grant_type") == "refresh_token":
            token = form.get("refresh_token", "")
            with self._lock:
                valid = token in self.refresh_tokens
                if valid:
                    self.refresh_tokens.discard(token)  # rotation: a refresh token works once
                    self.used_refresh_tokens.add(token)
            if not valid:
                return Response.json(
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the token was invalid.",
                    },
                    400,
                )
            return Response.json(self.issue_tokens())
        return Response.json({"error": "unsupported_grant_type"}, 400)

    def _revoke(self, request: Request) -> Response:
        form = {k: v[0] for k, v in request.form().items()}
        token = form.get("token", "")
        with self._lock:
            self.refresh_tokens.discard(token)
            self.access_tokens.pop(token, None)
        return Response.json({"revoked": True})
