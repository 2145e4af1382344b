"""Retention periods per workspace and the register of access and erasure requests (AVG).

A request row keeps no personal data of the person it concerns: only a keyed hash of what the
owner searched for (to show that the same person asked twice) and the counts of what was found.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koers.core.models import Workspace

MAX_DAYS = 3650


def _days(label: str, help_text: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)],
        help_text=help_text,
    )


class RetentionSettings(models.Model):
    """How long personal data is kept; empty means "until someone deletes it"."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="retention")
    mention_days = _days(
        _("mentions (days)"),
        _("Mentions not in the inbox are deleted this many days after they were published."),
    )
    inbox_days = _days(
        _("inbox messages (days)"),
        _(
            "Handled inbox messages lose their text, author, notes and reply texts this many "
            "days after they arrived; the times stay for the response figures."
        ),
    )
    author_days = _days(
        _("author data (days)"),
        _("Handles and names of authors are removed from mentions older than this."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"retention of {self.workspace}"

    @property
    def is_set(self) -> bool:
        return any(d is not None for d in (self.mention_days, self.inbox_days, self.author_days))


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access (export)")
    ERASURE = "erasure", _("Erasure")


class PrivacyRequest(models.Model):
    """One access or erasure request carried out by an owner."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=RequestKind.choices)
    subject_hash = models.CharField(max_length=64)
    export_format = models.CharField(max_length=4, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_at", "-id"]
        # The privacy page lists a workspace's newest requests.
        indexes = [models.Index(fields=["workspace", "-done_at"], name="privacy_request_newest")]

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.counts.values())
