"""Channels, campaigns, content items with their per-channel deliveries, and the policy settings.

The unit that gets published is a :class:`Delivery`: one content item on one channel. It
carries the idempotency key that every attempt (and every retry) sends, and the lease that
marks which worker holds it; :mod:`koers.publishing.dispatch` moves it through its states.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koers.core.crypto import decrypt, encrypt
from koers.core.models import Workspace
from koers.publishing import rules
from koers.publishing.timing import local_to_utc, utc_to_local


class Network(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    WEBHOOK = "webhook", _("Webhook")
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    THREADS = "threads", "Threads"
    WHATSAPP = "whatsapp", "WhatsApp"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    YOUTUBE = "youtube", "YouTube"


class Provider(models.TextChoices):
    """Whose developer app a network's OAuth runs through (registered per installation)."""

    META = "meta", "Meta (Facebook, Instagram, Threads, WhatsApp)"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    GOOGLE = "google", "Google (YouTube)"


class Health(models.TextChoices):
    UNCHECKED = "unchecked", _("not checked yet")
    OK = "ok", _("connected")
    BROKEN = "broken", _("broken")


class Channel(models.Model):
    """A connected account. ``secret_enc`` holds the token, app password or HMAC secret."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="channels")
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    name = models.CharField(_("name"), max_length=80)
    endpoint = models.URLField(_("address"), max_length=300)
    handle = models.CharField(_("handle"), max_length=120, blank=True)
    account = models.CharField(_("account"), max_length=200, blank=True)
    # The network's permanent id of the account, from the last check (Bluesky: the DID,
    # which mention facets carry instead of the handle).
    account_id = models.CharField(max_length=200, blank=True)
    secret_enc = models.TextField()
    session_enc = models.TextField(blank=True)
    # OAuth networks: the refresh token (encrypted) and what the network needs besides the
    # access token (page id, Instagram user id, granted scopes, phone number id …).
    refresh_enc = models.TextField(blank=True)
    extra = models.JSONField(default=dict, blank=True)
    max_chars = models.PositiveIntegerField(null=True, blank=True)
    url_length = models.PositiveIntegerField(null=True, blank=True)
    health = models.CharField(max_length=16, choices=Health.choices, default=Health.UNCHECKED)
    health_reason = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("credential expires"), null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Two channels called "Gemeente" can't be told apart in the calendar and the forms.
            models.UniqueConstraint(fields=["workspace", "name"], name="channel_name_per_ws")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_network_display()})"

    @property
    def secret(self) -> str:
        return decrypt(self.secret_enc)

    def set_secret(self, plain: str) -> None:
        self.secret_enc = encrypt(plain)

    @property
    def session(self) -> str | None:
        return decrypt(self.session_enc) if self.session_enc else None

    @property
    def refresh_token(self) -> str | None:
        return decrypt(self.refresh_enc) if self.refresh_enc else None

    def set_refresh_token(self, plain: str | None) -> None:
        self.refresh_enc = encrypt(plain) if plain else ""

    def capabilities(self):  # noqa: ANN201 - Capabilities | None, imported lazily
        from koers.networks.catalog import capabilities

        return capabilities(self.network)

    def limit(self) -> tuple[int, int | None]:
        """(max characters, URL length) as this channel counts; the instance's when known."""
        limits = self.limits()
        return limits.max_chars, limits.url_length

    def limits(self):  # noqa: ANN201 - koers.networks.base.Limits, imported lazily
        """The network's declared limits, with what this channel's server announced on top
        (a Mastodon instance's own character limit and URL length)."""
        from dataclasses import replace

        from koers.networks.base import Limits

        declared = self.capabilities()
        if declared is None:  # a network koers has no adapter for: only the text is judged
            return Limits(
                max_chars=self.max_chars or 100_000,
                url_length=None,
                max_images=100,
                max_image_bytes=100_000_000,
            )
        return replace(
            declared.limits,
            max_chars=self.max_chars or declared.limits.max_chars,
            url_length=self.url_length or declared.limits.url_length,
        )

    def can(self, kind: str) -> bool:
        """True when this channel's network can publish ``kind`` (``base.PUBLISH_KINDS``)."""
        declared = self.capabilities()
        return bool(declared and declared.can_publish(kind))

    def monthly_post_cap(self) -> int | None:
        """Posts a month the network allows this account (X's access levels), ``None`` = no cap.

        ``extra["monthly_post_cap"]`` (set by the person) wins over the network's default for
        the access level in ``extra["access_level"]``.
        """
        own = self.extra.get("monthly_post_cap") if isinstance(self.extra, dict) else None
        if own:
            return int(own)
        declared = self.capabilities()
        if declared is None:
            return None
        return declared.post_cap(str(self.extra.get("access_level") or ""))


class NetworkApp(models.Model):
    """A developer app the installation registered with a network (koers ships none).

    ``workspace`` empty = the installation's app, used by every workspace that has none of its
    own. ``client_secret_enc`` is encrypted like channel secrets; ``extra`` holds what a
    provider needs besides (Meta: the webhook verify token, encrypted under ``verify_token_enc``).
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, null=True, blank=True, related_name="network_apps"
    )
    provider = models.CharField(_("network"), max_length=16, choices=Provider.choices)
    client_id = models.CharField(_("app id (client id)"), max_length=200)
    client_secret_enc = models.TextField()
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "provider"], name="network_app_per_ws"),
            models.UniqueConstraint(
                fields=["provider"],
                condition=models.Q(workspace__isnull=True),
                name="network_app_per_installation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} ({self.client_id})"

    @property
    def client_secret(self) -> str:
        return decrypt(self.client_secret_enc)

    def set_client_secret(self, plain: str) -> None:
        self.client_secret_enc = encrypt(plain)

    @classmethod
    def for_workspace(cls, workspace: Workspace, provider: str) -> NetworkApp | None:
        """The workspace's own app for ``provider``, else the installation's, else ``None``."""
        found = {
            app.workspace_id: app
            for app in cls.objects.filter(provider=provider).filter(
                models.Q(workspace=workspace) | models.Q(workspace__isnull=True)
            )
        }
        return found.get(workspace.pk) or found.get(None)


class Campaign(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("code in links"), max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="campaign_slug_per_ws")
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    PROMOTION = "promotion", _("Promotion")
    CURATED = "curated", _("Curated content")
    INTERACTION = "interaction", _("Interaction")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class Flag(models.TextChoices):
    NONE = "", _("none")
    OVERDUE = "overdue", _("time passed without approval")
    MISSED = "missed", _("missed (too late to publish)")


class ContentItem(models.Model):
    """One idea, planned as a wall-clock time in a zone; ``scheduled_at`` is derived (UTC)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("idea"), max_length=140)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.PROMOTION
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    # The strategy app has no objective model yet: a free reference (e.g. "D2" or a title).
    objective = models.ForeignKey(
        "strategy.Objective",
        verbose_name=_("objective"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="content_items",
    )
    # Content strategy (POST People and Strategy of the active cycle): whom the post is for and
    # which key message it carries; Measure reports per key message.
    audience = models.ForeignKey(
        "strategy.Audience",
        verbose_name=_("audience"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="content_items",
    )
    key_message = models.ForeignKey(
        "strategy.KeyMessage",
        verbose_name=_("key message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="content_items",
    )
    notes = models.TextField(_("notes"), blank=True)
    # Placed under the post right after it, on networks with comments (Facebook, Instagram,
    # Threads as a reply); others ignore it.
    first_comment = models.TextField(_("first comment"), blank=True)
    # The posts after the first (``text``) when the item is a thread, in order. Sent only to
    # channels whose network can post threads (capability "thread"); others get ``text``.
    thread = models.JSONField(_("thread"), default=list, blank=True)
    # A video's own details, for networks that take them (``Capabilities.video_options``):
    # {"title", "tags": [...], "privacy", "publish_at": ISO UTC}; empty = the defaults.
    options = models.JSONField(_("video details"), default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    flag = models.CharField(max_length=16, choices=Flag.choices, default=Flag.NONE, blank=True)
    local_date = models.DateField(null=True, blank=True)
    local_time = models.TimeField(null=True, blank=True)
    zone = models.CharField(max_length=64, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [
            # The calendar: one workspace's items in a time window.
            models.Index(fields=["workspace", "scheduled_at"], name="item_calendar"),
            # The scheduler: items of a state whose time has come.
            models.Index(fields=["state", "scheduled_at"], name="item_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def plan(self, day: date | None, at: time | None, zone: str) -> None:
        """Set the wall-clock plan and the UTC instant derived from it."""
        self.local_date, self.local_time, self.zone = day, at, zone if day else ""
        self.scheduled_at = local_to_utc(day, at, zone) if day and at else None

    def set_from_instant(self, instant: datetime, zone: str) -> None:
        day, at = utc_to_local(instant, zone)
        self.plan(day, at, zone)

    def zone_info(self) -> ZoneInfo:
        return ZoneInfo(self.zone or "UTC")

    @property
    def is_planned(self) -> bool:
        return self.scheduled_at is not None

    @property
    def editable(self) -> bool:
        return self.state in (State.DRAFT, State.IN_REVIEW, State.APPROVED, State.SCHEDULED)

    @property
    def video_public_from(self) -> datetime | None:
        """The video's own publish time (``options["publish_at"]``) on the item's wall clock."""
        stamp = str((self.options or {}).get("publish_at") or "")
        if not stamp:
            return None
        return datetime.fromisoformat(stamp).astimezone(self.zone_info()).replace(tzinfo=None)


class Media(models.Model):
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to="publishing/%Y/%m/")
    mime_type = models.CharField(max_length=60)
    alt_text = models.CharField(_("alt text"), max_length=1500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.file.name


class StateChange(models.Model):
    """The visible history of an item: every state change, who made it and why."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"

    def get_to_state_display(self) -> str:
        return str(State(self.to_state).label) if self.to_state in State.values else self.to_state


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("waiting for its time")
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    RETRY = "retry", _("will retry")
    UNKNOWN = "unknown", _("outcome unknown, checking")
    PUBLISHED = "published", _("published")
    FAILED = "failed", _("failed")
    MISSED = "missed", _("missed")
    CANCELLED = "cancelled", _("cancelled")


class Delivery(models.Model):
    """One item on one channel. ``idempotency_key`` is fixed at creation and sent on every try."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    text_override = models.TextField(_("own text for this network"), blank=True)
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    idempotency_key = models.CharField(max_length=64, unique=True, default="")
    due_at = models.DateTimeField(null=True, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # What a multi-step publish saved between its steps (Instagram: the container id), so a
    # retry after a crash resumes instead of starting a second post.
    progress = models.JSONField(default=dict, blank=True)
    # A thread's parts as they went out, in order: ``[{"id", "url"}]``, each stored the moment
    # the network named it, so a thread stopped halfway resumes after its last part.
    parts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["channel__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "channel"], name="one_delivery_per_channel"),
            # A post on the network belongs to one delivery: a lookup that matched another
            # item's post (same text) can never be stored as this one's.
            models.UniqueConstraint(
                fields=["channel", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="one_delivery_per_remote_post",
            ),
        ]
        indexes = [
            # The scheduler's sweep: deliveries of a state that are due.
            models.Index(fields=["state", "due_at"], name="delivery_due"),
            # Recovery: claims whose lease ran out.
            models.Index(fields=["state", "lease_until"], name="delivery_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.channel}"

    def save(self, *args, **kwargs) -> None:
        if not self.idempotency_key:
            self.idempotency_key = uuid.uuid4().hex
        super().save(*args, **kwargs)

    def text(self) -> str:
        return self.text_override or self.item.text


class Attempt(models.Model):
    """One try to publish a delivery (or to resolve its outcome): the dispatcher's log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    worker = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)
    message = models.CharField(max_length=500, blank=True)
    # True from the moment a try may send until it is known that nothing was created (refused,
    # rate-limited, not reachable). The first such try's ``started_at`` is how far back a
    # lookup searches, also after a crash (the worker's memory is gone by then).
    may_have_sent = models.BooleanField(default=False)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.outcome}"


class PublishingSettings(models.Model):
    """Per-workspace policy: rule modes, limits, content-mix targets, grace window, ICS token."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="publishing_settings"
    )
    rule_modes = models.JSONField(default=dict, blank=True)
    max_per_day = models.PositiveSmallIntegerField(_("posts per channel per day"), default=3)
    mix_promotion = models.PositiveSmallIntegerField(_("promotion (%)"), default=20)
    mix_curated = models.PositiveSmallIntegerField(_("curated content (%)"), default=40)
    mix_interaction = models.PositiveSmallIntegerField(_("interaction (%)"), default=40)
    duplicate_days = models.PositiveSmallIntegerField(_("same text: look back (days)"), default=14)
    watch_hashtags = models.TextField(_("hashtag watch-list"), blank=True)
    grace_minutes = models.PositiveIntegerField(_("publish late up to (minutes)"), default=60)
    ics_token_hash = models.CharField(max_length=64, blank=True)
    # A contributor's change to an approved post always needs a new approval; this setting
    # decides for editors' and owners' own changes (they may then approve them themselves).
    review_every_change = models.BooleanField(
        _("every change after approval needs a new approval"), default=True
    )

    def __str__(self) -> str:
        return f"publishing settings of {self.workspace}"

    def mode(self, rule: str) -> str:
        return self.rule_modes.get(rule, rules.DEFAULT_MODES[rule])

    @property
    def mix_targets(self) -> dict[str, int]:
        return {
            "promotion": self.mix_promotion,
            "curated": self.mix_curated,
            "interaction": self.mix_interaction,
        }

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> PublishingSettings:
        found, _created = cls.objects.get_or_create(workspace=workspace)
        return found


class LinkCheck(models.Model):
    """The last result of checking that a link resolves (done in a task, off the request)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    ok = models.BooleanField(null=True)
    reason = models.CharField(max_length=200, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "url"], name="one_check_per_link")
        ]

    def __str__(self) -> str:
        return self.url


class HashtagCheck(models.Model):
    """What a hashtag was used for when last looked up (a short-lived cache, filled by a task).

    ``summary`` is the JSON of :class:`koers.publishing.hashtag_rules.TagSummary`; whether the
    tag fits a post is judged per post when shown (its own words differ per post).
    ``failed`` lists the sources that could not be read ("could not check" for those).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    tag = models.CharField(max_length=140)
    summary = models.JSONField(default=dict, blank=True)
    failed = models.JSONField(default=list, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "tag"], name="one_check_per_hashtag")
        ]

    def __str__(self) -> str:
        return f"#{self.tag}"
