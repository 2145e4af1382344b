"""The #Aurora check: what a post's hashtags are being used for right now.

Shown on the item page (where it is approved) and the edit page. Reading the networks is slow
and may fail, so it never happens in the request: a page shows the last check if it is fresh
(``FRESH_FOR``), otherwise asks the ``check_hashtag`` task for a new one and shows "checking"
(the page polls). A source that fails is named as "could not check"; nothing here blocks an
approval. The judging is :mod:`koers.publishing.hashtag_rules`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from koers.networks.base import NetworkError
from koers.networks.text import find_hashtags
from koers.publishing import hashtag_rules as hr
from koers.publishing.adapters import hashtag_source
from koers.publishing.models import Channel, ContentItem, HashtagCheck, Health, Network

logger = logging.getLogger(__name__)

FRESH_FOR = timedelta(minutes=15)
GIVE_UP_AFTER = timedelta(minutes=2)  # a requested check without an answer: "could not check"
WINDOW_HOURS = 24
MAX_TAGS = 5
MAX_MENTIONS = 2000


def item_tags(item: ContentItem) -> list[str]:
    texts = [item.text, *(d.text_override for d in item.deliveries.all())]
    tags = dict.fromkeys(hr.fold(tag) for text in texts for _s, _e, tag in find_hashtags(text))
    return list(tags)[:MAX_TAGS]


def own_words(item: ContentItem) -> set[str]:
    """The item's text and title, its key message, and the workspace's listening topics."""
    from koers.listening.models import Topic

    texts = [item.title, item.text, *(d.text_override for d in item.deliveries.all())]
    if item.key_message is not None:
        texts.append(item.key_message.text)
    topics = Topic.objects.filter(workspace_id=item.workspace_id, is_active=True)
    texts += [f"{name} {query}" for name, query in topics.values_list("name", "query")]
    return hr.own_words(texts)


@dataclass(frozen=True)
class TagState:
    tag: str
    state: str  # "checked" | "checking" | "could_not_check"
    verdict: hr.TagVerdict | None
    failed: tuple[str, ...]
    checked_at: datetime | None


def _summary(row: HashtagCheck) -> hr.TagSummary | None:
    data = row.summary
    if not data:
        return None
    return hr.TagSummary(
        data["tag"],
        data["posts"],
        data["window_hours"],
        tuple((w, n) for w, n in data["top_words"]),
        data["sentiment"],
        data["per_source"],
    )


def _request(row: HashtagCheck, now: datetime) -> None:
    row.requested_at = now
    row.save(update_fields=["requested_at"])
    workspace_id, tag = row.workspace_id, row.tag

    def enqueue() -> None:
        from koers.publishing import tasks

        tasks.check_hashtag.enqueue(workspace_id, tag)

    transaction.on_commit(enqueue)


def states(item: ContentItem, *, now: datetime | None = None) -> list[TagState]:
    """Per hashtag of the item: the fresh check judged against the item, or "checking" (a
    check is asked for), or "could not check" (asked, no answer in time)."""
    now = now or timezone.now()
    tags = item_tags(item)
    if not tags:
        return []
    mine = own_words(item)
    found = []
    for tag in tags:
        row, _created = HashtagCheck.objects.get_or_create(workspace=item.workspace, tag=tag)
        summary = _summary(row)
        fresh = row.checked_at is not None and now - row.checked_at < FRESH_FOR
        asked = row.requested_at is not None and (
            row.checked_at is None or row.requested_at > row.checked_at
        )
        if fresh:
            state = "checked"
        elif asked and now - row.requested_at < GIVE_UP_AFTER:
            state = "checking"
        elif asked:
            state = "could_not_check"
        else:
            _request(row, now)
            state = "checking"
        verdict = hr.judge(summary, mine) if summary is not None else None
        found.append(TagState(tag, state, verdict, tuple(row.failed), row.checked_at))
    return found


def _network_posts(channel: Channel, tag: str) -> list[hr.TagPost]:
    source = hashtag_source(channel, tag)
    if source is None:
        return []
    posts = source.poll(None).posts
    from koers.textkit import analyse

    scored = analyse([p.text for p in posts], [p.lang for p in posts])
    return [
        hr.TagPost(p.text, p.created_at, result.label, channel.get_network_display())
        for p, result in zip(posts, scored, strict=True)
    ]


def _listening_posts(workspace_id: int, tag: str, since: datetime) -> list[hr.TagPost]:
    from koers.listening.models import Mention

    rows = (
        Mention.objects.filter(workspace_id=workspace_id, published_at__gte=since)
        .order_by("-published_at", "-id")
        .values_list("text", "published_at", "sentiment", "hashtags")[:MAX_MENTIONS]
    )
    return [
        hr.TagPost(text, published, sentiment or None, "listening")
        for text, published, sentiment, hashtags in rows
        if tag in {hr.fold(h) for h in hashtags or ()}
    ]


def refresh(workspace_id: int, tag: str, *, now: datetime | None = None) -> HashtagCheck:
    """Read the tag's recent posts from every connected network that can search tags and from
    the workspace's listening data; store the summary (the task's body)."""
    now = now or timezone.now()
    channels = Channel.objects.filter(
        workspace_id=workspace_id,
        network__in=[Network.MASTODON, Network.BLUESKY, Network.INSTAGRAM],
    ).exclude(health=Health.BROKEN)
    posts: list[hr.TagPost] = []
    failed: list[str] = []
    for channel in channels:
        try:
            posts += _network_posts(channel, tag)
        except NetworkError as error:
            logger.info("hashtag check of #%s on channel %s failed: %s", tag, channel.pk, error)
            failed.append(channel.name)
    posts += _listening_posts(workspace_id, tag, now - timedelta(hours=WINDOW_HOURS))
    summary = hr.summarise(tag, posts, now=now, window_hours=WINDOW_HOURS)
    row, _created = HashtagCheck.objects.get_or_create(workspace_id=workspace_id, tag=tag)
    row.summary = {
        "tag": summary.tag,
        "posts": summary.posts,
        "window_hours": summary.window_hours,
        "top_words": [list(pair) for pair in summary.top_words],
        "sentiment": dict(summary.sentiment),
        "per_source": dict(summary.per_source),
    }
    row.failed, row.checked_at = failed, now
    row.save(update_fields=["summary", "failed", "checked_at"])
    return row


def page_context(item: ContentItem) -> dict[str, object]:
    """``hashtags`` (the states) and ``hashtags_pending`` (the page polls while one runs)."""
    found = states(item)
    return {"hashtags": found, "hashtags_pending": any(h.state == "checking" for h in found)}
