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
6. **store** mentions, topic links and rollup deltas in one transaction with the workspace
   locked, so the incremental rollups always equal a recount.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone

from koers.core.models import Workspace
from koers.listening import rollups
from koers.listening.models import IngestRun, Mention, MentionTopic, Source, Topic
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
def analyse_texts(texts: list[str], langs: list[str | None]) -> list[tuple[str, str, float]]:
    """(language, sentiment label, score) per text; a given language wins over detection."""
    from koers.textkit import analyse

    return [(r.lang, r.label, r.score) for r in analyse(texts, lang_hint=langs)]


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
            rollups.lock_workspace(self.workspace)
            # Re-check under the lock: another writer may have stored some meanwhile.
            fresh = self._drop_stored(new, report)
            self._store(fresh)
        report.stored = len(fresh)
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
        results = analyse_texts(texts, hints)
        for c in candidates:
            lang, label, score = results[keyed[(c.post.text_hash, c.lang)]]
            c.lang = lang or UNKNOWN_LANG
            c.sentiment = (label, score)

    def _store(self, candidates: list[_Candidate]) -> None:
        if not candidates:
            return
        now = timezone.now()
        mentions = [
            Mention(
                workspace=self.workspace,
                source=self.source,
                network=c.post.network,
                remote_id=c.post.remote_id,
                url=c.post.url,
                author_handle=c.post.author_handle,
                author_name=c.post.author_name,
                text=c.post.text,
                text_hash=c.post.text_hash,
                lang=c.lang or UNKNOWN_LANG,
                lang_from_source=c.lang_from_source,
                sentiment=c.sentiment[0],
                sentiment_score=round(c.sentiment[1], 4),
                published_at=c.post.published_at,
                ingested_at=now,
                links=list(c.post.links),
                hashtags=list(c.post.hashtags),
                mentioned=list(c.post.mentions),
                reply_to=c.post.reply_to,
            )
            for c in candidates
        ]
        Mention.objects.bulk_create(mentions, batch_size=500)
        links: list[MentionTopic] = []
        deltas: Counter = Counter()
        for mention, c in zip(mentions, candidates, strict=True):
            hour = rollups.hour_of(mention.published_at)
            for topic_id in c.topic_ids:
                links.append(
                    MentionTopic(
                        workspace=self.workspace,
                        mention_id=mention.pk,
                        topic_id=topic_id,
                        published_at=mention.published_at,
                    )
                )
                deltas[(topic_id, hour, mention.network, mention.lang, mention.sentiment)] += 1
        MentionTopic.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
        rollups.apply_deltas(self.workspace, deltas)


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
