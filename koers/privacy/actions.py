"""Every change the privacy app makes: retention settings, the daily retention run, access and
erasure requests. Each runs in one transaction and writes one audit row without personal data.

Aggregates stay: the listening rollups (mentions per topic and hour) and the inbox's times
(received, answered) hold no personal data, so deleting mentions or redacting inbox messages
leaves charts, share of voice and response figures as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from koers.core.actions import audit
from koers.core.models import Workspace
from koers.engagement.models import InboxItem, Note, Reply, ReplyState, Status
from koers.listening.models import Mention
from koers.listening.rollups import rebuild_author_days, take_out_of_days
from koers.privacy.models import PrivacyRequest, RequestKind, RetentionSettings
from koers.privacy.subjects import ERASED_PREFIX, PLACEHOLDER, Found, Subject, find
from koers.strategy.models import Influencer

BATCH = 500
IN_FLIGHT = (ReplyState.QUEUED, ReplyState.SENDING, ReplyState.RETRY, ReplyState.UNKNOWN)


def retention_for(workspace: Workspace) -> RetentionSettings:
    return RetentionSettings.objects.filter(workspace=workspace).first() or RetentionSettings(
        workspace=workspace
    )


@transaction.atomic
def save_retention(
    workspace: Workspace,
    actor: AbstractBaseUser,
    *,
    mention_days: int | None,
    inbox_days: int | None,
    author_days: int | None,
) -> RetentionSettings:
    current = retention_for(workspace)
    values = {"mention_days": mention_days, "inbox_days": inbox_days, "author_days": author_days}
    changes = {k: [getattr(current, k), v] for k, v in values.items() if getattr(current, k) != v}
    if changes or current.pk is None:
        for name, value in values.items():
            setattr(current, name, value)
        current.updated_at = timezone.now()
        current.save()
        audit(
            workspace,
            actor,
            "privacy.retention_set",
            "changed retention periods",
            current,
            **changes,
        )
    return current


# ---------------------------------------------------------------------------------------------
# Removing and redacting
# ---------------------------------------------------------------------------------------------
def _delete_mentions(mentions: QuerySet[Mention]) -> int:
    """Delete in batches (each delete loads its rows' dependants); return mentions deleted."""
    deleted = 0
    while ids := list(mentions.values_list("pk", flat=True)[:BATCH]):
        _, per_model = Mention.objects.filter(pk__in=ids).delete()
        deleted += per_model.get(Mention._meta.label, 0)
    return deleted


def _redact_inbox(items: QuerySet[InboxItem]) -> int:
    """Strip the message and everything people wrote about it; keep the item and its times."""
    ids = list(items.values_list("pk", flat=True))
    mention_ids = list(InboxItem.objects.filter(pk__in=ids).values_list("mention_id", flat=True))
    for start in range(0, len(mention_ids), BATCH):
        for pk in mention_ids[start : start + BATCH]:
            Mention.objects.filter(pk=pk).update(
                remote_id=f"{ERASED_PREFIX}{pk}",
                text="",
                text_hash="",
                url="",
                author_handle="",
                author_name="",
                links=[],
                hashtags=[],
                mentioned=[],
                reply_to="",
            )
    Note.objects.filter(item_id__in=ids).delete()
    replies = Reply.objects.filter(item_id__in=ids)
    # A reply still on its way can't go out any more: nothing is left to answer.
    replies.filter(state__in=IN_FLIGHT).update(
        state=ReplyState.FAILED, lease_until=None, next_try_at=None, error="erased"
    )
    replies.update(text="", in_reply_to="")
    return len(ids)


@dataclass(frozen=True)
class RetentionResult:
    mentions: int = 0
    inbox: int = 0
    authors: int = 0

    @property
    def total(self) -> int:
        return self.mentions + self.inbox + self.authors


@transaction.atomic
def apply_retention(workspace: Workspace, now: datetime | None = None) -> RetentionResult:
    """Delete what is older than the workspace's retention periods (the daily job)."""
    now = now or timezone.now()
    rules = retention_for(workspace)
    if not rules.is_set:
        return RetentionResult()
    mentions = Mention.objects.filter(workspace=workspace)
    removed = redacted = stripped = 0
    if rules.mention_days:
        cutoff = now - timedelta(days=rules.mention_days)
        removed = _delete_mentions(
            mentions.filter(published_at__lt=cutoff, inbox_item__isnull=True)
        )
    if rules.inbox_days:
        cutoff = now - timedelta(days=rules.inbox_days)
        redacted = _redact_inbox(
            InboxItem.objects.filter(workspace=workspace, received_at__lt=cutoff)
            .exclude(status=Status.OPEN)
            .exclude(mention__remote_id__startswith=ERASED_PREFIX)
        )
    if rules.author_days:
        cutoff = now - timedelta(days=rules.author_days)
        stripped = (
            mentions.filter(published_at__lt=cutoff)
            .exclude(author_handle="", author_name="")
            .update(author_handle="", author_name="")
        )
    if removed or redacted or stripped:
        # The topic pages' author days hold handles too: count them again from what is left.
        rebuild_author_days(workspace)
    result = RetentionResult(removed, redacted, stripped)
    audit(
        workspace,
        None,
        "privacy.retention_run",
        f"retention: {removed} mentions deleted, {redacted} inbox messages emptied, "
        f"author data removed from {stripped} mentions",
        mentions=removed,
        inbox=redacted,
        authors=stripped,
    )
    return result


def apply_all_retention(now: datetime | None = None) -> int:
    """Run retention for every workspace that set a period; return the rows touched."""
    total = 0
    for rules in RetentionSettings.objects.select_related("workspace"):
        if rules.is_set:
            total += apply_retention(rules.workspace, now).total
    return total


# ---------------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------------
def _record(
    workspace: Workspace,
    actor: AbstractBaseUser,
    kind: str,
    subject: Subject,
    counts: dict,
    export_format: str = "",
) -> PrivacyRequest:
    request = PrivacyRequest.objects.create(
        workspace=workspace,
        kind=kind,
        subject_hash=subject.digest(workspace),
        export_format=export_format,
        counts=counts,
        done_by=actor,
    )
    # The audit row names no one: the request's id and hash lead to the same person only for
    # someone who knows whom to look for.
    audit(
        workspace,
        actor,
        f"privacy.{kind}",
        f"{kind} request {request.pk}: {sum(counts.values())} items",
        request,
        subject_hash=request.subject_hash,
        **counts,
    )
    return request


@transaction.atomic
def record_access_request(
    workspace: Workspace, actor: AbstractBaseUser, subject: Subject, export_format: str
) -> Found:
    """Find the person's data for a download and register that it was handed out."""
    found = find(workspace, subject)
    _record(workspace, actor, RequestKind.ACCESS, subject, found.counts(), export_format)
    return found


@transaction.atomic
def erase_subject(workspace: Workspace, actor: AbstractBaseUser, subject: Subject) -> Found:
    """Erase the person's data: their posts (emptied when in the inbox, else deleted), their
    handle in others' posts, notes and replies on their messages, the alert references and
    influencer rows. Rollup counts stay (they hold no personal data); their mentions leave
    the author, hashtag and link days."""
    found = find(workspace, subject)
    in_inbox = {i.mention_id for i in found.inbox}
    authored = {m.pk for m in found.authored}
    # The topic pages' author days name them too; their mentions leave the hashtag and link
    # days as well (only those mentions: counting every day again takes a minute at 1M).
    take_out_of_days(workspace, authored | in_inbox, emptied=in_inbox)
    _redact_inbox(InboxItem.objects.filter(pk__in=[i.pk for i in found.inbox]))
    _delete_mentions(Mention.objects.filter(pk__in=authored - in_inbox))
    for mention in found.mentioned_in:
        mention.text = subject.pattern().sub(PLACEHOLDER, mention.text)
        mention.mentioned = [
            m for m in mention.mentioned if str(m).lstrip("@").lower() != subject.handle
        ]
        mention.save(update_fields=["text", "mentioned"])
    for event in found.alert_events:
        figures = {**event.figures, "match_count": event.match_count}  # the count stays right
        event.mention_ids = [pk for pk in event.mention_ids if pk not in authored]
        event.figures = figures
        event.save(update_fields=["mention_ids", "figures"])
    Influencer.objects.filter(pk__in=[p.pk for p in found.influencers]).delete()
    _record(workspace, actor, RequestKind.ERASURE, subject, found.counts())
    return found
