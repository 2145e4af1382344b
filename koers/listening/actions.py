"""Every state change of listening: topics, sources, sentiment corrections, file imports.

Each action runs in one transaction and writes one audit row (``koers.core.actions.audit``).
Ingesting posts itself is the pipeline's job (``koers.listening.pipeline``), which commits per
batch; ``import_posts`` wraps it for the CLI and audits the finished import.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from koers.core import crypto
from koers.core.actions import audit
from koers.core.models import Workspace
from koers.listening import rollups
from koers.listening.models import (
    Mention,
    SentimentCorrection,
    SentimentModel,
    Source,
    SourceKind,
    SourceStatus,
    Topic,
)
from koers.listening.normalise import Rejected
from koers.listening.pipeline import IngestReport, Pipeline, record_run
from koers.listening.signals import sentiment_corrected
from koers.networks.base import IncomingPost
from koers.query import normalize

TOPIC_FIELDS = ("name", "kind", "query", "colour", "counts_for_share_of_voice", "is_active")


# ---------------------------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def create_topic(workspace: Workspace, actor: AbstractBaseUser | None, **values: Any) -> Topic:
    """``values``: the TOPIC_FIELDS; the query is stored in its canonical form."""
    values["query"] = normalize(values["query"])
    topic = Topic.objects.create(workspace=workspace, **values)
    audit(workspace, actor, "listening.topic.create", f"created topic {topic.name}", topic)
    _queue_backfill(topic)
    return topic


def _queue_backfill(topic: Topic) -> None:
    """After commit, let a worker link the topic to matching mentions already stored."""
    from koers.listening.tasks import backfill_topic

    transaction.on_commit(lambda: backfill_topic.enqueue(topic.pk))


@transaction.atomic
def update_topic(topic: Topic, actor: AbstractBaseUser | None, **values: Any) -> Topic:
    if "query" in values:
        values["query"] = normalize(values["query"])
    changes = {
        name: [getattr(topic, name), value]
        for name, value in values.items()
        if name in TOPIC_FIELDS and getattr(topic, name) != value
    }
    for name, (_old, new) in changes.items():
        setattr(topic, name, new)
    if changes:
        topic.updated_at = timezone.now()
        topic.save(update_fields=[*changes, "updated_at"])
        audit(
            topic.workspace,
            actor,
            "listening.topic.update",
            f"changed topic {topic.name}",
            topic,
            **changes,
        )
        if "query" in changes:
            _queue_backfill(topic)
    return topic


@transaction.atomic
def delete_topic(topic: Topic, actor: AbstractBaseUser | None) -> None:
    """Deletes the topic with its links and rollups; the mentions stay for other topics."""
    audit(topic.workspace, actor, "listening.topic.delete", f"deleted topic {topic.name}", topic)
    topic.delete()


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------
def _encrypt_credentials(credentials: Mapping[str, str]) -> str:
    kept = {k: v for k, v in credentials.items() if v}
    return crypto.encrypt(json.dumps(kept)) if kept else ""


def source_credentials(source: Source) -> dict[str, str]:
    """The decrypted credentials (only the worker needs them; never shown, never logged)."""
    return json.loads(crypto.decrypt(source.credentials)) if source.credentials else {}


def unsaved_source(
    workspace: Workspace,
    *,
    kind: str,
    config: Mapping[str, Any],
    credentials: Mapping[str, str],
    language: str = "",
) -> Source:
    """A source as it would be stored, but not stored: for a test fetch before saving."""
    return Source(
        workspace=workspace,
        name="",
        kind=kind,
        config=dict(config),
        credentials=_encrypt_credentials(credentials),
        language=language,
    )


@transaction.atomic
def create_source(
    workspace: Workspace,
    actor: AbstractBaseUser | None,
    *,
    name: str,
    kind: str,
    config: Mapping[str, Any] | None = None,
    credentials: Mapping[str, str] | None = None,
    language: str = "",
    poll_every_seconds: int = 300,
) -> Source:
    source = Source.objects.create(
        workspace=workspace,
        name=name,
        kind=kind,
        config=dict(config or {}),
        credentials=_encrypt_credentials(credentials or {}),
        language=language,
        poll_every_seconds=poll_every_seconds,
        next_poll_at=timezone.now(),
    )
    audit(workspace, actor, "listening.source.create", f"added source {name} ({kind})", source)
    return source


@transaction.atomic
def update_source(
    source: Source,
    actor: AbstractBaseUser | None,
    *,
    name: str,
    config: Mapping[str, Any],
    credentials: Mapping[str, str],
    language: str,
    poll_every_seconds: int,
    fetched: bool = False,
) -> Source:
    """Blank credentials keep the stored ones (the form never shows them). ``fetched``: a test
    fetch with the new settings worked, so a source that needed attention works again (and is
    polled soon); a paused one stays paused."""
    fields = ["name", "config", "language", "poll_every_seconds"]
    if fetched and source.status != SourceStatus.PAUSED:
        source.status, source.last_error, source.failures = SourceStatus.OK, "", 0
        source.next_poll_at = timezone.now()
        fields += ["status", "last_error", "failures", "next_poll_at"]
    source.name, source.config = name, dict(config)
    source.language, source.poll_every_seconds = language, poll_every_seconds
    if any(credentials.values()):
        merged = source_credentials(source) | {k: v for k, v in credentials.items() if v}
        source.credentials = _encrypt_credentials(merged)
        fields.append("credentials")
    source.save(update_fields=fields)
    audit(source.workspace, actor, "listening.source.update", f"changed source {name}", source)
    return source


@transaction.atomic
def set_source_paused(source: Source, actor: AbstractBaseUser | None, paused: bool) -> Source:
    source.status = SourceStatus.PAUSED if paused else SourceStatus.NEW
    source.failures = 0
    source.next_poll_at = None if paused else timezone.now()
    source.save(update_fields=["status", "failures", "next_poll_at"])
    verb = "paused" if paused else "resumed"
    audit(
        source.workspace, actor, f"listening.source.{verb}", f"{verb} source {source.name}", source
    )
    return source


@transaction.atomic
def delete_source(source: Source, actor: AbstractBaseUser | None) -> None:
    """The source's mentions stay (they are counted in the rollups); they lose the link."""
    audit(
        source.workspace, actor, "listening.source.delete", f"deleted source {source.name}", source
    )
    source.delete()


def file_source(workspace: Workspace, actor: AbstractBaseUser | None, name: str) -> Source:
    """The file-import source called ``name``, created on first use."""
    existing = Source.objects.filter(workspace=workspace, name=name).first()
    if existing is not None:
        return existing
    return create_source(workspace, actor, name=name, kind=SourceKind.FILE)


# ---------------------------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def correct_sentiment(
    mention: Mention, actor: AbstractBaseUser | None, sentiment: str
) -> SentimentCorrection | None:
    """Store a person's sentiment for ``mention`` (kept per workspace for textkit to learn
    from) and move its rollup counts to the new label; ``None`` when nothing changed."""
    rollups.lock_workspace(mention.workspace)
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    old = mention.sentiment
    if old == sentiment:
        return None
    correction = SentimentCorrection.objects.filter(mention=mention).first()
    if correction is None:
        correction = SentimentCorrection(workspace=mention.workspace, mention=mention, original=old)
    correction.corrected, correction.corrected_by = sentiment, actor
    correction.corrected_at = timezone.now()
    correction.save()
    mention.sentiment = sentiment
    mention.save(update_fields=["sentiment"])
    hour = rollups.hour_of(mention.published_at)
    deltas: Counter = Counter()
    for topic_id in mention.topic_links.values_list("topic_id", flat=True):
        deltas[(topic_id, hour, mention.network, mention.lang, old)] -= 1
        deltas[(topic_id, hour, mention.network, mention.lang, sentiment)] += 1
    rollups.apply_deltas(mention.workspace, deltas)
    sentiment_corrected.send(sender=Mention, mention=mention, sentiment=sentiment)
    audit(
        mention.workspace,
        actor,
        "listening.sentiment.correct",
        f"sentiment of a mention: {old} → {sentiment}",
        mention,
        old=old,
        new=sentiment,
    )
    return correction


def import_posts(
    workspace: Workspace,
    actor: AbstractBaseUser | None,
    source: Source,
    pairs: Iterable[tuple[str, IncomingPost | Rejected]],
    *,
    batch_size: int = 1000,
    on_batch: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Run a file's rows through the pipeline (committed per batch, so an interrupted import
    keeps its progress and a rerun skips what is stored), then record and audit the run."""
    started = timezone.now()
    report = Pipeline(workspace, source).ingest_pairs(
        pairs, batch_size=batch_size, on_batch=on_batch
    )
    with transaction.atomic():
        run = record_run(workspace, source, report, started_at=started)
        source.status, source.last_error = SourceStatus.OK, ""
        source.last_polled_at = source.last_success_at = run.finished_at
        source.save(update_fields=["status", "last_error", "last_polled_at", "last_success_at"])
        audit(
            workspace,
            actor,
            "listening.import",
            f"imported {report.stored} of {report.received} rows into {source.name}",
            run,
            **{k: v for k, v in report.as_dict().items() if k != "failures"},
        )
    return report


def store_session(source_id: int | None, session_string: str) -> None:
    """Keep a refreshed Bluesky session (encrypted). Not audited: the network refreshes tokens
    every few hours and nothing a person decided changed."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:  # a test fetch before saving, or the source was deleted meanwhile
        return
    credentials = source_credentials(source) | {"session": session_string}
    source.credentials = _encrypt_credentials(credentials)
    source.save(update_fields=["credentials"])


# ---------------------------------------------------------------------------------------------
# Sentiment: the workspace's backend and the head learned from its corrections
# ---------------------------------------------------------------------------------------------
def sentiment_model(workspace: Workspace) -> SentimentModel:
    model, _created = SentimentModel.objects.get_or_create(workspace=workspace)
    return model


@transaction.atomic
def set_sentiment_backend(
    workspace: Workspace, actor: AbstractBaseUser | None, *, backend: str, min_per_label: int
) -> SentimentModel:
    model = sentiment_model(workspace)
    model.backend = backend
    model.min_per_label = min_per_label
    model.save(update_fields=["backend", "min_per_label"])
    audit(workspace, actor, "listening.sentiment_backend", f"sentiment backend: {backend}", model)
    return model


def train_sentiment_head(workspace: Workspace, actor: AbstractBaseUser | None) -> SentimentModel:
    """Train the workspace's head on its corrections; switch it on only if it beats the default.

    The embedding work happens outside any transaction (it takes seconds); the result is stored
    in one. Too few corrections, or the embedding backend missing, raise ``TrainingError`` with
    a message in the active language.
    """
    from koers.textkit import TextkitError, train_workspace_head

    model = sentiment_model(workspace)
    rows = list(
        SentimentCorrection.objects.filter(workspace=workspace)
        .select_related("mention")
        .values_list("mention__text", "corrected")
    )
    try:
        head, report = train_workspace_head(
            [text for text, _label in rows],
            [label for _text, label in rows],
            min_count=model.min_per_label,
        )
    except TextkitError as exc:
        raise TrainingError(exc.translated(get_language() or "en")) from None
    with transaction.atomic():
        model.head = head.to_bytes()
        model.head_active = report.better_than_default
        model.trained_at = timezone.now()
        model.trained_on = len(rows)
        model.cv_report = {
            "n": report.n,
            "folds": report.folds,
            "counts": dict(report.counts),
            "macro_f1": round(report.macro_f1, 3),
            "default_macro_f1": (
                None if report.default_macro_f1 is None else round(report.default_macro_f1, 3)
            ),
            "margin": report.margin,
        }
        model.save(update_fields=["head", "head_active", "trained_at", "trained_on", "cv_report"])
        audit(
            workspace,
            actor,
            "listening.sentiment_train",
            f"trained on {len(rows)} corrections: macro-F1 {report.macro_f1:.2f}"
            f" ({'in use' if model.head_active else 'not better than the default'})",
            model,
        )
    return model


class TrainingError(Exception):
    """Training could not start (too few corrections, backend missing); the message says why."""
