"""Reading: mentions (the inbox), recent search (listening) and metrics."""

from __future__ import annotations

import html
from typing import Any

from koers.networks.base import (
    Batch,
    IncomingPost,
    PostMetrics,
)
from koers.networks.x.client import (
    XClient,
)
from koers.networks.x.publisher import (
    _referenced,
    _when,
)

# ---------------------------------------------------------------------------------------------
# Reading: mentions (the inbox) and recent search (listening)
# ---------------------------------------------------------------------------------------------
from koers.networks.x.wire import (
    NETWORK,
    PAGE_SIZE,
    POLL_MAX_PAGES,
    WEB_URL,
)

_READ_PARAMS = {
    "max_results": PAGE_SIZE,
    "tweet.fields": "created_at,lang,author_id,entities,referenced_tweets,public_metrics",
    "expansions": "author_id",
    "user.fields": "username,name",
}


def tweet_to_incoming(tweet: dict[str, Any], users: dict[str, Any]) -> IncomingPost:
    author = users.get(str(tweet.get("author_id")), {})
    username = str(author.get("username") or tweet.get("author_id") or "")
    entities = tweet.get("entities") or {}
    public = tweet.get("public_metrics") or {}
    tweet_id = str(tweet["id"])
    return IncomingPost(
        network=NETWORK,
        remote_id=tweet_id,
        url=f"{WEB_URL}/{username}/status/{tweet_id}",
        author_handle=f"@{username}",
        author_name=str(author.get("name") or username),
        text=html.unescape(str(tweet.get("text", ""))),
        lang=tweet.get("lang") if tweet.get("lang") not in (None, "und", "zxx") else None,
        created_at=_when(tweet.get("created_at")),
        links=tuple(str(u.get("expanded_url") or u.get("url")) for u in entities.get("urls") or []),
        hashtags=tuple(str(h.get("tag")) for h in entities.get("hashtags") or []),
        mentions=tuple(str(m.get("username")) for m in entities.get("mentions") or []),
        reply_to=_referenced(tweet, "replied_to"),
        metrics=PostMetrics(
            remote_id=tweet_id,
            likes=public.get("like_count"),
            reposts=public.get("retweet_count"),
            replies=public.get("reply_count"),
            quotes=public.get("quote_count"),
            impressions=public.get("impression_count"),
        ),
    )


class _NewestFirstSource:
    """Polls an X listing newest first: pages back to the stored cursor (``since_id``)."""

    network = NETWORK
    feature = "mentions"

    def __init__(self, client: XClient, *, max_pages: int = POLL_MAX_PAGES) -> None:
        self.client = client
        self._max_pages = max_pages

    def _path(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _params(self) -> dict[str, Any]:
        return dict(_READ_PARAMS)

    def poll(self, cursor: str | None = None) -> Batch:
        """Everything newer than ``cursor`` (a post id); the next cursor is the newest id."""
        params = self._params() | ({"since_id": cursor} if cursor else {})
        posts: list[IncomingPost] = []
        newest = cursor
        for tweets, users, meta in self.client.pages(
            self._path(), params, feature=self.feature, max_pages=self._max_pages
        ):
            if meta.get("newest_id") and (newest is None or int(meta["newest_id"]) > int(newest)):
                newest = str(meta["newest_id"])
            posts += [tweet_to_incoming(tweet, users) for tweet in tweets]
        return Batch(tuple(posts), newest)


class XMentionsSource(_NewestFirstSource):
    """Posts that mention the account (``GET /2/users/:id/mentions``; Basic level and up)."""

    def __init__(self, client: XClient, user_id: str, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.user_id = user_id

    def _path(self) -> str:
        return f"/2/users/{self.user_id}/mentions"


class XSearchSource(_NewestFirstSource):
    """Recent search, the last 7 days (``GET /2/tweets/search/recent``; Basic level and up)."""

    feature = "search"

    def __init__(self, client: XClient, query: str, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.query = query

    def _path(self) -> str:
        return "/2/tweets/search/recent"

    def _params(self) -> dict[str, Any]:
        return super()._params() | {"query": self.query}
