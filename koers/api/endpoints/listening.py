"""Topics and mentions: keyset pages, the stream's filters and the topics' query language."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from koers.api.auth import Access
from koers.api.errors import COMMON, ApiError
from koers.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_time_id, encode
from koers.api.schemas import MAX_ID, Id, Moment, Text
from koers.core.access import get_scoped_or_404, scoped
from koers.listening.models import Mention, Network, Sentiment, Topic, TopicKind
from koers.query import QueryError, compile_query

router = Router(tags=["listening"])
TopicId = Annotated[int, Path(ge=1, le=MAX_ID)]

# A query in the topics' language is matched in Python: a page reads at most this many
# mentions (newest first) before it answers with what it found and a cursor to read on.
SCAN_LIMIT = 5000
BATCH = 500


class TopicOut(Schema):
    id: int
    name: str
    kind: TopicKind
    query: str
    colour: str
    counts_for_share_of_voice: bool
    is_active: bool


@router.get("/topics", response={200: list[TopicOut], **COMMON})
def list_topics(request: HttpRequest) -> Any:
    access: Access = request.auth  # type: ignore[attr-defined]
    return list(scoped(Topic.objects, access.workspace).order_by("name", "id"))


@router.get("/topics/{topic_id}", response={200: TopicOut, **COMMON})
def get_topic(request: HttpRequest, topic_id: TopicId) -> Any:
    access: Access = request.auth  # type: ignore[attr-defined]
    return get_scoped_or_404(Topic.objects, access.workspace, pk=topic_id)


class MentionOut(Schema):
    id: int
    network: str
    url: str
    author_handle: str
    author_name: str
    text: str
    lang: str
    sentiment: str
    sentiment_score: float
    published_at: datetime
    topics: list[int]


class MentionPage(Schema):
    items: list[MentionOut]
    next: str | None = Field(description="Cursor of the next (older) page; null at the end.")
    scanned: int = Field(description="Mentions read for this page (the query is matched on them).")


class MentionFilters(Schema):
    topic: Id | None = None
    network: Network | None = None
    sentiment: Sentiment | None = None
    lang: Text | None = Field(None, max_length=8)
    since: Moment | None = Field(None, description="Published at or after (ISO 8601).")
    until: Moment | None = Field(None, description="Published before (ISO 8601).")
    query: Text | None = Field(
        None, max_length=4000, description="The topics' Boolean query language (koers.query)."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: Text | None = None


def mention_out(mention: Mention) -> MentionOut:
    return MentionOut(
        id=mention.pk,
        network=mention.network,
        url=mention.url,
        author_handle=mention.author_handle,
        author_name=mention.author_name,
        text=mention.text,
        lang=mention.lang,
        sentiment=mention.sentiment,
        sentiment_score=mention.sentiment_score,
        published_at=mention.published_at,
        topics=sorted(link.topic_id for link in mention.topic_links.all()),
    )


def _filtered(access: Access, filters: MentionFilters) -> QuerySet[Mention]:
    mentions = scoped(Mention.objects, access.workspace)
    if filters.topic:
        mentions = mentions.filter(topic_links__topic_id=filters.topic)
    for name in ("network", "sentiment", "lang"):
        value = getattr(filters, name)
        if value:
            mentions = mentions.filter(**{name: value})
    if filters.since:
        mentions = mentions.filter(published_at__gte=filters.since)
    if filters.until:
        mentions = mentions.filter(published_at__lt=filters.until)
    return mentions.prefetch_related("topic_links").order_by("-published_at", "-id")


def _older(mentions: QuerySet[Mention], after: tuple[datetime, int] | None) -> QuerySet[Mention]:
    if after is None:
        return mentions
    moment, pk = after
    return mentions.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))


def _post(mention: Mention) -> dict[str, Any]:
    """A stored mention as the query matcher reads it (the ingest pipeline's fields)."""
    return {
        "id": mention.pk,
        "text": mention.text,
        "lang": mention.lang,
        "author": mention.author_handle,
        "network": mention.network,
        "links": tuple(link for link in mention.links or () if isinstance(link, str)),
    }


@router.get("/mentions", response={200: MentionPage, **COMMON})
def list_mentions(request: HttpRequest, filters: Query[MentionFilters]) -> Any:
    """Mentions newest first, filtered like the mention stream; ``query`` takes the topics'
    query language (e.g. ``fiets* AND NOT "te koop" lang:nl``). Follow ``next`` for older ones.
    With a query a page may hold fewer than ``limit`` mentions (see ``scanned``)."""
    access: Access = request.auth  # type: ignore[attr-defined]
    base = _filtered(access, filters)
    after = decode_time_id(filters.cursor)
    if not filters.query or not filters.query.strip():
        found = list(_older(base, after)[: filters.limit + 1])
        more = len(found) > filters.limit
        found = found[: filters.limit]
        last = found[-1] if more else None
        return MentionPage(
            items=[mention_out(m) for m in found],
            next=encode(last.published_at, last.pk) if last else None,
            scanned=len(found),
        )
    try:
        matcher = compile_query(filters.query)
    except QueryError as error:
        language = (get_language() or "nl")[:2]
        message = error.message(language if language in ("nl", "en") else "en")
        raise ApiError(422, "invalid", _("The input is not valid."), {"query": [message]}) from None
    matches: list[Mention] = []
    scanned, last, exhausted = 0, None, False
    while len(matches) < filters.limit and scanned < SCAN_LIMIT:
        size = min(BATCH, SCAN_LIMIT - scanned)
        batch = list(_older(base, after)[:size])
        for mention in batch:
            scanned += 1
            last = mention
            if matcher.matches(_post(mention)):
                matches.append(mention)
                if len(matches) == filters.limit:
                    break
        if len(matches) < filters.limit and len(batch) < size:
            exhausted = True
        if exhausted or last is None:
            break
        after = (last.published_at, last.pk)
    return MentionPage(
        items=[mention_out(m) for m in matches],
        next=None if exhausted or last is None else encode(last.published_at, last.pk),
        scanned=scanned,
    )
