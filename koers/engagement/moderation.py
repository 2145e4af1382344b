"""Hiding and deleting a Facebook/Instagram comment from the inbox, exactly once.

The web request only records the intent (:func:`request`, a :class:`Moderation` row, one audit
row) and queues a task; the task (:func:`run`) calls Meta. So a Meta outage loses nothing and
the item page shows the request as *pending*, then *done* or *failed* with Meta's reason::

    pending ──claim──▶ working ──▶ done (the item is closed)
      ▲                  ├──▶ pending (5xx, 429, no answer: next try after a backoff)
      │                  └──▶ failed ──(a member's "Try again")──┐
      └──────────────────────────────────────────────────────────┘

* The claim is one conditional ``UPDATE … WHERE state = 'pending'``: one worker calls Meta.
* Meta has no idempotency key, and a try whose answer was lost may have worked. So every try
  after the first looks first (:meth:`~koers.networks.meta_inbox.CommentReplier.moderated`):
  is the comment hidden already (``is_hidden``), or gone (a read answered with error 100/33)?
  Then it is done without calling again. Deleting a comment that is gone already is done too.
* Retryable failures are tried again with the publishing dispatcher's backoff (Meta's
  ``X-Business-Use-Case-Usage`` wait when longer), at most ``MAX_ATTEMPTS`` tries; a worker
  that dies mid-call leaves a lease that :func:`recover` turns back into *pending*.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers.core.actions import audit
from koers.core.crypto import DecryptionError
from koers.engagement import meta
from koers.engagement.models import (
    CloseReason,
    InboxItem,
    Kind,
    Moderation,
    ModerationAction,
    ModerationState,
    Status,
)
from koers.networks import meta_inbox as wire
from koers.networks.base import AuthError, NetworkError, RetryableError
from koers.publishing import actions as publishing_actions
from koers.publishing.dispatch import MAX_ATTEMPTS, backoff, worker_name
from koers.publishing.models import Channel

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
#: A pending request without a due time whose task was lost is picked up after this long.
LOST_TASK = timedelta(minutes=2)
UNDER_WAY = (ModerationState.PENDING, ModerationState.WORKING)


def _label(network: str) -> str:
    return "Facebook" if network == "facebook" else "Instagram"


def can_moderate(item: InboxItem) -> bool:
    return item.kind == Kind.COMMENT and item.mention.network in meta.NETWORKS


def _channel(item: InboxItem) -> Channel:
    channel = (
        Channel.objects.filter(
            workspace_id=item.workspace_id, network=item.mention.network, is_demo=False
        )
        .order_by("name")
        .first()
    )
    if channel is None:
        raise ValidationError(_("No connected account can moderate this comment."))
    return channel


@transaction.atomic
def request(item: InboxItem, actor: AbstractBaseUser, action: str) -> Moderation:
    """Ask to hide or delete the item's comment on its network; the task does it after
    commit. Raises ``ValidationError`` with the reason to show."""
    if action not in ModerationAction.values or not can_moderate(item):
        raise ValidationError(_("Only a comment can be hidden or deleted."))
    channel = _channel(item)
    locked = InboxItem.objects.select_for_update().get(pk=item.pk)
    if locked.moderations.filter(state__in=UNDER_WAY).exists():
        raise ValidationError(_("Hiding or deleting this comment is already on its way."))
    try:
        with transaction.atomic():
            moderation = Moderation.objects.create(
                workspace_id=item.workspace_id,
                item=locked,
                channel=channel,
                action=action,
                created_by=actor,
            )
    except IntegrityError:  # a second click in the same moment
        raise ValidationError(_("Hiding or deleting this comment is already on its way.")) from None
    label = _label(item.mention.network)
    audit(
        item.workspace,
        actor,
        "inbox.moderate",
        f"asked to {action} the comment on {label}",
        locked,
        what=action,
    )
    transaction.on_commit(lambda: _enqueue(moderation.pk))
    return moderation


@transaction.atomic
def retry(moderation: Moderation, actor: AbstractBaseUser) -> bool:
    """A failed request queued again (a fresh series of tries); False if it wasn't failed."""
    item = InboxItem.objects.select_for_update().get(pk=moderation.item_id)
    if item.moderations.filter(state__in=UNDER_WAY).exists():
        raise ValidationError(_("Hiding or deleting this comment is already on its way."))
    queued = Moderation.objects.filter(pk=moderation.pk, state=ModerationState.FAILED).update(
        state=ModerationState.PENDING, attempts=0, next_try_at=None, error=""
    )
    if queued != 1:
        return False
    audit(
        item.workspace,
        actor,
        "inbox.moderate_retry",
        f"asked again to {moderation.action} the comment",
        item,
        what=moderation.action,
    )
    transaction.on_commit(lambda: _enqueue(moderation.pk))
    return True


def _enqueue(moderation_id: int) -> None:
    from koers.engagement.tasks import moderate_comment

    moderate_comment.enqueue(moderation_id)


# ---------------------------------------------------------------------------------------------
# Worker side
# ---------------------------------------------------------------------------------------------
def claim(moderation_id: int, worker: str, now: datetime | None = None) -> bool:
    """Take a pending request whose try is due. True for exactly one caller."""
    now = now or timezone.now()
    return (
        Moderation.objects.filter(pk=moderation_id, state=ModerationState.PENDING)
        .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
        .update(
            state=ModerationState.WORKING,
            next_try_at=None,
            lease_until=now + LEASE,
            claimed_by=worker[:100],
            attempts=F("attempts") + 1,
        )
        == 1
    )


def _finish(moderation: Moderation, worker: str, **fields: object) -> bool:
    return (
        Moderation.objects.filter(
            pk=moderation.pk, state=ModerationState.WORKING, claimed_by=worker[:100]
        ).update(lease_until=None, **fields)
        == 1
    )


def run(moderation_id: int, *, worker: str | None = None) -> str:
    """Claim one request and carry it out; the outcome (``not-claimed``: not due, or another
    worker has it)."""
    worker = worker or worker_name()
    if not claim(moderation_id, worker):
        return "not-claimed"
    moderation = Moderation.objects.select_related(
        "item__mention", "item__workspace", "channel"
    ).get(pk=moderation_id)
    comment_id = moderation.item.mention.remote_id
    try:
        channel = moderation.channel
        replier = wire.CommentReplier(channel.network, meta.graph_for(channel))
        # A try before this one may have reached Meta with its answer lost: look first.
        if moderation.attempts > 1 and replier.moderated(comment_id, moderation.action):
            return _succeed(moderation, worker)
        if moderation.action == ModerationAction.HIDE:
            replier.hide(comment_id)
        else:
            replier.delete(comment_id)  # False: gone already, which is what was asked
    except RetryableError as error:
        return _retry(moderation, worker, error.message, error.retry_after)
    except AuthError as error:
        publishing_actions.mark_channel_broken(moderation.channel, error.message)
        return _fail(moderation, worker, error.message)
    except NetworkError as error:
        return _fail(moderation, worker, error.message)
    except (DecryptionError, OSError) as error:
        return _fail(moderation, worker, str(error))
    return _succeed(moderation, worker)


@transaction.atomic
def _succeed(moderation: Moderation, worker: str) -> str:
    done = {"state": ModerationState.DONE, "error": "", "done_at": timezone.now()}
    if not _finish(moderation, worker, **done):
        return "not-claimed"  # the lease ran out and recovery took it back: it tries again
    item = moderation.item
    label = _label(moderation.channel.network)
    with translation.override(item.workspace.language):
        note = (
            _("Hidden on %(network)s.")
            if moderation.action == ModerationAction.HIDE
            else _("Removed on %(network)s.")
        ) % {"network": label}
    InboxItem.objects.filter(pk=item.pk, status=Status.OPEN).update(
        status=Status.CLOSED,
        close_reason=CloseReason.OTHER,
        close_note=note,
        done_by=moderation.created_by,
    )
    if moderation.action == ModerationAction.HIDE:
        audit(item.workspace, None, "inbox.hide", f"comment hidden on {label}", item)
    else:
        audit(item.workspace, None, "inbox.delete", f"comment deleted on {label}", item)
    logger.info("moderation %s done", moderation.pk)
    return "done"


@transaction.atomic
def _retry(moderation: Moderation, worker: str, message: str, retry_after: float | None) -> str:
    if moderation.attempts >= MAX_ATTEMPTS:
        return _fail(moderation, worker, f"Gave up after {moderation.attempts} tries: {message}")
    next_try_at = timezone.now() + backoff(moderation.attempts, retry_after)
    _finish(
        moderation,
        worker,
        state=ModerationState.PENDING,
        next_try_at=next_try_at,
        error=message[:500],
    )
    logger.info(
        "moderation %s: try %s failed, next at %s", moderation.pk, moderation.attempts, next_try_at
    )
    return "retry"


@transaction.atomic
def _fail(moderation: Moderation, worker: str, message: str) -> str:
    _finish(moderation, worker, state=ModerationState.FAILED, error=message[:500])
    audit(
        moderation.item.workspace,
        None,
        "inbox.moderate_failed",
        f"could not {moderation.action} the comment",
        moderation.item,
        what=moderation.action,
        reason=message[:300],
    )
    return "failed"


def recover(now: datetime | None = None) -> dict[str, int]:
    """Claims whose worker stopped go back to pending (their next try looks first); pending
    requests whose try is due — or whose task was lost — are carried out."""
    now = now or timezone.now()
    expired = Moderation.objects.filter(state=ModerationState.WORKING, lease_until__lt=now).update(
        state=ModerationState.PENDING, next_try_at=None, lease_until=None
    )
    due = Moderation.objects.filter(state=ModerationState.PENDING).filter(
        Q(next_try_at__lte=now)
        | Q(next_try_at__isnull=True, created_at__lte=now - LOST_TASK)
        | Q(next_try_at__isnull=True, attempts__gt=0)
    )
    ran = 0
    for pk in list(due.order_by("created_at").values_list("pk", flat=True)[:200]):
        if run(pk) != "not-claimed":
            ran += 1
    return {"expired": expired, "ran": ran}
