"""Measured data: post and account snapshots from the networks, manual inputs, report schedules.

"Unavailable" is ``NULL`` everywhere: a network that doesn't count impressions leaves them
``None``, which the KPI formulas turn into "no value", never into a fake 0.

``MeasuredPost`` carries its latest snapshot's counts (a rollup kept up to date by
``actions.record_post_metrics``) and the local weekday/hour/date of publication in the workspace
time zone, so dashboards aggregate with one grouped query instead of scanning snapshots.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koers.core.models import Workspace

POST_COUNTS = ("likes", "reposts", "replies", "quotes", "reach", "impressions", "clicks", "saves")
"""Per-post counts a snapshot may hold; each may be unavailable (``None``)."""


def _count(label: str) -> models.PositiveBigIntegerField:
    return models.PositiveBigIntegerField(label, null=True, blank=True)


class MeasuredPost(models.Model):
    """One published post whose metrics we follow (filled from the publishing app's results)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(_("network"), max_length=32)
    channel_key = models.CharField(max_length=64)
    channel_name = models.CharField(_("channel"), max_length=120)
    remote_id = models.CharField(max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    campaign = models.CharField(_("campaign"), max_length=120, blank=True)
    excerpt = models.CharField(_("text"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"))
    local_date = models.DateField()
    local_weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    local_hour = models.PositiveSmallIntegerField()
    followers_at_post = _count(_("followers at post time"))
    likes = _count(_("likes"))
    reposts = _count(_("reposts"))
    replies = _count(_("replies"))
    quotes = _count(_("quotes"))
    reach = _count(_("reach"))
    impressions = _count(_("impressions"))
    clicks = _count(_("clicks"))
    saves = _count(_("saves"))
    engagements = _count(_("engagements"))
    metrics_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "network", "remote_id"], name="measured_post_once"
            )
        ]
        indexes = [
            # Dashboard and KPI aggregates: one workspace's posts in a date range.
            models.Index(fields=["workspace", "local_date"], name="mpost_ws_day"),
            # Campaign dashboard: the same, for one campaign.
            models.Index(fields=["workspace", "campaign", "local_date"], name="mpost_ws_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_name}: {self.excerpt[:40]}"


class PostSnapshot(models.Model):
    """The counts of one post at one moment (history behind ``MeasuredPost``'s latest counts)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(MeasuredPost, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(default=timezone.now)
    likes = _count(_("likes"))
    reposts = _count(_("reposts"))
    replies = _count(_("replies"))
    quotes = _count(_("quotes"))
    reach = _count(_("reach"))
    impressions = _count(_("impressions"))
    clicks = _count(_("clicks"))
    saves = _count(_("saves"))

    class Meta:
        ordering = ["-taken_at"]
        # Drill-down: one post's history, newest first.
        indexes = [models.Index(fields=["post", "-taken_at"], name="psnap_post_newest")]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.taken_at:%Y-%m-%d %H:%M}"


class AccountSnapshot(models.Model):
    """Follower counts of one connected account (channel) at one moment."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(_("network"), max_length=32)
    channel_key = models.CharField(max_length=64)
    channel_name = models.CharField(_("channel"), max_length=120)
    taken_at = models.DateTimeField(default=timezone.now)
    local_date = models.DateField()
    followers = _count(_("followers"))
    following = _count(_("following"))
    posts = _count(_("posts"))

    class Meta:
        ordering = ["-taken_at"]
        indexes = [
            # Followers chart and "followers at post time": one workspace's snapshots by date.
            models.Index(fields=["workspace", "local_date"], name="asnap_ws_day"),
            models.Index(fields=["workspace", "channel_key", "-taken_at"], name="asnap_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_name} @ {self.taken_at:%Y-%m-%d %H:%M}: {self.followers}"


class ManualMetric(models.Model):
    """A number the networks don't give, entered by hand or imported from CSV, for one day."""

    class Metric(models.TextChoices):
        WEB_VISITS = "web_visits", _("Web visits")
        NEWSLETTER_SUBSCRIBERS = "newsletter_subscribers", _("Newsletter subscribers")
        CONVERSIONS = "conversions", _("Conversions")
        CLICKS = "clicks", _("Clicks")
        IMPRESSIONS = "impressions", _("Impressions")
        REACH = "reach", _("Reach")
        FUNNEL_STAGE = "funnel_stage", _("Funnel stage count")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    day = models.DateField(_("date"))
    channel = models.CharField(
        _("channel"), max_length=120, blank=True, help_text=_("Empty: all channels together.")
    )
    stage = models.PositiveSmallIntegerField(
        _("funnel stage"), default=0, help_text=_("1 = first stage; only for funnel counts.")
    )
    value = models.PositiveBigIntegerField(_("value"))
    source = models.CharField(max_length=16, default="manual")  # manual | csv
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    STOCKS = frozenset({Metric.NEWSLETTER_SUBSCRIBERS, Metric.FUNNEL_STAGE})
    """Levels, not flows: over a period the latest value counts, not the sum."""

    class Meta:
        ordering = ["-day", "metric", "channel", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "metric", "day", "channel", "stage"],
                name="manual_metric_once_per_day",
            )
        ]
        # KPI aggregates: one workspace's inputs in a date range.
        indexes = [models.Index(fields=["workspace", "day"], name="manual_ws_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.value}"


class ReportSchedule(models.Model):
    """Send the period report as PDF to chosen recipients after each month or week."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly (previous calendar month)")
        WEEKLY = "weekly", _("Weekly (previous 7 days)")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    recipients = models.TextField(_("recipients"), help_text=_("E-mail addresses, one per line."))
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    campaign = models.CharField(_("campaign"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("next delivery"))
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["next_run_at"]
        # The delivery task: active schedules that are due.
        indexes = [models.Index(fields=["active", "next_run_at"], name="report_due")]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} → {self.recipient_list()}"

    def recipient_list(self) -> list[str]:
        lines = self.recipients.replace(",", "\n").replace(";", "\n").splitlines()
        return [address for address in (line.strip() for line in lines) if address]


class ObjectiveEvaluation(models.Model):
    """The end-of-cycle evaluation of one SMART objective: reached or not, and what we learned.

    The evaluated value also becomes the strategy objective's result, which the strategy app
    carries over as the next cycle's baseline (Kerkhofs: the evaluation is the nulmeting).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    objective = models.OneToOneField(
        "strategy.Objective", on_delete=models.CASCADE, related_name="evaluation"
    )
    kpi_id = models.CharField(_("KPI"), max_length=40)
    variant = models.CharField(max_length=40, blank=True)
    value = models.FloatField(_("evaluated value"), null=True, blank=True)
    reached = models.BooleanField(_("target reached"))
    learnings = models.TextField(_("learnings"), blank=True)
    evaluated_on = models.DateField(_("evaluated on"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["objective_id"]

    def __str__(self) -> str:
        return f"evaluation of objective {self.objective_id}: {self.reached}"
