"""A fake Google OAuth + YouTube Data API v3 for tests and demos.

    with FakeYouTube() as server:
        tokens = server.issue_tokens()               # access + refresh token
        server.expire_token(tokens["access_token"])  # next call → 401, a refresh renews it
        server.revoke(tokens["refresh_token"])       # refresh → 400 invalid_grant
        server.fail_processing = "failed"            # or "rejected"
        server.short_chunks = 1                      # the next PUT keeps only half its bytes
        server.quota_exceeded = True                 # every API call → 403 quotaExceeded

Contract imitated (as Google documents it): errors are ``{"error": {"code", "message",
"errors": [{"domain", "reason", "message"}]}}``; lists page with ``maxResults`` and
``nextPageToken``; ``POST /upload/youtube/v3/videos?uploadType=resumable`` answers 200 with
the session URI in ``Location``; ``PUT <session>`` with ``Content-Range: bytes a-b/total``
answers ``308 Resume Incomplete`` with ``Range: bytes=0-N`` until every byte is there, then
201 with the video; ``Content-Range: bytes */total`` asks where the session stands. A video is
``uploaded`` for ``processing_polls`` reads, then ``processed`` (or ``failed``/``rejected``).
``/o/oauth2/v2/auth`` approves at once (PKCE S256, ``access_type=offline`` required for a
refresh token); ``/token`` exchanges codes and refresh tokens (``client_secret`` in the form).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from koers.networks.testing.server import FakeServer, Request, Response


def google_error(status: int, reason: str, message: str, domain: str = "youtube") -> Response:
    return Response.json(
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"domain": domain, "reason": reason, "message": message}],
            }
        },
        status,
    )


def _stamp(moment: float | None = None) -> str:
    when = datetime.fromtimestamp(moment if moment is not None else time.time(), UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeYouTube(FakeServer):
    """Fake Google + YouTube. ``videos`` by id (newest last), ``threads`` newest last."""

    def __init__(
        self,
        *,
        client_id: str = "fake-google-client.apps.googleusercontent.com",
        client_secret: str = "fake-google-secret",  # noqa: S107 - fixed test secret
        channel_title: str = "Gemeente Koers",
        processing_polls: int = 1,
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.channel_id = "UCfakeKoers0000000000001"
        self.channel_title = channel_title
        self.uploads_playlist = "UU" + self.channel_id[2:]
        self.processing_polls = processing_polls
        self.fail_processing = ""  # "failed" or "rejected"
        self.short_chunks = 0  # PUTs that keep only half of what they got
        self.quota_exceeded = False
        self.tokens: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: dict[str, str] = {}  # refresh token → "ok" | "revoked"
        self.codes: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.threads: list[dict[str, Any]] = []
        self.subscribers = 250
        self._ids = itertools.count(1)

    # -- seeding & knobs ------------------------------------------------------------------
    def issue_tokens(self, *, ttl: int = 3600) -> dict[str, str]:
        access = "ya29.fake-" + secrets.token_urlsafe(12)
        refresh = "1//fake-" + secrets.token_urlsafe(12)
        with self._lock:
            self.tokens[access] = {"expires": time.time() + ttl, "refresh": refresh}
            self.refresh_tokens[refresh] = "ok"
        return {"access_token": access, "refresh_token": refresh}

    def expire_token(self, access_token: str) -> None:
        self.tokens[access_token]["expires"] = 0.0

    def revoke(self, refresh_token: str) -> None:
        """The person removed the app's access: the refresh token and its tokens die."""
        with self._lock:
            self.refresh_tokens[refresh_token] = "revoked"
            for token in self.tokens.values():
                if token["refresh"] == refresh_token:
                    token["expires"] = 0.0

    def add_video(self, title: str, description: str = "", *, at: float | None = None) -> str:
        with self._lock:
            return self._create_video(
                {"snippet": {"title": title, "description": description}, "status": {}},
                at=at,
                processed=True,
            )

    def add_comment(
        self, video_id: str, text: str, *, author: str = "Anna", at: float | None = None
    ) -> str:
        """A viewer's top-level comment; returns the thread id (= the comment's id)."""
        with self._lock:
            number = next(self._ids)
            comment_id = f"Ugz{number:08d}fakeComment"
            snippet = {
                "videoId": video_id,
                "textOriginal": text,
                "textDisplay": text,
                "authorDisplayName": author,
                "authorChannelId": {"value": f"UCviewer{number}"},
                "authorChannelUrl": f"http://www.youtube.com/channel/UCviewer{number}",
                "publishedAt": _stamp(at),
                "updatedAt": _stamp(at),
                "likeCount": 0,
            }
            self.threads.append(
                {
                    "kind": "youtube#commentThread",
                    "id": comment_id,
                    "snippet": {
                        "channelId": self.channel_id,
                        "videoId": video_id,
                        "topLevelComment": {
                            "kind": "youtube#comment",
                            "id": comment_id,
                            "snippet": snippet,
                        },
                        "canReply": True,
                        "totalReplyCount": 0,
                        "isPublic": True,
                    },
                    "replies": {"comments": []},
                }
            )
            return comment_id

    def replies(self, thread_id: str) -> list[dict[str, Any]]:
        thread = next(t for t in self.threads if t["id"] == thread_id)
        return list(thread["replies"]["comments"])

    def own_posts(self) -> list[dict[str, Any]]:
        return [
            {"id": vid, "text": v["snippet"]["title"], "created_at": v["snippet"]["publishedAt"]}
            for vid, v in self.videos.items()
        ]

    # -- routing --------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path = request.path
        if path == "/o/oauth2/v2/auth":
            return self._authorize(request)
        if path == "/token" and request.method == "POST":
            return self._token(request)
        if path.startswith("/upload/session/") and request.method == "PUT":
            return self._put(request, path.rsplit("/", 1)[1])
        refused = self._check_token(request)
        if refused is not None:
            return refused
        if self.quota_exceeded:
            return google_error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your "
                '<a href="/youtube/v3/getting-started#quota">quota</a>.',
            )
        with self._lock:
            if path == "/upload/youtube/v3/videos" and request.method == "POST":
                return self._start_upload(request)
            if path == "/youtube/v3/channels" and request.method == "GET":
                return self._channels(request)
            if path == "/youtube/v3/videos" and request.method == "GET":
                return self._videos(request)
            if path == "/youtube/v3/videos" and request.method == "DELETE":
                return self._delete(request)
            if path == "/youtube/v3/playlistItems" and request.method == "GET":
                return self._playlist_items(request)
            if path == "/youtube/v3/commentThreads" and request.method == "GET":
                return self._comment_threads(request)
            if path == "/youtube/v3/comments" and request.method == "POST":
                return self._insert_comment(request)
            if path == "/youtube/v3/comments" and request.method == "GET":
                return self._list_comments(request)
        return google_error(404, "notFound", "Not Found", "global")

    def _check_token(self, request: Request) -> Response | None:
        auth = request.header("authorization")
        token = self.tokens.get(auth.removeprefix("Bearer ").strip())
        if token is None or token["expires"] <= time.time():
            return google_error(
                401,
                "authError",
                "Request had invalid authentication credentials. Expected OAuth 2 access "
                "token, login cookie or other valid authentication credential.",
                "global",
            )
        return None

    # -- OAuth ----------------------------------------------------------------------------
    def _authorize(self, request: Request) -> Response:
        query = {k: v[0] for k, v in request.query.items()}
        if query.get("client_id") != self.client_id:
            return Response(400, b"Error 401: invalid_client", {"Content-Type": "text/plain"})
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return Response(400, b"PKCE S256 is required", {"Content-Type": "text/plain"})
        code = "4/fake-" + secrets.token_urlsafe(12)
        with self._lock:
            self.codes[code] = {
                "redirect_uri": query.get("redirect_uri", ""),
                "challenge": query["code_challenge"],
                "scope": query.get("scope", ""),
                "offline": query.get("access_type") == "offline",
            }
        target = (
            query.get("redirect_uri", "")
            + "?"
            + urlencode({"code": code, "state": query.get("state", ""), "scope": query["scope"]})
        )
        return Response(302, b"", {"Location": target})

    def _token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in request.form().items()}
        if form.get("client_id") != self.client_id or form.get("client_secret") != (
            self.client_secret
        ):
            return Response.json(
                {"error": "invalid_client", "error_description": "Unauthorized"}, 401
            )
        if form.get("grant_type") == "authorization_code":
            with self._lock:
                kept = self.codes.pop(form.get("code", ""), None)
            challenge = (
                base64.urlsafe_b64encode(
                    hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                )
                .rstrip(b"=")
                .decode()
            )
            if (
                kept is None
                or kept["challenge"] != challenge
                or kept["redirect_uri"] != form.get("redirect_uri")
            ):
                return Response.json(
                    {"error": "invalid_grant", "error_description": "Bad Request"}, 400
                )
            tokens = self.issue_tokens()
            body: dict[str, Any] = {
                "access_token": tokens["access_token"],
                "expires_in": 3599,
                "scope": kept["scope"],
                "token_type": "Bearer",
            }
            if kept["offline"]:
                body["refresh_token"] = tokens["refresh_token"]
            return Response.json(body)
        if form.get("grant_type") == "refresh_token":
            refresh = form.get("refresh_token", "")
            if self.refresh_tokens.get(refresh) != "ok":
                return Response.json(
                    {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    },
                    400,
                )
            access = "ya29.fake-" + secrets.token_urlsafe(12)
            with self._lock:
                self.tokens[access] = {"expires": time.time() + 3600, "refresh": refresh}
            return Response.json(
                {"access_token": access, "expires_in": 3599, "token_type": "Bearer"}
            )
        return Response.json({"error": "unsupported_grant_type"}, 400)

    # -- uploads --------------------------------------------------------------------------
    def _start_upload(self, request: Request) -> Response:
        query = {k: v[0] for k, v in request.query.items()}
        if query.get("uploadType") != "resumable":
            return google_error(400, "invalidParameter", "uploadType must be resumable", "global")
        total = request.header("x-upload-content-length")
        if not total.isdigit():
            return google_error(400, "invalidParameter", "X-Upload-Content-Length missing")
        metadata = request.json() or {}
        snippet = metadata.get("snippet") or {}
        title = str(snippet.get("title") or "")
        if not title or len(title) > 100 or any(c in title for c in "<>"):
            return google_error(
                400, "invalidTitle", "The request metadata specifies an invalid video title."
            )
        status = metadata.get("status") or {}
        if status.get("publishAt") and status.get("privacyStatus") != "private":
            return google_error(
                400,
                "invalidPublishAt",
                "The request metadata specifies an invalid scheduled publishing time.",
            )
        upload_id = secrets.token_urlsafe(16)
        self.sessions[upload_id] = {"metadata": metadata, "total": int(total), "data": b""}
        return Response(200, b"", {"Location": f"{self.url}/upload/session/{upload_id}"})

    def _put(self, request: Request, upload_id: str) -> Response:
        with self._lock:
            session = self.sessions.get(upload_id)
            if session is None:
                return google_error(404, "notFound", "Upload session not found.", "global")
            if session.get("video"):
                return Response.json(self.videos[session["video"]], 201)
            total = session["total"]
            header = request.header("content-range")
            if header == f"bytes */{total}":
                return self._resume_incomplete(session)
            try:
                span, declared = header.removeprefix("bytes ").split("/")
                first, last = (int(n) for n in span.split("-"))
            except ValueError:
                return google_error(400, "badContent", "Content-Range is not valid.", "global")
            if int(declared) != total or first != len(session["data"]):
                return self._resume_incomplete(session)
            body = request.body
            if self.short_chunks > 0 and len(body) > 1:
                self.short_chunks -= 1
                body = body[: len(body) // 2]
            session["data"] += body
            if len(session["data"]) < total or last + 1 < total:
                return self._resume_incomplete(session)
            video_id = self._create_video(session["metadata"])
            self.videos[video_id]["_bytes"] = len(session["data"])
            session["video"] = video_id
            return Response.json(self._public(self.videos[video_id]), 201)

    def _resume_incomplete(self, session: dict[str, Any]) -> Response:
        kept = len(session["data"])
        if session.get("video"):
            return Response.json(self._public(self.videos[session["video"]]), 201)
        headers = {"Range": f"bytes=0-{kept - 1}"} if kept else {}
        return Response(308, b"", {"Content-Length": "0", **headers})

    def _create_video(
        self, metadata: dict[str, Any], *, at: float | None = None, processed: bool = False
    ) -> str:
        video_id = f"vid{next(self._ids):08d}"
        snippet = dict(metadata.get("snippet") or {})
        snippet |= {"publishedAt": _stamp(at), "channelId": self.channel_id}
        self.videos[video_id] = {
            "kind": "youtube#video",
            "id": video_id,
            "snippet": snippet,
            "status": {
                "uploadStatus": "processed" if processed else "uploaded",
                "privacyStatus": "public",
                **(metadata.get("status") or {}),
            },
            "processingDetails": {"processingStatus": "succeeded" if processed else "processing"},
            "statistics": {"viewCount": "0", "likeCount": "0", "commentCount": "0"},
            "_polls": 0,
        }
        return video_id

    @staticmethod
    def _public(video: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in video.items() if not k.startswith("_")}

    # -- reads ----------------------------------------------------------------------------
    def _page(self, request: Request, items: list[dict[str, Any]], cap: int) -> Response:
        query = {k: v[0] for k, v in request.query.items()}
        size = max(1, min(int(query.get("maxResults") or 5), cap))
        start = int(query.get("pageToken") or 0) if query.get("pageToken", "0").isdigit() else 0
        page = items[start : start + size]
        body: dict[str, Any] = {
            "items": page,
            "pageInfo": {"totalResults": len(items), "resultsPerPage": size},
        }
        if start + size < len(items):
            body["nextPageToken"] = str(start + size)
        return Response.json(body)

    def _channels(self, request: Request) -> Response:
        query = {k: v[0] for k, v in request.query.items()}
        if query.get("mine") != "true" and query.get("id") != self.channel_id:
            return Response.json({"items": [], "pageInfo": {"totalResults": 0}})
        views = sum(int(v["statistics"]["viewCount"]) for v in self.videos.values())
        return Response.json(
            {
                "items": [
                    {
                        "kind": "youtube#channel",
                        "id": self.channel_id,
                        "snippet": {"title": self.channel_title, "customUrl": "@gemeentekoers"},
                        "contentDetails": {"relatedPlaylists": {"uploads": self.uploads_playlist}},
                        "statistics": {
                            "viewCount": str(views),
                            "subscriberCount": str(self.subscribers),
                            "hiddenSubscriberCount": False,
                            "videoCount": str(len(self.videos)),
                        },
                    }
                ]
            }
        )

    def _videos(self, request: Request) -> Response:
        query = {k: v[0] for k, v in request.query.items()}
        found = []
        for video_id in (query.get("id") or "").split(","):
            video = self.videos.get(video_id)
            if video is None:
                continue
            if video["status"]["uploadStatus"] == "uploaded":
                video["_polls"] += 1
                if video["_polls"] >= self.processing_polls:
                    if self.fail_processing == "rejected":
                        video["status"] |= {
                            "uploadStatus": "rejected",
                            "rejectionReason": "duplicate",
                        }
                        video["processingDetails"] = {"processingStatus": "terminated"}
                    elif self.fail_processing:
                        video["status"] |= {"uploadStatus": "failed", "failureReason": "codec"}
                        video["processingDetails"] = {
                            "processingStatus": "failed",
                            "processingFailureReason": "transcodeFailed",
                        }
                    else:
                        video["status"]["uploadStatus"] = "processed"
                        video["processingDetails"] = {"processingStatus": "succeeded"}
            found.append(self._public(video))
        return Response.json({"items": found, "pageInfo": {"totalResults": len(found)}})

    def _delete(self, request: Request) -> Response:
        video_id = (request.query.get("id") or [""])[0]
        if self.videos.pop(video_id, None) is None:
            return google_error(404, "videoNotFound", "The video could not be found.")
        return Response(204, b"")

    def _playlist_items(self, request: Request) -> Response:
        if (request.query.get("playlistId") or [""])[0] != self.uploads_playlist:
            return google_error(404, "playlistNotFound", "The playlist could not be found.")
        items = [
            {
                "kind": "youtube#playlistItem",
                "id": f"pl-{vid}",
                "snippet": {
                    "publishedAt": v["snippet"]["publishedAt"],
                    "title": v["snippet"].get("title", ""),
                    "description": v["snippet"].get("description", ""),
                    "resourceId": {"kind": "youtube#video", "videoId": vid},
                },
            }
            for vid, v in reversed(self.videos.items())
        ]
        return self._page(request, items, 50)

    def _comment_threads(self, request: Request) -> Response:
        wanted = (request.query.get("allThreadsRelatedToChannelId") or [""])[0]
        if wanted != self.channel_id:
            return google_error(404, "channelNotFound", "The channel could not be found.")
        return self._page(request, list(reversed(self.threads)), 100)

    def _insert_comment(self, request: Request) -> Response:
        snippet = (request.json() or {}).get("snippet") or {}
        parent = str(snippet.get("parentId") or "")
        thread = next((t for t in self.threads if t["id"] == parent), None)
        if thread is None:
            return google_error(404, "parentCommentNotFound", "The parent comment was not found.")
        text = str(snippet.get("textOriginal") or "")
        if not text:
            return google_error(400, "commentTextRequired", "The comment has no text.")
        comment = {
            "kind": "youtube#comment",
            "id": f"{parent}.reply{next(self._ids):04d}",
            "snippet": {
                "parentId": parent,
                "textOriginal": text,
                "textDisplay": text,
                "authorDisplayName": self.channel_title,
                "authorChannelId": {"value": self.channel_id},
                "publishedAt": _stamp(),
            },
        }
        thread["replies"]["comments"].append(comment)
        thread["snippet"]["totalReplyCount"] += 1
        return Response.json(comment)

    def _list_comments(self, request: Request) -> Response:
        parent = (request.query.get("parentId") or [""])[0]
        thread = next((t for t in self.threads if t["id"] == parent), None)
        if thread is None:
            return google_error(404, "commentNotFound", "The comment was not found.")
        return self._page(request, list(thread["replies"]["comments"]), 100)
