"""YouTube comments into the inbox; replies go through the inbox's reply machinery.

Every connected YouTube channel is read every ten minutes: ``commentThreads`` with
``allThreadsRelatedToChannelId`` (newest first, paged with ``nextPageToken``, up to
:data:`POLL_PAGES` pages a round: 1 quota unit a page). Each viewer's comment — a thread's
top-level comment and the replies YouTube includes with it — becomes one *comment* item,
stored once (the listening :class:`Mention` is unique per network and comment id, as every
inbox item is). The channel's own comments are left out.

Replies are the inbox's own (:mod:`koers.engagement.replies`): the YouTube adapter answers
with ``comments.insert`` (``parentId`` = the thread's top-level comment; 50 quota units) and
its ``lookup`` finds a reply that went out without an answer, so a reply is sent once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.utils import timezone

from koers.core.crypto import DecryptionError
from koers.engagement.models import InboxItem, Kind, Origin
from koers.engagement.store import store_item
from koers.networks.base import NetworkError
from koers.networks.youtube import YouTubePublisher, comment_url
from koers.publishing.adapters import publisher_for
from koers.publishing.models import Channel, Health, Network

logger = logging.getLogger(__name__)

#: Pages of 100 threads read a round (each costs one quota unit).
POLL_PAGES = 2


def _when(value: Any) -> datetime:
    text = str(value or "")
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else timezone.now()


def _comments(thread: dict[str, Any]) -> list[dict[str, Any]]:
    """The thread's top-level comment and the replies that came with it."""
    snippet = thread.get("snippet") or {}
    top = snippet.get("topLevelComment") or {}
    return [top, *((thread.get("replies") or {}).get("comments") or [])]


def store_threads(channel: Channel, threads: list[dict[str, Any]]) -> list[InboxItem]:
    """An inbox item per viewer comment in ``threads`` (made once); returns the new ones."""
    own = str(channel.extra.get("channel_id") or channel.account_id)
    made: list[InboxItem] = []
    for thread in threads:
        video_id = str((thread.get("snippet") or {}).get("videoId") or "")
        for comment in _comments(thread):
            snippet = comment.get("snippet") or {}
            comment_id = str(comment.get("id") or "")
            author = str((snippet.get("authorChannelId") or {}).get("value") or "")
            if not comment_id or (own and author == own):
                continue
            known = InboxItem.objects.filter(
                workspace_id=channel.workspace_id,
                mention__network=Network.YOUTUBE,
                mention__remote_id=comment_id,
            ).exists()
            item = store_item(
                channel,
                network=Network.YOUTUBE,
                remote_id=comment_id,
                text=str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
                author_id=author,
                author_name=str(snippet.get("authorDisplayName") or ""),
                published_at=_when(snippet.get("publishedAt")),
                kind=Kind.COMMENT,
                origin=Origin.REPLY,
                reply_to=video_id,
                thread=str(snippet.get("parentId") or comment_id),
                url=comment_url(video_id, comment_id) if video_id else "",
            )
            if not known:
                made.append(item)
    return made


def poll(channel: Channel, *, max_pages: int = POLL_PAGES) -> int:
    """Read the channel's newest comment threads into the inbox; returns the new items."""
    publisher = publisher_for(channel)
    assert isinstance(publisher, YouTubePublisher)
    threads, _rest = publisher.comment_threads(max_pages=max_pages)
    return len(store_threads(channel, threads))


def poll_all() -> int:
    """Every connected YouTube channel (not demo, not broken)."""
    total = 0
    channels = (
        Channel.objects.filter(network=Network.YOUTUBE, is_demo=False)
        .exclude(health=Health.BROKEN)
        .select_related("workspace")
    )
    for channel in channels:
        try:
            total += poll(channel)
        except (NetworkError, DecryptionError) as error:
            logger.warning("youtube comments of channel %s: %s", channel.pk, error)
    return total
