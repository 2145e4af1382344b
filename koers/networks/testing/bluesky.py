"""A fake ATProto PDS + Bluesky AppView on one local port, for tests and demos.

    with FakeBluesky() as server:
        server.add_account("anna.bsky.social")                 # resolvable for mentions
        publisher = BlueskyPublisher(BlueskySession("koers.bsky.social", server.password,
                                                    service_url=server.url))
        server.access_ttl = -60        # the next issued access tokens are already expired
        server.expire_all_access_tokens()   # tokens issued so far are refused (ExpiredToken)
        server.calls("com.atproto.server.createSession")        # how often someone logged in

Semantics imitated on purpose (they are what the adapter relies on):

* Access tokens are JWTs with a real ``exp`` (the atproto client reads it to decide when to
  refresh); an expired one is refused with 400 ``ExpiredToken`` like the reference PDS.
* ``createRecord`` with an ``rkey`` that already exists fails. Today's reference PDS answers
  500 InternalServerError (bluesky-social/atproto#3718); an explicit error is proposed
  (#4728). ``duplicate_rkey_status`` / ``duplicate_rkey_error`` choose which one to imitate.
* ``getRecord`` of a missing record is 400 ``RecordNotFound``; ``uploadBlob`` over
  ``max_blob_bytes`` is 400 ``BlobTooLarge``.
* ``getAuthorFeed`` pages newest first with an opaque cursor (like the AppView's, built from
  the post's time), at most 100 a page; ``listRecords`` pages by record key.
* A 429 carries ``ratelimit-limit/-remaining/-reset/-policy`` like Bluesky's PDS.
* With the fault plan's ``ignore-idempotency`` the server ignores the requested ``rkey`` and
  stores every post under a fresh key, so a repeated create makes a second post.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from koers.networks.testing.server import FakeServer, Request, Response

_CODEC_RAW = 0x55
_CODEC_DAG_CBOR = 0x71


def fake_cid(data: bytes, codec: int = _CODEC_DAG_CBOR) -> str:
    """A syntactically real CIDv1 (sha-256, base32) of ``data``."""
    raw = bytes([0x01, codec, 0x12, 0x20]) + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _xrpc_error(status: int, error: str, message: str) -> Response:
    return Response.json({"error": error, "message": message}, status)


class FakeBluesky(FakeServer):
    """Fake PDS/AppView with one logged-in account (``handle``) and any number of others."""

    def __init__(
        self,
        *,
        handle: str = "koers.bsky.social",
        password: str = "app-pass-word-1234",  # noqa: S107 - a fake server's fixed test value
        max_blob_bytes: int = 1_000_000,
        access_ttl: float = 7200.0,
        duplicate_rkey_status: int = 500,
        duplicate_rkey_error: str = "InternalServerError",
    ) -> None:
        super().__init__()
        self.handle = handle
        self.password = password
        self.did = self._did_for(handle)
        self.max_blob_bytes = max_blob_bytes
        #: Lifetime of access tokens issued from now on; negative = issued already expired.
        self.access_ttl = access_ttl
        self.duplicate_rkey_status = duplicate_rkey_status
        self.duplicate_rkey_error = duplicate_rkey_error
        self.accounts: dict[str, dict[str, Any]] = {}
        self.records: dict[str, dict[str, Any]] = {}  # at-uri → {"cid", "value", "indexedAt"}
        self.blobs: dict[str, tuple[bytes, str]] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self._access_tokens: dict[str, float] = {}  # token → server-side expiry
        self._refresh_tokens: set[str] = set()
        self._serial = itertools.count(1)
        self._serial_lock = threading.Lock()
        self.add_account(handle, display_name="Koers Test", followers=250, follows=80)

    # -- test helpers -------------------------------------------------------------------------
    @staticmethod
    def _did_for(handle: str) -> str:
        return "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]

    def add_account(
        self, handle: str, *, display_name: str = "", followers: int = 0, follows: int = 0
    ) -> str:
        did = self._did_for(handle)
        self.accounts[did] = {
            "did": did,
            "handle": handle,
            "displayName": display_name or handle.split(".")[0].title(),
            "followersCount": followers,
            "followsCount": follows,
            "postsCount": 0,
        }
        return did

    def calls(self, nsid: str) -> int:
        return sum(1 for r in self.requests if r.path == f"/xrpc/{nsid}")

    def expire_all_access_tokens(self) -> None:
        """Tokens issued so far are refused with ExpiredToken although their JWT says valid."""
        with self._lock:
            for token in self._access_tokens:
                self._access_tokens[token] = 0.0

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            self._refresh_tokens.clear()

    def posts(self) -> list[dict[str, Any]]:
        """The logged-in account's post records (``value`` dicts), in creation order."""
        prefix = f"at://{self.did}/app.bsky.feed.post/"
        return [r["value"] for uri, r in self.records.items() if uri.startswith(prefix)]

    def add_post(self, handle: str, text: str, *, langs: list[str] | None = None) -> str:
        """A post by someone else (for search); returns its at-uri."""
        did = self._did_for(handle)
        if did not in self.accounts:
            self.add_account(handle)
        with self._serial_lock:
            rkey = f"3l{next(self._serial):011d}"
        record = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "langs": langs or ["nl"],
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        self._store(uri, record)
        return uri

    def set_counts(self, uri: str, **counts: int) -> None:
        """likes=, reposts=, replies=, quotes= for a post."""
        self.counts[uri] = counts

    # -- tokens -------------------------------------------------------------------------------
    def _jwt(self, scope: str, ttl: float) -> str:
        now = int(time.time())
        with self._serial_lock:
            jti = next(self._serial)
        header = {"typ": "at+jwt" if scope != "refresh" else "refresh+jwt", "alg": "ES256K"}
        payload = {
            "scope": scope,
            "sub": self.did,
            "iat": now,
            "exp": int(now + ttl),
            "aud": "did:web:127.0.0.1",
            "jti": f"t{jti}",
        }
        signature = hashlib.sha256(json.dumps(payload).encode()).digest()  # never verified
        return (
            ".".join(_b64url(json.dumps(part).encode()) for part in (header, payload))
            + "."
            + _b64url(signature)
        )

    def _issue_session(self) -> dict[str, Any]:
        access = self._jwt("com.atproto.appPass", self.access_ttl)
        refresh = self._jwt("com.atproto.refresh", 90 * 86400)
        self._access_tokens[access] = time.time() + self.access_ttl
        self._refresh_tokens.add(refresh)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.handle,
            "did": self.did,
            "active": True,
        }

    def _auth(self, request: Request) -> Response | None:
        token = request.header("authorization").removeprefix("Bearer ")
        expiry = self._access_tokens.get(token)
        if expiry is None:
            return _xrpc_error(401, "InvalidToken", "Token could not be verified")
        if expiry <= time.time():
            return _xrpc_error(400, "ExpiredToken", "Token has expired")
        return None

    # -- dispatch -----------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        nsid = request.path.removeprefix("/xrpc/")
        if nsid == "com.atproto.server.createSession":
            body = request.json()
            if body.get("identifier") not in (self.handle, self.did) or (
                body.get("password") != self.password
            ):
                return _xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
            return Response.json(self._issue_session())
        if nsid == "com.atproto.server.refreshSession":
            token = request.header("authorization").removeprefix("Bearer ")
            if token not in self._refresh_tokens:
                return _xrpc_error(400, "ExpiredToken", "Token has been revoked")
            self._refresh_tokens.discard(token)  # refresh tokens are single use
            return Response.json(self._issue_session())
        if nsid == "com.atproto.identity.resolveHandle":
            handle = request.query.get("handle", [""])[0]
            did = self._did_for(handle)
            if did not in self.accounts:
                return _xrpc_error(400, "InvalidRequest", "Unable to resolve handle")
            return Response.json({"did": did})
        if refused := self._auth(request):
            return refused
        handlers = {
            "com.atproto.repo.createRecord": self._create_record,
            "com.atproto.repo.getRecord": self._get_record,
            "com.atproto.repo.deleteRecord": self._delete_record,
            "com.atproto.repo.uploadBlob": self._upload_blob,
            "app.bsky.feed.getPosts": self._get_posts,
            "app.bsky.actor.getProfile": self._get_profile,
            "app.bsky.feed.searchPosts": self._search_posts,
            "app.bsky.feed.getAuthorFeed": self._get_author_feed,
            "com.atproto.repo.listRecords": self._list_records,
        }
        if nsid not in handlers:
            return _xrpc_error(501, "MethodNotImplemented", f"{nsid} is not served here")
        return handlers[nsid](request)

    # -- repo ---------------------------------------------------------------------------------
    def _store(self, uri: str, value: dict[str, Any]) -> dict[str, Any]:
        cid = fake_cid(json.dumps(value, sort_keys=True).encode())
        entry = {
            "uri": uri,
            "cid": cid,
            "value": value,
            "indexedAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        self.records[uri] = entry
        did = uri.split("/")[2]
        if did in self.accounts and "/app.bsky.feed.post/" in uri:
            self.accounts[did]["postsCount"] += 1
        return entry

    def _create_record(self, request: Request) -> Response:
        body = request.json()
        if body.get("repo") not in (self.did, self.handle):
            return _xrpc_error(400, "InvalidRequest", "Can only write to your own repo")
        rkey = None if self.ignore_idempotency else body.get("rkey")
        if not rkey:
            with self._serial_lock:
                rkey = f"3k{next(self._serial):011d}"
        uri = f"at://{self.did}/{body['collection']}/{rkey}"
        if uri in self.records:
            return _xrpc_error(
                self.duplicate_rkey_status, self.duplicate_rkey_error, "Record already exists"
            )
        record = body["record"]
        if len(record.get("text", "").encode()) > 3000:
            return _xrpc_error(
                400,
                "InvalidRequest",
                "Invalid app.bsky.feed.post record: Record/text must not be longer than 3000",
            )
        entry = self._store(uri, record)
        return Response.json({"uri": uri, "cid": entry["cid"], "validationStatus": "valid"})

    def _record_uri(self, request: Request) -> str:
        query = {k: v[0] for k, v in request.query.items()}
        repo = query.get("repo", "")
        did = repo if repo.startswith("did:") else self._did_for(repo)
        return f"at://{did}/{query.get('collection')}/{query.get('rkey')}"

    def _get_record(self, request: Request) -> Response:
        uri = self._record_uri(request)
        entry = self.records.get(uri)
        if entry is None:
            return _xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return Response.json({"uri": uri, "cid": entry["cid"], "value": entry["value"]})

    def _delete_record(self, request: Request) -> Response:
        body = request.json()
        self.records.pop(f"at://{self.did}/{body['collection']}/{body['rkey']}", None)
        return Response.json({})

    def _upload_blob(self, request: Request) -> Response:
        if len(request.body) > self.max_blob_bytes:
            return _xrpc_error(
                400,
                "BlobTooLarge",
                f"This file is too large. It is {len(request.body)} bytes, "
                f"the maximum is {self.max_blob_bytes}.",
            )
        cid = fake_cid(request.body, _CODEC_RAW)
        mime = request.header("content-type") or "application/octet-stream"
        self.blobs[cid] = (request.body, mime)
        return Response.json(
            {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": cid},
                    "mimeType": mime,
                    "size": len(request.body),
                }
            }
        )

    # -- app view -----------------------------------------------------------------------------
    def _post_view(self, uri: str) -> dict[str, Any]:
        entry = self.records[uri]
        author = self.accounts[uri.split("/")[2]]
        counts = self.counts.get(uri, {})
        return {
            "uri": uri,
            "cid": entry["cid"],
            "author": {
                "did": author["did"],
                "handle": author["handle"],
                "displayName": author["displayName"],
            },
            "record": entry["value"],
            "indexedAt": entry["indexedAt"],
            "likeCount": counts.get("likes", 0),
            "repostCount": counts.get("reposts", 0),
            "replyCount": counts.get("replies", 0),
            "quoteCount": counts.get("quotes", 0),
            "labels": [],
        }

    def _get_posts(self, request: Request) -> Response:
        uris = request.query.get("uris", [])
        return Response.json({"posts": [self._post_view(u) for u in uris if u in self.records]})

    def _get_profile(self, request: Request) -> Response:
        actor = request.query.get("actor", [""])[0]
        did = actor if actor.startswith("did:") else self._did_for(actor)
        if did not in self.accounts:
            return _xrpc_error(400, "InvalidRequest", "Profile not found")
        return Response.json(self.accounts[did])

    def _get_author_feed(self, request: Request) -> Response:
        """The actor's posts, newest first (by ``createdAt``); cursor = "time::uri" of the last."""
        query = {k: v[0] for k, v in request.query.items()}
        actor = query.get("actor", "")
        did = actor if actor.startswith("did:") else self._did_for(actor)
        prefix = f"at://{did}/app.bsky.feed.post/"
        ordered = sorted(
            (
                (str(entry["value"].get("createdAt", "")), uri)
                for uri, entry in self.records.items()
                if uri.startswith(prefix)
            ),
            reverse=True,
        )
        if cursor := query.get("cursor"):
            after = tuple(cursor.split("::", 1))
            ordered = [key for key in ordered if key < after]
        limit = min(int(query.get("limit") or 50), 100)
        page = ordered[:limit]
        body: dict[str, Any] = {"feed": [{"post": self._post_view(uri)} for _t, uri in page]}
        if len(ordered) > limit:
            body["cursor"] = "::".join(page[-1])
        return Response.json(body)

    def _list_records(self, request: Request) -> Response:
        """Records of one collection by record key, descending (``reverse`` = ascending)."""
        query = {k: v[0] for k, v in request.query.items()}
        repo = query.get("repo", "")
        did = repo if repo.startswith("did:") else self._did_for(repo)
        prefix = f"at://{did}/{query.get('collection')}/"
        reverse = query.get("reverse", "false").lower() == "true"
        uris = sorted((u for u in self.records if u.startswith(prefix)), reverse=not reverse)
        if cursor := query.get("cursor"):
            uris = [
                u
                for u in uris
                if (u[len(prefix) :] > cursor if reverse else u[len(prefix) :] < cursor)
            ]
        limit = min(int(query.get("limit") or 50), 100)
        page = uris[:limit]
        body: dict[str, Any] = {
            "records": [
                {"uri": u, "cid": self.records[u]["cid"], "value": self.records[u]["value"]}
                for u in page
            ]
        }
        if len(uris) > limit:
            body["cursor"] = page[-1][len(prefix) :]
        return Response.json(body)

    def ratelimit_headers(self, retry_after: int) -> dict[str, str]:
        # Bluesky sends no Retry-After: clients read ratelimit-reset (Unix time).
        return {
            "ratelimit-limit": "5000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(int(time.time()) + retry_after),
            "ratelimit-policy": "5000;w=3600",
        }

    def own_posts(self) -> list[dict[str, Any]]:
        prefix = f"at://{self.did}/app.bsky.feed.post/"
        return [
            {
                "id": uri,
                "text": entry["value"].get("text", ""),
                "created_at": entry["value"].get("createdAt"),
            }
            for uri, entry in self.records.items()
            if uri.startswith(prefix)
        ]

    def _search_posts(self, request: Request) -> Response:
        """Newest first, ``limit`` per page, numeric offset cursor, ``since`` inclusive."""
        query = {k: v[0] for k, v in request.query.items()}
        words = query.get("q", "").lower().split()
        since = query.get("since")
        hits = [
            uri
            for uri, entry in self.records.items()
            if "/app.bsky.feed.post/" in uri
            and all(w in entry["value"].get("text", "").lower() for w in words)
            and (since is None or entry["indexedAt"] >= since)
        ]
        hits.sort(key=lambda u: (self.records[u]["indexedAt"], u), reverse=True)
        offset = int(query.get("cursor") or 0)
        limit = int(query.get("limit") or 25)
        page = hits[offset : offset + limit]
        body: dict[str, Any] = {"posts": [self._post_view(u) for u in page], "hitsTotal": len(hits)}
        if offset + limit < len(hits):
            body["cursor"] = str(offset + limit)
        return Response.json(body)
