"""The listening pipeline: incoming posts → mentions with topic links → hourly rollups.

Steps per batch (``Pipeline.ingest``):

1. **normalise** (``koers.listening.normalise``): HTML → text, display-shortened links expanded,
   hashtags/mentions collected, text hash. A post that can't be normalised is *counted and
   reported with its reason*, never dropped silently.
2. **dedupe**: within the batch and against stored mentions by (network, remote_id); the unique
   constraint makes a replay idempotent, so a replayed file or a stream resumed with overlap
   never double-counts.
3. **match** every active topic of the workspace with one compiled ``koers.query`` TopicSet,
   compiled once per workspace and cached until a topic changes (not per post or per batch).
4. **language**: the post's own language, else the source's, else detected (only for matched
   posts, unless a topic query filters on ``lang:``, which needs it before matching).
5. **sentiment** (textkit) only for matched, new posts; once per distinct text hash.
6. **store** mentions, topic links and rollup deltas in one transaction. The mention insert
   is ``ON CONFLICT DO NOTHING RETURNING``: only rows this insert created get links and
   count in the rollups (atomic ``count = count + n`` upserts), so concurrent writers and
   replays never double-count, and the incremental rollups always equal a recount.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from koers.core.models import Workspace
from koers.listening import rollups
from koers.listening.models import (
    IngestRun,
    Mention,
    MentionTopic,
    SentimentModel,
    Source,
    Topic,
)
from koers.listening.normalise import Normalised, Rejected, normalise
from koers.networks.base import IncomingPost
from koers.query import Field, Node, Post, QueryError, TopicSet, compile_topics
from koers.query.nodes import And, Near, Not, Or

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_REPORTED_FAILURES = 100
UNKNOWN_LANG = "unknown"


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
@dataclass
class IngestReport:
    """What happened to every post given to the pipeline: received = stored + duplicates +
    unmatched + failed."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    unmatched: int = 0
    failed: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)

    def fail(self, ref: str, code: str) -> None:
        self.failed += 1
        if len(self.failures) < MAX_REPORTED_FAILURES:
            self.failures.append({"ref": ref, "reason": code})

    def add(self, other: IngestReport) -> None:
        for name in ("received", "stored", "duplicates", "unmatched"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for failure in other.failures:
            self.fail(failure["ref"], failure["reason"])
        self.failed += other.failed - len(other.failures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "unmatched": self.unmatched,
            "failed": self.failed,
            "failures": list(self.failures),
        }


# ---------------------------------------------------------------------------------------------
# Topic matcher, compiled once per workspace and topic version
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CompiledTopics:
    signature: tuple
    topics: TopicSet
    needs_lang: bool  # some query filters on lang:, so the language must be known first
    invalid: tuple[int, ...] = ()


_COMPILED: dict[int, CompiledTopics] = {}


def _uses_lang(node: Node) -> bool:
    if isinstance(node, Field):
        return node.name == "lang"
    if isinstance(node, And | Or):
        return any(_uses_lang(child) for child in node.children)
    if isinstance(node, Not):
        return _uses_lang(node.child)
    if isinstance(node, Near):
        return _uses_lang(node.left) or _uses_lang(node.right)
    return False


def compile_workspace_topics(queries: Mapping[int, str]) -> tuple[TopicSet, tuple[int, ...]]:
    """Compile all queries; a stored query that no longer parses is left out (and reported)."""
    todo = dict(queries)
    invalid: list[int] = []
    while True:
        try:
            return compile_topics(todo), tuple(invalid)
        except QueryError as error:
            bad = error.topic_id
            assert isinstance(bad, int)
            logger.warning("topic %s has an invalid query (%s); skipped", bad, error.code)
            invalid.append(bad)
            todo.pop(bad)


def topics_for(workspace: Workspace) -> CompiledTopics:
    """The workspace's compiled topics; one small query, recompiled only when a topic changed."""
    rows = tuple(
        Topic.objects.filter(workspace=workspace, is_active=True)
        .order_by("pk")
        .values_list("pk", "query")
    )
    cached = _COMPILED.get(workspace.pk)
    if cached is not None and cached.signature == rows:
        return cached
    topic_set, invalid = compile_workspace_topics(dict(rows))
    compiled = CompiledTopics(
        signature=rows,
        topics=topic_set,
        needs_lang=any(_uses_lang(node) for node in topic_set.nodes.values()),
        invalid=invalid,
    )
    _COMPILED[workspace.pk] = compiled
    return compiled


# ---------------------------------------------------------------------------------------------
# textkit adapter: the one place the pipeline calls language detection and sentiment
# ---------------------------------------------------------------------------------------------
def analyse_texts(
    texts: list[str],
    langs: list[str | None],
    backend: str = "lexicon",
    head: Any = None,
) -> list[tuple[str, str, float]]:
    """(language, sentiment label, score) per text; a given language wins over detection.

    ``backend`` is the workspace's choice; ``head`` its learned head (embedding backend only).
    """
    from koers.textkit import analyse

    results = analyse(texts, lang_hint=langs, backend=backend, head=head)
    return [(r.lang, r.label, r.score) for r in results]


# The learned head of each workspace, loaded once per training (keyed by its time).
_HEADS: dict[int, tuple[Any, Any]] = {}


def sentiment_choice(workspace: Workspace) -> tuple[str, Any]:
    """The workspace's sentiment backend and, when switched on, its own learned head."""
    model = SentimentModel.objects.filter(workspace=workspace).first()
    if model is None:
        return "lexicon", None
    if model.backend != "embedding" or not model.head_active or model.head is None:
        return model.backend, None
    cached = _HEADS.get(workspace.pk)
    if cached is None or cached[0] != model.trained_at:
        from koers.textkit import Head

        cached = (model.trained_at, Head.from_bytes(bytes(model.head)))
        _HEADS[workspace.pk] = cached
    return model.backend, cached[1]


def detect_langs(texts: list[str]) -> list[str]:
    from koers.textkit import detect_languages

    return detect_languages(texts)


# ---------------------------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------------------------
def _as_normalised(post: IncomingPost) -> Normalised:
    return normalise(
        network=post.network,
        remote_id=post.remote_id,
        text=post.text,
        created_at=post.created_at,
        url=post.url,
        author_handle=post.author_handle,
        author_name=post.author_name,
        lang=post.lang,
        links=post.links,
        hashtags=post.hashtags,
        mentions=post.mentions,
        reply_to=post.reply_to,
    )


def _chunks[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class _Candidate:
    post: Normalised
    topic_ids: set[int]
    lang: str | None
    lang_from_source: bool
    sentiment: tuple[str, float] = ("neutral", 0.0)


class Pipeline:
    """Ingest posts for one workspace (and optionally the source they came from)."""

    def __init__(self, workspace: Workspace, source: Source | None = None) -> None:
        self.workspace = workspace
        self.source = source
        self.source_lang = (source.language or None) if source is not None else None
        self.sentiment_backend, self.sentiment_head = sentiment_choice(workspace)
        if connection.vendor == "sqlite":
            # SQLite's default page cache is 2 MB; the mention indexes of a big import are
            # larger, and every miss costs a read. 64 MB for this connection only.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")

    def ingest(
        self,
        posts: Iterable[IncomingPost | Rejected],
        *,
        batch_size: int = BATCH_SIZE,
        refs: Iterable[str] | None = None,
        on_batch: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Run every post through the pipeline; a ``Rejected`` item (a row a reader could not
        read) is counted as failed. ``refs`` (e.g. row numbers) name posts in the report.
        Each batch commits on its own, so an interrupted run keeps what it stored (and a rerun
        skips it); ``on_batch`` gets the running total after each batch (progress bars)."""
        report = IngestReport()
        ref_iter = iter(refs) if refs is not None else None
        for chunk in _chunks(posts, batch_size):
            chunk_refs = [next(ref_iter) for _ in chunk] if ref_iter is not None else None
            report.add(self.ingest_batch(chunk, chunk_refs))
            if on_batch is not None:
                on_batch(report)
        return report

    def ingest_pairs(
        self,
        pairs: Iterable[tuple[str, IncomingPost | Rejected]],
        *,
        batch_size: int = BATCH_SIZE,
        on_batch: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Like :meth:`ingest` for ``(ref, post)`` pairs, as file readers yield them."""
        report = IngestReport()
        for chunk in _chunks(pairs, batch_size):
            report.add(self.ingest_batch([p for _r, p in chunk], [r for r, _p in chunk]))
            if on_batch is not None:
                on_batch(report)
        return report

    def ingest_batch(
        self, posts: list[IncomingPost | Rejected], refs: list[str] | None = None
    ) -> IngestReport:
        report = IngestReport(received=len(posts))
        normalised = self._normalise(posts, refs, report)
        compiled = topics_for(self.workspace)
        candidates = self._match(normalised, compiled, report)
        new = self._drop_stored(candidates, report)
        self._sentiment(new)
        with transaction.atomic():
            # Serialises with rebuild_rollups; mentions themselves are claimed by the insert.
            rollups.lock_workspace(self.workspace)
            stored = self._store(new)
        report.stored = stored
        report.duplicates += len(new) - stored
        return report

    # -- steps -----------------------------------------------------------------------------
    def _normalise(
        self, posts: list[IncomingPost | Rejected], refs: list[str] | None, report: IngestReport
    ) -> list[Normalised]:
        out: dict[tuple[str, str], Normalised] = {}
        for index, item in enumerate(posts):
            ref = refs[index] if refs is not None else ""
            if isinstance(item, Rejected):
                report.fail(ref, item.code)
                continue
            try:
                post = _as_normalised(item)
            except Rejected as rejected:
                report.fail(ref or str(getattr(item, "remote_id", "")), rejected.code)
                continue
            key = (post.network, post.remote_id)
            if key in out:
                report.duplicates += 1
                continue
            out[key] = post
        return list(out.values())

    def _match(
        self, posts: list[Normalised], compiled: CompiledTopics, report: IngestReport
    ) -> list[_Candidate]:
        langs: list[str | None] = [p.lang or self.source_lang for p in posts]
        from_source = [lang is not None for lang in langs]
        if compiled.needs_lang:
            missing = [i for i, lang in enumerate(langs) if lang is None]
            if missing:
                found = detect_langs([posts[i].text for i in missing])
                for i, lang in zip(missing, found, strict=True):
                    langs[i] = lang
        topic_set = compiled.topics
        out: list[_Candidate] = []
        for post, lang, given in zip(posts, langs, from_source, strict=True):
            matched = topic_set.match(
                Post(
                    post.remote_id,
                    post.text,
                    lang=lang if lang != UNKNOWN_LANG else None,
                    author=post.author_handle,
                    network=post.network,
                    links=post.links,
                )
            )
            if matched:
                out.append(_Candidate(post, matched, lang, given))
            else:
                report.unmatched += 1
        return out

    def _drop_stored(self, candidates: list[_Candidate], report: IngestReport) -> list[_Candidate]:
        if not candidates:
            return []
        by_network: dict[str, list[str]] = {}
        for c in candidates:
            by_network.setdefault(c.post.network, []).append(c.post.remote_id)
        stored: set[tuple[str, str]] = set()
        for network, ids in by_network.items():
            for chunk in _chunks(ids, 500):
                stored.update(
                    (network, remote_id)
                    for remote_id in Mention.objects.filter(
                        workspace=self.workspace, network=network, remote_id__in=chunk
                    ).values_list("remote_id", flat=True)
                )
        if not stored:
            return candidates
        report.duplicates += sum((c.post.network, c.post.remote_id) in stored for c in candidates)
        return [c for c in candidates if (c.post.network, c.post.remote_id) not in stored]

    def _sentiment(self, candidates: list[_Candidate]) -> None:
        """Language and sentiment for matched posts, once per (text hash, language)."""
        if not candidates:
            return
        keyed: dict[tuple[str, str | None], int] = {}
        texts: list[str] = []
        hints: list[str | None] = []
        for c in candidates:
            key = (c.post.text_hash, c.lang)
            if key not in keyed:
                keyed[key] = len(texts)
                texts.append(c.post.text)
                hints.append(c.lang)
        results = analyse_texts(texts, hints, self.sentiment_backend, self.sentiment_head)
        for c in candidates:
            lang, label, score = results[keyed[(c.post.text_hash, c.lang)]]
            c.lang = lang or UNKNOWN_LANG
            c.sentiment = (label, score)

    def _store(self, candidates: list[_Candidate]) -> int:
        """Insert the mentions; only those this insert actually created (another writer may
        have stored some meanwhile) get topic links and count in the rollups."""
        if not candidates:
            return 0
        now = timezone.now()
        ids = insert_mentions(
            [
                (
                    self.workspace.pk,
                    self.source.pk if self.source is not None else None,
                    c.post.network,
                    c.post.remote_id,
                    c.post.url,
                    c.post.author_handle,
                    c.post.author_name,
                    c.post.text,
                    c.post.text_hash,
                    c.lang or UNKNOWN_LANG,
                    c.lang_from_source,
                    c.sentiment[0],
                    round(c.sentiment[1], 4),
                    c.post.published_at,
                    now,
                    list(c.post.links),
                    list(c.post.hashtags),
                    list(c.post.mentions),
                    c.post.reply_to,
                )
                for c in candidates
            ]
        )
        links: list[tuple[int, int, int, datetime]] = []
        deltas: Counter = Counter()
        authors: Counter = Counter()
        tags: Counter = Counter()
        names: dict[tuple[str, str], str] = {}
        for c in candidates:
            mention_id = ids.get((c.post.network, c.post.remote_id))
            if mention_id is None:
                continue
            post = c.post
            hour = rollups.hour_of(post.published_at)
            lang = c.lang or UNKNOWN_LANG
            names[(post.network, post.author_handle)] = post.author_name
            for topic_id in c.topic_ids:
                links.append((self.workspace.pk, mention_id, topic_id, post.published_at))
                deltas[(topic_id, hour, post.network, lang, c.sentiment[0])] += 1
                authors[(topic_id, post.published_at, post.network, post.author_handle)] += 1
            tags.update(
                rollups.tag_deltas(c.topic_ids, post.published_at, post.hashtags, post.links)
            )
        insert_links(links)
        rollups.apply_deltas(self.workspace, deltas)
        rollups.apply_author_deltas(self.workspace, authors, names)
        rollups.apply_tag_deltas(self.workspace, tags)
        return len(ids)


# ---------------------------------------------------------------------------------------------
# Deleted posts: removed, as the networks' terms require
# ---------------------------------------------------------------------------------------------
def forget_posts(workspace: Workspace, network: str, remote_ids: Iterable[str]) -> int:
    """Remove the workspace's mentions of posts their authors deleted (with their topic links,
    inbox items and alert hits) and take them out of the rollups in the same transaction, so
    ``rollup_cells == recount`` still holds. Posts never stored are ignored; returns how many
    mentions were removed."""
    removed = 0
    for chunk in _chunks(dict.fromkeys(remote_ids), 500):
        mentions = Mention.objects.filter(workspace=workspace, network=network, remote_id__in=chunk)
        removed += _forget(workspace, mentions)
    return removed


def forget_bluesky_account(workspace: Workspace, did: str) -> int:
    """:func:`forget_posts` for every post of a deleted Bluesky account (their at-uris start
    with the account's DID)."""
    mentions = Mention.objects.filter(
        workspace=workspace, network="bluesky", remote_id__startswith=f"at://{did}/"
    )
    return _forget(workspace, mentions)


def _forget(workspace: Workspace, mentions: Any) -> int:
    with transaction.atomic():
        rollups.lock_workspace(workspace)
        deltas: Counter = Counter()
        authors: Counter = Counter()
        tags: Counter = Counter()
        cells = MentionTopic.objects.filter(mention__in=mentions).values_list(
            "topic_id",
            "published_at",
            "mention__network",
            "mention__lang",
            "mention__sentiment",
            "mention__author_handle",
            "mention__hashtags",
            "mention__links",
        )
        for topic_id, published_at, network, lang, sentiment, handle, hashtags, urls in cells:
            deltas[(topic_id, rollups.hour_of(published_at), network, lang, sentiment)] -= 1
            authors[(topic_id, published_at, network, handle)] -= 1
            tags.update(rollups.tag_deltas([topic_id], published_at, hashtags, urls, -1))
        _total, per_model = mentions.order_by().delete()
        rollups.apply_deltas(workspace, deltas)
        rollups.apply_author_deltas(workspace, authors)
        rollups.apply_tag_deltas(workspace, tags)
    return per_model.get(Mention._meta.label, 0)


# ---------------------------------------------------------------------------------------------
# Bulk inserts in plain SQL: Django's bulk_create spends most of its time compiling SQL for
# each value; these two tables take tens of thousands of rows a minute. Values go through
# the fields' own get_db_prep_save, so types are converted exactly as the ORM would.
# ---------------------------------------------------------------------------------------------
MENTION_COLUMNS = (
    "workspace_id", "source_id", "network", "remote_id", "url", "author_handle", "author_name",
    "text", "text_hash", "lang", "lang_from_source", "sentiment", "sentiment_score",
    "published_at", "ingested_at", "links", "hashtags", "mentioned", "reply_to",
)  # fmt: skip
LINK_COLUMNS = ("workspace_id", "mention_id", "topic_id", "published_at")


def _preparers(model: type, columns: tuple[str, ...]) -> list[Callable[[Any], Any] | None]:
    """Per column: None (pass as is) or the conversion this database needs (what the field's
    get_db_prep_save does, without its per-value overhead)."""
    sqlite = connection.vendor == "sqlite"
    out: list[Callable[[Any], Any] | None] = []
    for column in columns:
        internal = model._meta.get_field(column).get_internal_type()
        if internal == "DateTimeField" and sqlite:
            out.append(_sqlite_datetime)
        elif internal == "JSONField":
            out.append(json.dumps if sqlite else _pg_json)
        else:
            out.append(None)
    return out


def _sqlite_datetime(value: datetime) -> str:
    # Django stores aware datetimes in SQLite as naive UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]".
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _pg_json(value: Any) -> Any:
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _insert(
    model: type,
    columns: tuple[str, ...],
    rows: list[tuple],
    suffix: str,
    chunk: int = 1000,
) -> list[tuple]:
    """INSERT the rows (in chunks); returns what ``suffix``'s RETURNING gives, if anything."""
    table = connection.ops.quote_name(model._meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    preparers = _preparers(model, columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    returned: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            params: list[Any] = []
            for row in part:
                params.extend(
                    value if prep is None else prep(value)
                    for value, prep in zip(row, preparers, strict=True)
                )
            sql = (
                f"INSERT INTO {table} ({column_sql}) VALUES "  # noqa: S608 - names from the model
                f"{', '.join([placeholder] * len(part))} {suffix}"
            )
            cursor.execute(sql, params)
            if "RETURNING" in suffix:
                returned.extend(cursor.fetchall())
    return returned


def insert_mentions(rows: list[tuple]) -> dict[tuple[str, str], int]:
    """Insert mention rows (MENTION_COLUMNS order); returns (network, remote_id) → id of the
    rows this statement created. A row already stored (a replay, or another writer) is skipped
    by the unique constraint and not returned, so it is never counted twice."""
    returned = _insert(
        Mention,
        MENTION_COLUMNS,
        rows,
        "ON CONFLICT (workspace_id, network, remote_id) DO NOTHING"
        " RETURNING id, network, remote_id",
    )
    return {(network, remote_id): pk for pk, network, remote_id in returned}


def insert_links(rows: list[tuple]) -> None:
    """Insert mention→topic links; an existing link is left alone (a replay adds nothing)."""
    _insert(MentionTopic, LINK_COLUMNS, rows, "ON CONFLICT (mention_id, topic_id) DO NOTHING")


def record_run(
    workspace: Workspace, source: Source | None, report: IngestReport, started_at: Any = None
) -> IngestRun:
    """Keep what a run did, visible on the sources page."""
    return IngestRun.objects.create(
        workspace=workspace,
        source=source,
        started_at=started_at or timezone.now(),
        finished_at=timezone.now(),
        received=report.received,
        stored=report.stored,
        duplicates=report.duplicates,
        unmatched=report.unmatched,
        failed=report.failed,
        failures=report.failures,
    )


# ---------------------------------------------------------------------------------------------
# Backfill: a new or changed topic also finds the mentions already stored
# ---------------------------------------------------------------------------------------------
BACKFILL_LIMIT = 50_000


def backfill_topic(topic: Topic, limit: int = BACKFILL_LIMIT) -> int:
    """Link ``topic`` to the workspace's stored mentions (newest ``limit``) its query matches;
    returns how many links were added. Idempotent: existing links are kept, and only links
    this call created count in the rollups."""
    from koers.query import compile_query

    try:
        matcher = compile_query(topic.query)
    except QueryError:
        return 0
    rows = (
        Mention.objects.filter(workspace_id=topic.workspace_id)
        .order_by("-published_at", "-id")
        .values_list("id", "text", "lang", "author_handle", "network", "published_at", "links")[
            :limit
        ]
    )
    found = [
        row
        for row in rows.iterator(chunk_size=2000)
        if matcher.matches(
            Post(row[0], row[1], lang=row[2], author=row[3], network=row[4], links=row[6])
        )
    ]
    return _link_found(topic, found)


def _link_found(topic: Topic, found: list[tuple]) -> int:
    if not found:
        return 0
    by_id = {row[0]: row for row in found}
    with transaction.atomic():
        rollups.lock_workspace(topic.workspace)
        created = _insert(
            MentionTopic,
            LINK_COLUMNS,
            [(topic.workspace_id, row[0], topic.pk, row[5]) for row in found],
            "ON CONFLICT (mention_id, topic_id) DO NOTHING RETURNING mention_id",
        )
        deltas: Counter = Counter()
        authors: Counter = Counter()
        tags: Counter = Counter()
        names: dict[tuple[str, str], str] = {}
        for chunk in _chunks((r[0] for r in created), 500):
            cells = Mention.objects.filter(pk__in=chunk).values_list(
                "pk", "network", "lang", "sentiment", "author_handle", "author_name", "hashtags"
            )
            for pk, network, lang, sentiment, handle, name, hashtags in cells:
                published_at = by_id[pk][5]
                deltas[(topic.pk, rollups.hour_of(published_at), network, lang, sentiment)] += 1
                authors[(topic.pk, published_at, network, handle)] += 1
                tags.update(rollups.tag_deltas([topic.pk], published_at, hashtags, by_id[pk][6]))
                names[(network, handle)] = name
        rollups.apply_deltas(topic.workspace, deltas)
        rollups.apply_author_deltas(topic.workspace, authors, names)
        rollups.apply_tag_deltas(topic.workspace, tags)
    return len(created)
