"""Alerts: rules a workspace sets on its listening data, and the events they fired.

An ``AlertRule`` watches one topic (volume spike, negative surge; read from the hourly rollups)
or a query over every new mention (keyword; read by the ingest cursor of
``koers.listening.cursor``, which never skips a mention whose ingest committed late). An
``AlertEvent`` is one firing for one window; ``(rule, window_key)`` is unique, so however many
workers evaluate at once, a window fires at most once per rule, and a ``KeywordHit`` per
(rule, mention) keeps a mention that is read twice in at most one keyword alert. Each event
carries the state of its two notifications (e-mail and webhook) so a failure is visible on the
alerts page.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koers.core.crypto import decrypt, encrypt
from koers.core.models import Workspace
from koers.listening.models import Mention, Topic


class RuleKind(models.TextChoices):
    SPIKE = "spike", _("Volume spike")
    SURGE = "surge", _("Negative surge")
    KEYWORD = "keyword", _("Keyword or query")


class AlertRule(models.Model):
    """``threshold`` is the factor above the baseline for a spike and the rise of the negative
    share in percentage points for a surge. A keyword rule reads the mentions stored since
    ``ingest_cursor`` (``koers.listening.cursor``) with an id above ``watermark``: the newest
    mention id when the rule started reading (made, switched on, new query); it never moves
    while the rule runs, so a late commit below it is not skipped — it was stored before."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="alert_rules")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=RuleKind.choices)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_rules",
        verbose_name=_("topic"),
    )
    query = models.TextField(_("query"), max_length=4000, blank=True)
    window_hours = models.PositiveSmallIntegerField(
        _("window (hours)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    threshold = models.FloatField(_("threshold"), default=3.0)
    min_count = models.PositiveIntegerField(_("minimum mentions"), default=10)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("e-mail to")
    )
    webhook_url = models.URLField(_("webhook address"), max_length=500, blank=True)
    webhook_secret_enc = models.TextField(blank=True)  # encrypted; never shown or logged
    enabled = models.BooleanField(_("active"), default=True)
    cooldown_minutes = models.PositiveIntegerField(
        _("quiet time after an alert (minutes)"), default=60
    )
    watermark = models.BigIntegerField(default=0)
    ingest_cursor = models.BigIntegerField(null=True, blank=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="alerts_rule_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def cooldown(self) -> timedelta:
        return timedelta(minutes=self.cooldown_minutes)

    @property
    def webhook_secret(self) -> str:
        return decrypt(self.webhook_secret_enc) if self.webhook_secret_enc else ""

    def set_webhook_secret(self, plain: str) -> None:
        self.webhook_secret_enc = encrypt(plain) if plain else ""


class Delivery(models.TextChoices):
    NONE = "none", _("Not asked for")
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    RETRY = "retry", _("Retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class AlertEvent(models.Model):
    """One firing of a rule for one window, with the figures that made it fire."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=8, choices=RuleKind.choices)
    window_key = models.CharField(max_length=40)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    observed = models.PositiveIntegerField(default=0)  # mentions (spike, keyword) or negatives
    baseline = models.FloatField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    mention_ids = models.JSONField(default=list, blank=True)  # keyword: first MAX_IDS matches
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.NONE)
    email_error = models.CharField(max_length=500, blank=True)
    webhook_state = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.NONE)
    webhook_attempts = models.PositiveSmallIntegerField(default=0)
    webhook_next_at = models.DateTimeField(null=True, blank=True)
    webhook_claimed_at = models.DateTimeField(null=True, blank=True)
    webhook_error = models.CharField(max_length=500, blank=True)

    MAX_IDS = 100

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "window_key"], name="alerts_once_per_window")
        ]
        indexes = [
            # The alerts page and the unacknowledged badge: a workspace's newest events.
            models.Index(fields=["workspace", "-created_at"], name="alerts_event_newest"),
            # The retry sweep: webhook deliveries that are due again.
            models.Index(fields=["webhook_state", "webhook_next_at"], name="alerts_webhook_due"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.window_key}"

    @property
    def match_count(self) -> int:
        return int(self.figures.get("match_count", len(self.mention_ids)))


class KeywordHit(models.Model):
    """A mention a keyword rule has alerted about: the ingest cursor re-reads mentions whose
    transaction was still running, and this row keeps each in one alert per rule."""

    # Not indexed on its own: the unique (rule, mention) index starts with it.
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="+", db_index=False)
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="hits")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "mention"], name="alerts_hit_once_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.mention_id}"
