"""Listening on Instagram (and the Facebook Page linked to it) through the Graph API.

No Django here: the wire format of hashtag search and tags, and the pure rule of Meta's
hashtag budget. The Django side (which channel reads, the budget's stored queries) lives in
:mod:`koers.listening.hashtag_budget` and :mod:`koers.engagement.meta_listen`.

As Meta documents it (Instagram API with Facebook Login, "Hashtag Search"; the app needs the
``instagram_basic`` permission and the *Instagram Public Content Access* feature):

* ``GET /ig_hashtag_search?user_id=<ig-user-id>&q=<tag>`` → ``{"data": [{"id"}]}``. Hashtag
  ids are static and global, so the id is kept in the source's cursor and not searched again.
* ``GET /<hashtag-id>/recent_media`` (published in the last 24 hours) and ``…/top_media``
  (the most popular), both with ``user_id=`` and ``fields=`` (``id,caption,media_type,
  permalink,timestamp,like_count,comments_count``; no username: hashtag media carry no
  personal data), paged with ``paging.cursors.after`` while ``paging.next`` is there.
* An account may query **30 unique hashtags in a rolling 7 days**; a hashtag counts from its
  first query for 7 days, querying it again in that time costs nothing and does not restart
  its 7 days. koers counts itself (:func:`budget`) and refuses the 31st before asking Meta; if
  Meta refuses anyway the answer is classified as the hashtag limit (retry after a day).
* ``GET /<ig-user-id>/tags``: media other accounts tagged this account in (with ``username``).
  ``GET /<page-id>/tagged``: posts the Facebook Page is tagged in. @mentions in captions and
  comments arrive by webhook (:mod:`koers.engagement.meta`), not here: Meta has no listing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from koers.networks.base import Batch, IncomingPost, PostMetrics, RetryableError
from koers.networks.meta import GraphClient, _when
from koers.networks.text import find_hashtags

#: Meta's hashtag budget per Instagram account.
HASHTAG_BUDGET = 30
HASHTAG_WINDOW = timedelta(days=7)
MEDIA_FIELDS = "id,caption,media_type,permalink,timestamp,like_count,comments_count"
TAG_FIELDS = f"{MEDIA_FIELDS},username"
PAGE_TAGGED_FIELDS = "id,message,permalink_url,created_time,from"
PAGE_SIZE = 50
MAX_PAGES = 5
EDGES = ("recent", "top")
INSTAGRAM_WEB = "https://www.instagram.com"


# ---------------------------------------------------------------------------------------------
# The hashtag budget (pure)
# ---------------------------------------------------------------------------------------------
def normalise_tag(tag: str) -> str:
    """``#Aurora`` → ``aurora`` (Meta matches hashtags case-insensitively)."""
    return tag.strip().lstrip("#").strip().casefold()


@dataclass(frozen=True, slots=True)
class Budget:
    """The account's hashtags queried in the last 7 days, and when each window ends."""

    used: tuple[str, ...]
    frees_at: datetime | None
    total: int = HASHTAG_BUDGET

    @property
    def left(self) -> int:
        return max(self.total - len(self.used), 0)

    def allows(self, tags: Iterable[str]) -> bool:
        """True when querying ``tags`` keeps the account within the budget (tags already
        queried in the window cost nothing)."""
        new = {normalise_tag(t) for t in tags} - set(self.used)
        return len(new) <= self.left


def budget(queried: Mapping[str, datetime], now: datetime) -> Budget:
    """``queried``: tag → when its current 7 days started (its first query in them)."""
    live = {tag: at for tag, at in queried.items() if now - at < HASHTAG_WINDOW}
    frees_at = min(live.values()) + HASHTAG_WINDOW if len(live) >= HASHTAG_BUDGET else None
    return Budget(tuple(sorted(live)), frees_at)


class HashtagBudgetError(RetryableError):
    """koers' own refusal: querying this hashtag would be the account's 31st in 7 days.
    Nothing was asked of Meta."""

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__(
            "Instagram: 30 hashtags were searched in the last 7 days, Meta's limit; koers "
            "tries again when one frees up.",
            network="instagram",
            retry_after=retry_after,
        )


# ---------------------------------------------------------------------------------------------
# Wire → IncomingPost
# ---------------------------------------------------------------------------------------------
def _permalink(media: Mapping[str, Any]) -> str:
    return str(media.get("permalink") or media.get("permalink_url") or "")


def media_to_incoming(media: Mapping[str, Any]) -> IncomingPost:
    """One Instagram media (hashtag media or a tag) as a listening post."""
    media_id = str(media["id"])
    caption = str(media.get("caption") or "")
    username = str(media.get("username") or "")
    return IncomingPost(
        network="instagram",
        remote_id=media_id,
        url=_permalink(media) or (f"{INSTAGRAM_WEB}/{username}/" if username else ""),
        author_handle=f"@{username}" if username else "",
        author_name=username,
        text=caption,
        lang=None,
        created_at=_when(media.get("timestamp")),
        hashtags=tuple(tag for _s, _e, tag in find_hashtags(caption)),
        metrics=PostMetrics(
            remote_id=media_id,
            likes=media.get("like_count"),
            replies=media.get("comments_count"),
        ),
    )


def page_post_to_incoming(post: Mapping[str, Any]) -> IncomingPost:
    """One Facebook post a Page is tagged in (``/{page-id}/tagged``)."""
    sender = post.get("from") or {}
    message = str(post.get("message") or "")
    return IncomingPost(
        network="facebook",
        remote_id=str(post["id"]),
        url=_permalink(post),
        author_handle=str(sender.get("id") or ""),
        author_name=str(sender.get("name") or ""),
        text=message,
        lang=None,
        created_at=_when(post.get("created_time")),
        hashtags=tuple(tag for _s, _e, tag in find_hashtags(message)),
    )


def walk(
    graph: GraphClient, path: str, *, max_pages: int = MAX_PAGES, **params: Any
) -> Iterator[list[dict[str, Any]]]:
    """Each page of an edge's ``data``, following ``paging.cursors.after`` while
    ``paging.next`` says there is more, at most ``max_pages`` pages (the caller stops early
    when it has reached what it read before)."""
    after: str | None = None
    for _page in range(max_pages):
        query = dict(params)
        if after:
            query["after"] = after
        body = graph.get(path, **query) or {}
        yield [item for item in body.get("data") or [] if isinstance(item, dict) and "id" in item]
        paging = body.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            return


def _read_cursor(cursor: str | None) -> dict[str, str]:
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _newest(posts: Iterable[IncomingPost], before: str | None) -> str | None:
    stamps = [p.created_at for p in posts]
    if before:
        stamps.append(datetime.fromisoformat(before))
    return max(stamps).isoformat() if stamps else None


def _read_newest_first(
    pages: Iterator[list[dict[str, Any]]],
    convert: Callable[[Mapping[str, Any]], IncomingPost],
    since: str | None,
) -> list[IncomingPost]:
    """Posts page by page until a page reaches ``since`` (an ISO time read before)."""
    limit = datetime.fromisoformat(since) if since else None
    found: list[IncomingPost] = []
    for page in pages:
        posts = [convert(item) for item in page]
        found += [p for p in posts if limit is None or p.created_at >= limit]
        if limit is not None and any(p.created_at < limit for p in posts):
            break
    return found


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------
class InstagramHashtagSource:
    """Recent and/or top media with one hashtag, read as the Instagram account ``ig_user_id``.

    ``before_query(tag)`` runs before every poll (koers' budget bookkeeping: it records the
    query and raises :class:`HashtagBudgetError` for a 31st hashtag). The cursor is JSON:
    the tag, its hashtag id, and the newest ``timestamp`` read from ``recent_media``.
    """

    network = "instagram"

    def __init__(
        self,
        graph: GraphClient,
        ig_user_id: str,
        tag: str,
        *,
        edges: tuple[str, ...] = ("recent",),
        before_query: Callable[[str], None] | None = None,
        max_pages: int = MAX_PAGES,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.graph = graph
        self.ig_user_id = ig_user_id
        self.tag = normalise_tag(tag)
        self.edges = tuple(e for e in edges if e in EDGES) or ("recent",)
        self.before_query = before_query
        self.max_pages = max_pages
        self.page_size = page_size

    def hashtag_id(self) -> str | None:
        body = self.graph.get("ig_hashtag_search", user_id=self.ig_user_id, q=self.tag) or {}
        found = [str(item["id"]) for item in body.get("data") or [] if item.get("id")]
        return found[0] if found else None

    def poll(self, cursor: str | None = None) -> Batch:
        if self.before_query is not None:
            self.before_query(self.tag)
        state = _read_cursor(cursor)
        if state.get("tag") != self.tag:
            state = {}
        hashtag_id = state.get("id") or self.hashtag_id()
        if hashtag_id is None:  # Meta knows no such hashtag (yet): nothing to read
            return Batch((), json.dumps({"tag": self.tag}))
        params = {"user_id": self.ig_user_id, "fields": MEDIA_FIELDS, "limit": self.page_size}
        posts: list[IncomingPost] = []
        newest = state.get("newest")
        if "recent" in self.edges:
            recent = _read_newest_first(
                walk(self.graph, f"{hashtag_id}/recent_media", max_pages=self.max_pages, **params),
                media_to_incoming,
                newest,
            )
            posts += recent
            newest = _newest(recent, newest)
        if "top" in self.edges:
            # Top media have no time order: one page of the most popular, deduped downstream.
            for page in walk(self.graph, f"{hashtag_id}/top_media", max_pages=1, **params):
                posts += [media_to_incoming(item) for item in page]
        state = {"tag": self.tag, "id": hashtag_id} | ({"newest": newest} if newest else {})
        return Batch(tuple(posts), json.dumps(state))


class MetaTagsSource:
    """Media the Instagram account is tagged in, and (when ``page_id``) posts the linked
    Facebook Page is tagged in. The cursor is JSON: the newest time read from each."""

    network = "instagram"

    def __init__(
        self,
        graph: GraphClient,
        ig_user_id: str,
        *,
        page_id: str = "",
        page_graph: GraphClient | None = None,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.graph = graph
        self.ig_user_id = ig_user_id
        self.page_id = page_id
        self.page_graph = page_graph or graph
        self.max_pages = max_pages

    def poll(self, cursor: str | None = None) -> Batch:
        state = _read_cursor(cursor)
        tags = _read_newest_first(
            walk(
                self.graph,
                f"{self.ig_user_id}/tags",
                max_pages=self.max_pages,
                fields=TAG_FIELDS,
                limit=PAGE_SIZE,
            ),
            media_to_incoming,
            state.get("instagram"),
        )
        found: dict[str, str | None] = {"instagram": _newest(tags, state.get("instagram"))}
        posts = list(tags)
        if self.page_id:
            tagged = _read_newest_first(
                walk(
                    self.page_graph,
                    f"{self.page_id}/tagged",
                    max_pages=self.max_pages,
                    fields=PAGE_TAGGED_FIELDS,
                    limit=PAGE_SIZE,
                ),
                page_post_to_incoming,
                state.get("facebook"),
            )
            found["facebook"] = _newest(tagged, state.get("facebook"))
            posts += tagged
        return Batch(tuple(posts), json.dumps({k: v for k, v in found.items() if v}))


__all__ = [
    "HASHTAG_BUDGET",
    "HASHTAG_WINDOW",
    "Budget",
    "HashtagBudgetError",
    "InstagramHashtagSource",
    "MetaTagsSource",
    "budget",
    "media_to_incoming",
    "normalise_tag",
    "page_post_to_incoming",
    "walk",
]
