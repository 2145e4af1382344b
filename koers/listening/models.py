"""Listening: tracked topics (queries), sources, mentions, their topic links and hourly rollups.

A *mention* is a post that matched at least one topic of its workspace. It is stored once per
``(workspace, network, remote_id)``, linked to every topic it matched (``MentionTopic``), and
counted in ``HourlyRollup`` (topic × hour × network × language × sentiment). The rollups are
maintained incrementally by the pipeline and can always be rebuilt from the raw rows
(``koers.listening.rollups.rebuild_rollups``); both give the same numbers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koers.core.models import Workspace


class TopicKind(models.TextChoices):
    BRAND = "brand", _("Brand")
    COMPETITOR = "competitor", _("Competitor")
    CAMPAIGN = "campaign", _("Campaign")
    HASHTAG = "hashtag", _("Hashtag research")


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class Network(models.TextChoices):
    """Where a mention comes from: koers' own sources, or the network an imported file names
    (``koers.networks.files.NETWORK_NAMES``; an unknown name is stored as "other")."""

    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    RSS = "rss", "RSS"
    IMPORT = "import", pgettext_lazy("network", "Import")
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    THREADS = "threads", "Threads"
    WHATSAPP = "whatsapp", "WhatsApp"
    X = "x", "X"
    LINKEDIN = "linkedin", "LinkedIn"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    NEWS = "news", pgettext_lazy("network", "News")
    FORUM = "forum", pgettext_lazy("network", "Forum")
    REVIEW = "review", pgettext_lazy("network", "Reviews")
    OTHER = "other", pgettext_lazy("network", "Other")


# A short palette that stays readable on white; the topic form offers these.
COLOURS = ["#1f6feb", "#d1242f", "#8250df", "#1a7f37", "#bf8700", "#0a7ea4", "#cf222e", "#57606a"]


class Topic(models.Model):
    """A tracked topic: a Boolean query (koers.query) matched against every incoming post."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=TopicKind.choices)
    query = models.TextField(_("query"), max_length=4000)
    colour = models.CharField(_("colour"), max_length=7, default=COLOURS[0])
    counts_for_share_of_voice = models.BooleanField(_("counts for share of voice"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="listening_topic_name")
        ]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    MASTODON = "mastodon", _("Mastodon (hashtag, search or public timeline)")
    BLUESKY_SEARCH = "bluesky_search", _("Bluesky search")
    BLUESKY_JETSTREAM = "bluesky_jetstream", _("Bluesky Jetstream (live stream)")
    RSS = "rss", _("RSS or Atom feed")
    FILE = "file", _("File import (CSV or JSONL)")
    X_SEARCH = "x_search", _("X recent search (through the workspace's X account)")
    # Made by koers for every connected X account (the inbox reads them); not chosen by hand.
    X_MENTIONS = "x_mentions", _("X mentions of a connected account")
    INSTAGRAM_HASHTAG = (
        "instagram_hashtag",
        _("Instagram hashtag search (through the workspace's Instagram account)"),
    )
    META_TAGS = "meta_tags", _("Instagram and Facebook posts that tag your account or Page")


#: Kinds the poller reads (the others stream, or are imported once).
POLLED_KINDS = (
    SourceKind.MASTODON,
    SourceKind.BLUESKY_SEARCH,
    SourceKind.RSS,
    SourceKind.X_SEARCH,
    SourceKind.X_MENTIONS,
    SourceKind.INSTAGRAM_HASHTAG,
    SourceKind.META_TAGS,
)


class SourceStatus(models.TextChoices):
    NEW = "new", _("Not run yet")
    OK = "ok", _("Working")
    BACKOFF = "backoff", _("Retrying after an error")
    BROKEN = "broken", _("Needs attention")
    PAUSED = "paused", _("Paused")


class Source(models.Model):
    """Where posts come from. ``cursor``/``etag``/``last_modified`` are the network's resume
    state; ``credentials`` is encrypted with ``koers.core.crypto`` (never shown, never logged)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=24, choices=SourceKind.choices)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    credentials = models.TextField(blank=True)  # encrypted JSON
    language = models.CharField(_("language of the posts"), max_length=8, blank=True)
    cursor = models.CharField(max_length=200, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=12, choices=SourceStatus.choices, default="new")
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveIntegerField(default=0)
    poll_every_seconds = models.PositiveIntegerField(_("poll every (seconds)"), default=300)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="listening_source_name")
        ]
        # The periodic poller picks due sources of every workspace.
        indexes = [models.Index(fields=["status", "next_poll_at"], name="listening_source_due")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pollable(self) -> bool:
        return self.kind in POLLED_KINDS


class HashtagQuery(models.Model):
    """One hashtag an Instagram account searched, and when its 7 days in Meta's budget
    (30 unique hashtags per account per rolling 7 days) started. Per account, not per
    workspace: two workspaces reading with one account share its budget."""

    account_id = models.CharField(max_length=64)
    tag = models.CharField(max_length=100)
    started_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account_id", "tag"], name="listening_hashtag_once")
        ]

    def __str__(self) -> str:
        return f"#{self.tag} ({self.account_id})"


class CurrentTransactionId(models.Func):
    """Column default of ``Mention.ingest_tx``: on PostgreSQL the 64-bit id of the transaction
    that writes the row (``pg_current_xact_id()``), NULL elsewhere (SQLite needs none; see
    :mod:`koers.listening.cursor`)."""

    output_field = models.BigIntegerField()
    allowed_default = True

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return "NULL", []

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return "pg_current_xact_id()::text::bigint", []


class Mention(models.Model):
    """A post that matched at least one topic; unique per (workspace, network, remote_id)."""

    # Not indexed on its own: the unique (workspace, network, remote_id) index starts with it.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="mentions", db_index=False
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions"
    )
    network = models.CharField(max_length=16, choices=Network.choices)
    remote_id = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    # Normalised-text hash: near-identical reposts share it (grouped in the stream).
    text_hash = models.CharField(max_length=16)
    lang = models.CharField(max_length=8)
    lang_from_source = models.BooleanField(default=False)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices)
    sentiment_score = models.FloatField(default=0.0)
    published_at = models.DateTimeField()
    ingested_at = models.DateTimeField(default=timezone.now)
    # Which transaction stored the row (PostgreSQL; a column default, so every writer sets it):
    # the key of the ingest cursor that alerts read by (koers.listening.cursor).
    ingest_tx = models.BigIntegerField(null=True, blank=True, db_default=CurrentTransactionId())
    links = models.JSONField(default=list, blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    mentioned = models.JSONField(default=list, blank=True)
    reply_to = models.CharField(max_length=300, blank=True)
    topics = models.ManyToManyField(Topic, through="MentionTopic", related_name="mentions")

    class Meta:
        # No default ordering: an ORDER BY the query doesn't need makes the planner pick the
        # wrong index (the ingest's de-duplication scanned a workspace's mentions through
        # ``listening_mention_newest``). Pages order explicitly.
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "network", "remote_id"], name="listening_mention_once"
            )
        ]
        indexes = [
            # The mention stream: newest first within a workspace (id breaks ties: keyset).
            models.Index(
                fields=["workspace", "-published_at", "-id"], name="listening_mention_newest"
            ),
            # The stream filtered by sentiment, network or language (rare values included).
            models.Index(
                fields=["workspace", "sentiment", "-published_at", "-id"],
                name="listening_mention_sentiment",
            ),
            models.Index(
                fields=["workspace", "network", "-published_at", "-id"],
                name="listening_mention_network",
            ),
            models.Index(
                fields=["workspace", "lang", "-published_at", "-id"], name="listening_mention_lang"
            ),
            # Grouping near-identical reposts in the stream.
            models.Index(fields=["workspace", "text_hash"], name="listening_mention_hash"),
            # Keyword alerts: a workspace's mentions stored since an ingest cursor.
            models.Index(fields=["workspace", "ingest_tx"], name="listening_mention_ingest"),
        ]

    def __str__(self) -> str:
        return f"{self.network}:{self.remote_id}"


class MentionTopic(models.Model):
    """Which topics a mention matched. ``published_at`` is copied so per-topic periods need
    no join on the mention table. The foreign keys are covered by the composite indexes below
    (fewer indexes = faster ingest)."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    mention = models.ForeignKey(
        Mention, on_delete=models.CASCADE, related_name="topic_links", db_index=False
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="mention_links", db_index=False
    )
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mention", "topic"], name="listening_link_once")
        ]
        # A topic's mentions in a period (stream filter, top authors/hashtags, recount).
        # (mention last: the stream's keyset order within one topic, newest first.)
        indexes = [
            models.Index(
                fields=["topic", "-published_at", "-mention"], name="listening_link_topic_time"
            )
        ]

    def __str__(self) -> str:
        return f"mention {self.mention_id} → topic {self.topic_id}"


class HourlyRollup(models.Model):
    """Mentions per topic × UTC hour × network × language × sentiment."""

    # Both keys are the first column of an index below.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="rollups", db_index=False
    )
    hour = models.DateTimeField()
    network = models.CharField(max_length=16)
    lang = models.CharField(max_length=8)
    sentiment = models.CharField(max_length=8)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "hour", "network", "lang", "sentiment"],
                name="listening_rollup_cell",
            )
        ]
        # Charts and share of voice: a workspace's cells in a period.
        indexes = [models.Index(fields=["workspace", "hour"], name="listening_rollup_period")]

    def __str__(self) -> str:
        return f"topic {self.topic_id} {self.hour:%Y-%m-%d %H}h: {self.count}"


class DailyRollup(models.Model):
    """Mentions per topic × local day (in the workspace's time zone) × sentiment: the hourly
    cells summed, so the overview and share of voice read a few thousand rows for 90 days
    whatever the number of mentions. ``RollupZone`` records the zone the days are in; when the
    workspace's zone changes they are rebuilt from the hourly cells
    (``koers.listening.rollups.daily_rollups_ready``)."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    sentiment = models.CharField(max_length=8)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "day", "sentiment"], name="listening_daily_cell"
            )
        ]
        indexes = [
            # The overview and share of voice: every topic's days of a period.
            models.Index(fields=["workspace", "day"], name="listening_daily_period"),
            # One topic's days (its page, the stream's total for a topic): SQLite prefers a
            # workspace index when there is one, so it must lead to the topic (as AuthorDay's).
            models.Index(fields=["workspace", "topic", "day"], name="listening_daily_topic"),
        ]

    def __str__(self) -> str:
        return f"topic {self.topic_id} {self.day}: {self.count}"


class AuthorDay(models.Model):
    """Mentions per topic × local day (in the workspace's time zone, of the mention's own
    time) × network × author: the topic page's top authors read these rows (a few per author
    and day) instead of counting the topic's links joined to their mentions. Kept with the
    links by the pipeline, deletions and backfills (``koers.listening.rollups.
    apply_author_deltas``); rebuilt with the ``DailyRollup`` days when the zone changes."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    network = models.CharField(max_length=16)
    author_handle = models.CharField(max_length=200)
    # The name last seen with the handle (shown beside it).
    author_name = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the top authors' read: one topic's days of a period.
            models.UniqueConstraint(
                fields=["topic", "day", "network", "author_handle"], name="listening_author_cell"
            )
        ]
        # The top authors' read scoped by workspace (SQLite prefers a workspace index when
        # there is one: it must lead to the topic), rebuilding and removing a workspace's days.
        # It carries every column the read needs, so both databases answer it from the index
        # alone (at 10M mentions one topic's month is ~62,000 rows: fetching each from the
        # table cost PostgreSQL 58,000 buffers). Key columns rather than INCLUDE, which SQLite
        # lacks; PostgreSQL's index-only scan also needs the visibility map kept current
        # (the table's autovacuum settings, migration 0013).
        indexes = [
            models.Index(
                fields=[
                    "workspace", "topic", "day", "network", "author_handle", "author_name",
                    "count",
                ],
                name="listening_author_covering",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"topic {self.topic_id} {self.day} {self.author_handle}: {self.count}"


#: ``TagDay.kind``: what the value is.
HASHTAG = "hashtag"
LINK = "link"


#: Longest hashtag or link a ``TagDay`` keeps (longer ones are cut to this, in every count).
TAG_LENGTH = 500


class TagDay(models.Model):
    """Mentions per topic × hashtag or link × local day (in the workspace's time zone, of the
    mention's own time): the topic page's top hashtags and links read these rows instead of
    reading the topic's mentions. A mention counts a value once (as ``rules.top_counts``).
    Kept with the links by the pipeline, deletions and backfills (``koers.listening.rollups.
    apply_tag_deltas``); rebuilt with the ``DailyRollup`` days when the zone changes."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=8)  # HASHTAG or LINK
    day = models.DateField()
    value = models.CharField(max_length=TAG_LENGTH)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the page's read: one topic's hashtags (or links) of a period's days. No
            # workspace index: SQLite would prefer it to this one (as it did for AuthorDay).
            models.UniqueConstraint(
                fields=["topic", "kind", "day", "value"], name="listening_tag_cell"
            )
        ]

    def __str__(self) -> str:
        return f"topic {self.topic_id} {self.day} {self.kind} {self.value}: {self.count}"


class RollupZone(models.Model):
    """The time zone a workspace's ``DailyRollup`` and ``AuthorDay`` days are counted in."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"daily rollups of workspace {self.workspace_id} in {self.zone}"


class SentimentCorrection(models.Model):
    """A person's correction of a mention's sentiment (textkit learns from these later)."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="listening_corrections"
    )
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="corrections")
    original = models.CharField(max_length=8, choices=Sentiment.choices)
    corrected = models.CharField(max_length=8, choices=Sentiment.choices)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mention"], name="listening_one_correction")]

    def __str__(self) -> str:
        return f"mention {self.mention_id}: {self.original} → {self.corrected}"


class IngestRun(models.Model):
    """What one pipeline run did: nothing is dropped silently, failures keep their reason."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    received = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True)  # first 100: {"ref", "reason"}

    class Meta:
        ordering = ["-started_at", "-id"]
        # The sources page shows each source's latest runs.
        indexes = [models.Index(fields=["source", "-started_at"], name="listening_run_latest")]

    def __str__(self) -> str:
        return f"run {self.started_at:%Y-%m-%d %H:%M}: {self.stored}/{self.received} stored"


class SentimentBackend(models.TextChoices):
    LEXICON = "lexicon", _("Lexicon: fast, for full streams")
    EMBEDDING = "embedding", _("Language model: more accurate, learns from your corrections")


class SentimentModel(models.Model):
    """A workspace's sentiment backend and the head learned from its team's corrections.

    The learned head is used only while ``head_active``: it is switched on when cross-validation
    shows it beats the default head (``cv_report`` keeps the figures shown to the team).
    """

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="sentiment_model"
    )
    backend = models.CharField(
        _("sentiment backend"),
        max_length=16,
        choices=SentimentBackend.choices,
        default=SentimentBackend.LEXICON,
    )
    min_per_label = models.PositiveIntegerField(_("corrections needed per sentiment"), default=20)
    head = models.BinaryField(null=True, blank=True, editable=False)
    head_active = models.BooleanField(default=False)
    trained_at = models.DateTimeField(null=True, blank=True)
    trained_on = models.PositiveIntegerField(default=0)
    cv_report = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"sentiment model of workspace {self.workspace_id}: {self.backend}"
