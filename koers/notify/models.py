"""Notifications where teams work: chat destinations per workspace, the events they hear about,
one card per (event, destination), each person's choices, and the digest's sent-markers.

* A :class:`Destination` is a Teams or Slack incoming webhook (URL encrypted like every
  credential) with the event kinds it wants, and the last error it gave.
* An :class:`Event` is one thing worth telling (an alert, an approval request, an overdue
  inbox message, a failed post, a broken channel), found in the audit log and the alerts by
  :mod:`koers.notify.collect`; ``(workspace, key)`` is unique, so it is recorded once however
  often the collector reads the same source row.
* A :class:`Card` is the delivery of one event to one destination; ``(event, destination)`` is
  unique and a send is claimed with a conditional update, so a card goes out at most once.
* A :class:`Preference` holds one member's choices: which events they get by e-mail, and a
  daily or weekly digest at an hour of their time zone, in their language.
* A :class:`DigestSent` row per (person, workspace, period) is written before the digest goes
  out; its unique constraint makes a second scheduler run or a retried task find it taken.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koers.core.crypto import decrypt, encrypt
from koers.core.models import Workspace, validate_time_zone


class EventKind(models.TextChoices):
    ALERT = "alert", _("Alerts")
    APPROVAL = "approval", _("Approval requests")
    OVERDUE = "overdue", _("Overdue inbox messages")
    FAILED_POST = "failed_post", _("Failed posts")
    BROKEN_CHANNEL = "broken_channel", _("Broken channels")


ALL_KINDS: list[str] = [k.value for k in EventKind]


class ChatKind(models.TextChoices):
    TEAMS = "teams", "Microsoft Teams"
    SLACK = "slack", "Slack"


class Destination(models.Model):
    """A chat channel's incoming webhook. The URL is the secret: whoever has it can post."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="notify_destinations"
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=ChatKind.choices)
    url_enc = models.TextField()  # encrypted; shown only as its host
    url_host = models.CharField(max_length=255, blank=True)
    events = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="notify_destination_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def url(self) -> str:
        return decrypt(self.url_enc)

    def set_url(self, plain: str) -> None:
        from urllib.parse import urlsplit

        self.url_enc = encrypt(plain)
        self.url_host = (urlsplit(plain).hostname or "")[:255]

    def wants(self, kind: str) -> bool:
        return self.enabled and kind in self.events


class Event(models.Model):
    """One thing worth telling, in the workspace's words at the time it was found."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    key = models.CharField(max_length=80)  # the source row: "audit:123", "alert:45"
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)  # what the card shows (names, reason)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="notify_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class CardState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    RETRY = "retry", _("Retrying")
    SENT = "sent", _("Sent")
    UNCONFIRMED = "unconfirmed", _("Sent, not confirmed")
    FAILED = "failed", _("Failed")


class Card(models.Model):
    """One event's card for one destination."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cards")
    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="cards")
    state = models.CharField(max_length=12, choices=CardState.choices, default=CardState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "destination"], name="notify_card_once")
        ]
        indexes = [
            # The sweep: cards that are due (new or to be retried).
            models.Index(fields=["state", "next_at"], name="notify_card_due"),
        ]

    def __str__(self) -> str:
        return f"card {self.event_id} → {self.destination_id} ({self.state})"


class Digest(models.TextChoices):
    OFF = "off", _("No digest")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def default_email_events() -> list[str]:
    return list(ALL_KINDS)


class Preference(models.Model):
    """One member's notification choices in one workspace. No row = the defaults: every
    event by e-mail (as before notifications could be chosen), no digest."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    email_events = models.JSONField(default=default_email_events, blank=True)
    digest = models.CharField(_("digest"), max_length=8, choices=Digest.choices, default=Digest.OFF)
    digest_hour = models.PositiveSmallIntegerField(
        _("at (hour)"), default=8, validators=[MaxValueValidator(23)]
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("on (weekly)"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="notify_preference_once")
        ]
        indexes = [
            # The digest job: everyone who asked for a digest.
            models.Index(fields=["digest"], name="notify_pref_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.workspace_id}"

    def language_or_workspace(self) -> str:
        return self.language or self.workspace.language

    def zone_or_workspace(self) -> str:
        return self.time_zone or self.workspace.time_zone


class DigestState(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    EMPTY = "empty", _("Nothing to report")
    FAILED = "failed", _("Failed")


class DigestSent(models.Model):
    """The marker of one period's digest for one person in one workspace, written (claimed)
    before sending; the unique constraint is what keeps it to one e-mail per period."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=16)  # "d2026-10-25" or "w2026-W43"
    state = models.CharField(max_length=8, choices=DigestState.choices)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "period"], name="notify_digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"digest {self.user_id} @ {self.workspace_id} {self.period}"
