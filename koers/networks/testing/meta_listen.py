"""The listening routes of the fake Graph API: Instagram hashtag search, tags, Page tags.

    with FakeMetaListen() as graph:
        page = graph.add_page("Gemeente Zonnedal", instagram="zonnedal")
        graph.add_hashtag_media("aurora", "Shooting at the #Aurora cinema", age_seconds=600)
        graph.tag_account(page.instagram_id, "Mooie dag met @zonnedal", username="anna")
        graph.tag_page(page.page_id, "Op bezoek bij Gemeente Zonnedal", sender="Bram")
        graph.public_content_access = False            # hashtag calls → (#10) not approved
        graph.ratelimit_next(1, "/v23.0/ig_hashtag_search")   # 429 + X-App-Usage headers

As Meta documents them (where the fake and the documentation differ, the documentation wins):

* ``GET /ig_hashtag_search?user_id=&q=`` → ``{"data": [{"id"}]}``; hashtag ids are global and
  stable. A 31st unique hashtag for one account within 7 days is refused with code 24,
  subcode 2207034; querying a hashtag again within its 7 days costs nothing.
* ``GET /{hashtag-id}/recent_media`` (the last 24 hours) and ``/top_media`` (by likes) need
  ``user_id`` and page newest first (``paging.cursors.after``, ``paging.next``). Hashtag media
  carry no username.
* ``GET /{ig-user-id}/tags`` (with ``username``) and ``GET /{page-id}/tagged`` (Facebook
  posts with ``message``, ``from``, ``permalink_url``, ``created_time``).
* Hashtag calls need ``instagram_basic`` and the *Instagram Public Content Access* feature
  (``public_content_access``); without it Meta answers error 10.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from koers.networks.testing.meta import FakeGraph, FakeToken, _stamp
from koers.networks.testing.server import Request, Response

WEEK_SECONDS = 7 * 24 * 3600
DAY_SECONDS = 24 * 3600
HASHTAG_LIMIT = 30


class FakeMetaListen(FakeGraph):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: hashtag name → its id (global, stable).
        self.hashtag_ids: dict[str, str] = {}
        #: hashtag id → media with that hashtag ({"id", "caption", "created", …}).
        self.hashtag_media: dict[str, list[dict[str, Any]]] = {}
        #: Instagram user id → {hashtag: when its 7 days started}.
        self.searched: dict[str, dict[str, float]] = {}
        #: Instagram user id → media it is tagged in; Page id → posts it is tagged in.
        self.ig_tags: dict[str, list[dict[str, Any]]] = {}
        self.page_tags: dict[str, list[dict[str, Any]]] = {}
        self.public_content_access = True

    # -- test helpers -------------------------------------------------------------------------
    def _hashtag_id(self, tag: str) -> str:
        name = tag.lstrip("#").casefold()
        if name not in self.hashtag_ids:
            self.hashtag_ids[name] = self._new_id()
            self.hashtag_media[self.hashtag_ids[name]] = []
        return self.hashtag_ids[name]

    def add_hashtag_media(
        self, tag: str, caption: str, *, age_seconds: float = 0.0, likes: int = 0
    ) -> str:
        media_id = self._new_id()
        self.hashtag_media[self._hashtag_id(tag)].append(
            {
                "id": media_id,
                "caption": caption,
                "media_type": "IMAGE",
                "permalink": f"https://www.instagram.com/p/{secrets.token_urlsafe(8)}/",
                "like_count": likes,
                "comments_count": 0,
                "created": time.time() - age_seconds,
            }
        )
        return media_id

    def tag_account(
        self, ig_user_id: str, caption: str, *, username: str, age_seconds: float = 0.0
    ) -> str:
        media_id = self._new_id()
        self.ig_tags.setdefault(ig_user_id, []).append(
            {
                "id": media_id,
                "caption": caption,
                "media_type": "IMAGE",
                "permalink": f"https://www.instagram.com/p/{secrets.token_urlsafe(8)}/",
                "username": username,
                "like_count": 1,
                "comments_count": 0,
                "created": time.time() - age_seconds,
            }
        )
        return media_id

    def tag_page(self, page_id: str, message: str, *, sender: str, age_seconds: float = 0.0) -> str:
        post_id = f"{self._new_id()}_{self._new_id()}"
        self.page_tags.setdefault(page_id, []).append(
            {
                "id": post_id,
                "message": message,
                "from": {"id": self._new_id(), "name": sender},
                "permalink_url": f"https://www.facebook.com/{post_id}",
                "created": time.time() - age_seconds,
            }
        )
        return post_id

    def queried(self, ig_user_id: str) -> list[str]:
        """The account's hashtags still counting against its 7-day limit."""
        now = time.time()
        return [t for t, at in self.searched.get(ig_user_id, {}).items() if now - at < WEEK_SECONDS]

    # -- routes -------------------------------------------------------------------------------
    def extra_route(self, request: Request, rest: str) -> Response | None:
        if rest.strip("/") == "ig_hashtag_search" and request.method == "GET":
            return self._hashtag_search(self._params(request))
        return super().extra_route(request, rest)

    def _public_content(self, params: dict[str, str]) -> FakeToken | Response:
        auth = self._auth(params, "instagram_basic")
        if isinstance(auth, Response):
            return auth
        if not self.public_content_access:
            return self._error(
                "(#10) To use 'Instagram Public Content Access', your use of this endpoint "
                "must be reviewed and approved by Facebook.",
                10,
                kind="OAuthException",
            )
        if not params.get("user_id") or self._ig_account(params["user_id"]) is None:
            return self._error("(#100) The parameter user_id is required", 100)
        return auth

    def _hashtag_search(self, params: dict[str, str]) -> Response:
        auth = self._public_content(params)
        if isinstance(auth, Response):
            return auth
        tag = params.get("q", "").lstrip("#").casefold()
        if not tag:
            return self._error("(#100) The parameter q is required", 100)
        user = params["user_id"]
        now = time.time()
        searched = self.searched.setdefault(user, {})
        started = searched.get(tag)
        if started is None or now - started >= WEEK_SECONDS:
            if len(self.queried(user)) >= HASHTAG_LIMIT:
                return self._error(
                    "(#24) You've reached the maximum number of hashtags you can query "
                    "in a 7 day period",
                    24,
                    2207034,
                )
            searched[tag] = now
        return self._ok({"data": [{"id": self._hashtag_id(tag)}]})

    def _hashtag_edge(
        self, request: Request, params: dict[str, str], node: str, *, top: bool
    ) -> Response:
        auth = self._public_content(params)
        if isinstance(auth, Response):
            return auth
        if node not in self.hashtag_media:
            return self._error(f"(#100) Object with ID '{node}' does not exist", 100, 33)
        media = self.hashtag_media[node]
        if top:
            ranked = sorted(media, key=lambda m: -m["like_count"])
            # Newest-first paging over the ranking: fake "created" keeps the order.
            items = [{**m, "created": float(len(ranked) - i)} for i, m in enumerate(ranked)]
            answer = self._paged(request, items)
            return self._restamp(answer, media)
        recent = [m for m in media if time.time() - m["created"] < DAY_SECONDS]
        return self._paged(request, recent)

    def _restamp(self, answer: Response, media: list[dict[str, Any]]) -> Response:
        """Top media keep their own timestamps (the ranking only ordered them)."""
        body = json.loads(answer.body)
        created = {m["id"]: m["created"] for m in media}
        for item in body.get("data", []):
            item["timestamp"] = _stamp(created[item["id"]])
        return Response.json(body, answer.status, dict(answer.headers))

    def _get_recent_media(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._hashtag_edge(request, params, node, top=False)

    def _get_top_media(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        return self._hashtag_edge(request, params, node, top=True)

    def _get_tags(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        if "instagram_basic" not in self.granted:
            return self._error("(#10) Application does not have permission", 10)
        if self._ig_account(node) is None:
            return self._error(f"(#100) Object with ID '{node}' does not exist", 100, 33)
        return self._paged(request, self.ig_tags.get(node, []))

    def _get_tagged(
        self, request: Request, params: dict[str, str], node: str, auth: FakeToken
    ) -> Response:
        if "pages_read_engagement" not in self.granted:
            return self._error("(#10) Application does not have permission", 10)
        page = self._page(node, auth)
        if isinstance(page, Response):
            return page
        return self._paged(request, self.page_tags.get(node, []))
