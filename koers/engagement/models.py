"""The inbox: listening mentions that need an answer, who answers them, and by when.

An :class:`InboxItem` is made once per mention (unique) by the triage job
(:mod:`koers.engagement.triage`) or by hand. Its ``due_at`` follows from the workspace's
:class:`InboxSettings` (response-time target, optional office hours; see ``rules.due_at``).
A :class:`Reply` sent from koers carries its own idempotency key and claim, like a publishing
delivery, so it is sent exactly once.
"""

from __future__ import annotations

import uuid
from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koers.core.models import Workspace
from koers.engagement import rules
from koers.listening.models import Mention
from koers.publishing.models import Channel, Delivery


def default_days() -> list[int]:
    return list(rules.WEEKDAYS)


class InboxSettings(models.Model):
    """Per workspace: the response-time target and, optionally, office hours."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="inbox_settings"
    )
    target_minutes = models.PositiveIntegerField(_("response-time target (minutes)"), default=240)
    use_office_hours = models.BooleanField(_("count only office hours"), default=False)
    office_days = models.JSONField(_("office days"), default=default_days, blank=True)
    office_start = models.TimeField(_("office opens"), default=time(9))
    office_end = models.TimeField(_("office closes"), default=time(17))

    def __str__(self) -> str:
        return f"inbox settings of {self.workspace}"

    @property
    def hours(self) -> rules.OfficeHours | None:
        if not self.use_office_hours:
            return None
        return rules.OfficeHours(frozenset(self.office_days), self.office_start, self.office_end)

    def due_at(self, received):  # noqa: ANN001, ANN201 - aware datetimes
        zone = ZoneInfo(self.workspace.time_zone)
        return rules.due_at(received, self.target_minutes, zone, self.hours)

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> InboxSettings:
        found, _created = cls.objects.select_related("workspace").get_or_create(workspace=workspace)
        return found


class TriageCursor(models.Model):
    """Where the triage job is in the stream of new mentions: ``ingest_cursor`` is a
    :mod:`koers.listening.cursor` value (mentions stored by transactions at or after it have
    not been looked at, also one whose ingest committed late). ``last_mention_id`` is the
    highest id looked at; a cursor made before ingest cursors existed starts from it once."""

    name = models.CharField(max_length=40, unique=True)
    last_mention_id = models.BigIntegerField(default=0)
    ingest_cursor = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_mention_id}"


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed, no reply needed")


class Origin(models.TextChoices):
    ADDRESSED = "addressed", _("mentions our account")
    REPLY = "reply", _("reply to our post")
    MANUAL = "manual", _("added by hand")


class CloseReason(models.TextChoices):
    NO_QUESTION = "no_question", _("Not a question or complaint")
    SPAM = "spam", _("Spam or abuse")
    DUPLICATE = "duplicate", _("Duplicate of another message")
    OTHER = "other", _("Other")


class AnsweredHow(models.TextChoices):
    KOERS = "koers", _("replied from koers")
    ELSEWHERE = "elsewhere", _("answered elsewhere")


class Kind(models.TextChoices):
    MENTION = "mention", pgettext_lazy("inbox kind", "Mention")
    COMMENT = "comment", pgettext_lazy("inbox kind", "Comment")
    DIRECT_MESSAGE = "direct_message", pgettext_lazy("inbox kind", "Direct message")


class InboxItem(models.Model):
    """One mention in the inbox. ``received_at`` is the mention's published time.

    ``kind`` and ``thread`` come from network inboxes (Meta webhooks): a comment on an own
    post, a mention, or a direct message; ``thread`` groups one person's messages on one
    account (``messenger:<page id>:<sender id>``) and is empty otherwise."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    mention = models.OneToOneField(Mention, on_delete=models.CASCADE, related_name="inbox_item")
    origin = models.CharField(max_length=12, choices=Origin.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MENTION)
    thread = models.CharField(max_length=200, blank=True, db_index=True)
    # The own post this mention replies to, when it replies to one.
    replies_to = models.ForeignKey(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    # The mention's sentiment is negative: copied (and kept on corrections, see apps.py) so
    # the list's order needs no join on the mentions for every open item.
    negative = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_how = models.CharField(max_length=12, choices=AnsweredHow.choices, blank=True)
    close_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    close_note = models.CharField(max_length=300, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The inbox list: one workspace's items of a status by due time.
            models.Index(fields=["workspace", "status", "due_at"], name="inbox_list"),
            # The overdue job: open items whose time ran out, of every workspace.
            models.Index(fields=["status", "due_at"], name="inbox_due"),
            # Response KPIs: items received in a period.
            models.Index(fields=["workspace", "received_at"], name="inbox_received"),
        ]

    def __str__(self) -> str:
        return f"inbox item {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def is_overdue(self, now=None) -> bool:  # noqa: ANN001 - aware datetime
        return self.is_open and self.due_at <= (now or timezone.now())


def keep_negative(sender: type, mention: Mention, sentiment: str, **kwargs: object) -> None:
    """A corrected sentiment moves the mention's inbox item in the list's order."""
    InboxItem.objects.filter(mention=mention).update(negative=sentiment == "negative")


class Note(models.Model):
    """An internal note on an item: never sent anywhere."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on item {self.item_id}"


class ReplyState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    RETRY = "retry", _("waiting to try again")
    UNKNOWN = "unknown", _("outcome unknown, checking")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Reply(models.Model):
    """A reply sent from koers through one of the workspace's channels, exactly once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="replies")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("reply"), max_length=5000)
    # The adapter's id of the post answered; for a Mastodon status on another server its
    # ActivityPub URI until the worker resolved it on the channel's instance.
    in_reply_to = models.CharField(max_length=300)
    state = models.CharField(max_length=12, choices=ReplyState.choices, default=ReplyState.QUEUED)
    idempotency_key = models.CharField(max_length=64, unique=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    # When the next automatic try is due (state "retry"), or the next lookup ("unknown").
    next_try_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        # Recovery: claims whose lease ran out; automatic tries that are due.
        indexes = [
            models.Index(fields=["state", "lease_until"], name="reply_lease"),
            models.Index(fields=["state", "next_try_at"], name="reply_next_try"),
        ]

    def __str__(self) -> str:
        return f"reply {self.pk} on item {self.item_id} ({self.state})"

    def save(self, *args, **kwargs) -> None:
        if not self.idempotency_key:
            self.idempotency_key = uuid.uuid4().hex
        super().save(*args, **kwargs)


class MetaEventState(models.TextChoices):
    PENDING = "pending", _("waiting")
    DONE = "done", _("processed")
    FAILED = "failed", _("failed, will be tried again")


class MetaEvent(models.Model):
    """One change from a Meta webhook delivery, stored before it is processed.

    ``key`` is stable per change (``feed:<comment id>:<verb>``, ``messages:<mid>``…): a
    delivery Meta sends twice, or an old one replayed, is stored once. Processing happens in
    a task; a failure keeps the row with its error and it is tried again."""

    key = models.CharField(max_length=300, unique=True)
    object_type = models.CharField(max_length=40)
    account_id = models.CharField(max_length=100)
    field = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    state = models.CharField(
        max_length=10, choices=MetaEventState.choices, default=MetaEventState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "received_at"], name="meta_event_todo")]

    def __str__(self) -> str:
        return f"meta event {self.key} ({self.state})"


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("Hide")
    DELETE = "delete", _("Delete")


class ModerationState(models.TextChoices):
    PENDING = "pending", _("pending")
    WORKING = "working", _("in progress")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Moderation(models.Model):
    """Hiding or deleting a comment on its network, asked for in koers and carried out by a
    task, exactly once (see :mod:`koers.engagement.moderation`): the request is stored first,
    so a network outage loses nothing; ``pending`` waits for its (next) try, ``failed`` keeps
    the network's reason until a member tries again."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="moderations")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=8, choices=ModerationAction.choices)
    state = models.CharField(
        max_length=8, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # When the next automatic try is due (pending after a retryable failure).
    next_try_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        # Recovery: tries that are due; claims whose lease ran out.
        indexes = [
            models.Index(fields=["state", "next_try_at"], name="moderation_next_try"),
            models.Index(fields=["state", "lease_until"], name="moderation_lease"),
        ]
        constraints = [
            # One hide or delete under way per item: a double click asks once.
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(state__in=["pending", "working"]),
                name="one_moderation_under_way",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} of item {self.item_id} ({self.state})"
