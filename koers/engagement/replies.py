"""Replies sent from koers, exactly once — the publishing dispatcher's approach for one reply.

Reply states::

    queued ──claim──▶ sending ──▶ sent
      ▲                 │  ├──▶ failed ──(retry by a member, same key)──▶ queued
      │                 │  └──▶ unknown ──lookup──▶ sent
      └─────────────────┴──────────(not found)──┘

* The claim is one conditional ``UPDATE … WHERE state = 'queued'``: exactly one worker sends.
* Every try sends the reply's ``idempotency_key`` (fixed at creation), so a retry after an
  error can't make a second post; a timeout is "unknown" and resolved with the adapter's
  ``lookup`` before anything is sent again. A worker that dies mid-send leaves a lease that
  ``recover`` turns into "unknown".
* Failures keep the network's reason (shown on the item) and wait for a member's retry.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core.actions import audit
from koers.core.crypto import DecryptionError
from koers.engagement import actions
from koers.engagement.models import InboxItem, Reply, ReplyState, Status
from koers.networks.base import (
    AuthError,
    NetworkError,
    OutgoingPost,
    Publisher,
    PublishResult,
    UnknownOutcomeError,
)
from koers.publishing import actions as publishing_actions
from koers.publishing.adapters import publisher_for
from koers.publishing.dispatch import worker_name
from koers.publishing.models import Channel

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
ACTIVE = (ReplyState.QUEUED, ReplyState.SENDING, ReplyState.UNKNOWN, ReplyState.SENT)
REPLY_NETWORKS = ("mastodon", "bluesky")


def channels_for(item: InboxItem) -> list[Channel]:
    """The workspace's channels that can answer this item (same network, not demo)."""
    return list(
        Channel.objects.filter(
            workspace_id=item.workspace_id, network=item.mention.network, is_demo=False
        ).order_by("name")
    )


def reply_target(item: InboxItem, channel: Channel) -> str:
    """The remote id to reply to, as the channel's adapter takes it.

    Bluesky: the post's ``at://`` URI. Mastodon: the status id *on the channel's instance*;
    listening stores a status by its ActivityPub URI, whose last part is that id only when
    the status lives on the channel's own instance. Raises ``ValidationError`` otherwise.
    """
    mention = item.mention
    if channel.network == "bluesky":
        return mention.remote_id
    uri = urlsplit(mention.remote_id)
    if uri.netloc.lower() == urlsplit(channel.endpoint).netloc.lower():
        last = uri.path.rstrip("/").rsplit("/", 1)[-1]
        if last.isdigit():
            return last
    raise ValidationError(
        _(
            "This post lives on another Mastodon server than %(channel)s, so koers can't reply "
            "to it from here yet. Answer it on Mastodon and mark it as answered elsewhere."
        )
        % {"channel": channel.name}
    )


def _post(reply: Reply) -> OutgoingPost:
    lang = reply.item.mention.lang
    return OutgoingPost(
        text=reply.text,
        language=lang if lang and lang != "und" else None,
        in_reply_to=reply.in_reply_to,
    )


def compose(
    item: InboxItem,
    actor: AbstractBaseUser,
    *,
    channel: Channel,
    text: str,
    publisher: Publisher | None = None,
) -> Reply:
    """Check and queue a reply (sent by a task after commit). Raises ``ValidationError`` with
    a message to show: item not open, wrong channel, a reply already under way, too long."""
    if item.status != Status.OPEN:
        raise ValidationError(_("Only an open item can be answered."))
    if channel.workspace_id != item.workspace_id or channel.network != item.mention.network:
        raise ValidationError(_("Choose a channel on the same network as the message."))
    if channel.is_demo:
        raise ValidationError(_("A demo channel can't send replies."))
    target = reply_target(item, channel)
    draft = Reply(workspace=item.workspace, item=item, channel=channel, text=text)
    draft.in_reply_to = target
    _validate(draft, publisher)
    with transaction.atomic():
        locked = InboxItem.objects.select_for_update().get(pk=item.pk)
        if locked.status != Status.OPEN or locked.replies.filter(state__in=ACTIVE).exists():
            raise ValidationError(_("A reply to this message is already on its way."))
        draft.created_by = actor
        draft.save()
        audit(item.workspace, actor, "inbox.reply", f"reply queued on {channel.name}", item)
        transaction.on_commit(lambda: _enqueue(draft.pk))
    return draft


def _validate(reply: Reply, publisher: Publisher | None) -> None:
    """The adapter's own check (length as that network counts it). When the network can't be
    asked right now, the send itself checks again and reports the network's reason."""
    try:
        publisher = publisher or publisher_for(reply.channel)
        problems = publisher.validate(_post(reply))
    except (NetworkError, DecryptionError):
        return
    if problems:
        raise ValidationError(" ".join(p.message for p in problems))


def _enqueue(reply_id: int) -> None:
    from koers.engagement.tasks import send_reply

    send_reply.enqueue(reply_id)


@transaction.atomic
def retry(reply: Reply, actor: AbstractBaseUser) -> bool:
    """Queue a failed reply again with the same idempotency key; False if it wasn't failed."""
    item = InboxItem.objects.select_for_update().get(pk=reply.item_id)
    if item.status != Status.OPEN:
        raise ValidationError(_("Only an open item can be answered."))
    if item.replies.filter(state__in=ACTIVE).exists():
        raise ValidationError(_("A reply to this message is already on its way."))
    queued = Reply.objects.filter(pk=reply.pk, state=ReplyState.FAILED).update(
        state=ReplyState.QUEUED, error=""
    )
    if queued != 1:
        return False
    audit(reply.workspace, actor, "inbox.reply_retry", "reply queued again", item)
    transaction.on_commit(lambda: _enqueue(reply.pk))
    return True


# ---------------------------------------------------------------------------------------------
# Worker side
# ---------------------------------------------------------------------------------------------
def claim(reply_id: int, worker: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        Reply.objects.filter(pk=reply_id, state=ReplyState.QUEUED).update(
            state=ReplyState.SENDING,
            lease_until=now + LEASE,
            claimed_by=worker[:100],
            attempts=F("attempts") + 1,
        )
        == 1
    )


def _finish(reply: Reply, worker: str, **fields: object) -> bool:
    return (
        Reply.objects.filter(pk=reply.pk, state=ReplyState.SENDING, claimed_by=worker[:100]).update(
            lease_until=None, **fields
        )
        == 1
    )


def _load(reply_id: int) -> Reply:
    return Reply.objects.select_related("item__mention", "channel__workspace", "workspace").get(
        pk=reply_id
    )


def send(reply_id: int, *, worker: str | None = None, publisher: Publisher | None = None) -> str:
    """Claim and send one reply; returns the outcome (``not-claimed``: someone else has it)."""
    worker = worker or worker_name()
    if not claim(reply_id, worker):
        return "not-claimed"
    reply = _load(reply_id)
    try:
        publisher = publisher or publisher_for(reply.channel)
        result = publisher.publish(_post(reply), reply.idempotency_key)
    except UnknownOutcomeError as error:
        _finish(reply, worker, state=ReplyState.UNKNOWN, error=error.message[:500])
        return resolve_unknown(reply_id, worker=worker, publisher=publisher)
    except AuthError as error:
        publishing_actions.mark_channel_broken(reply.channel, error.message)
        return _fail(reply, worker, error.message)
    except NetworkError as error:
        return _fail(reply, worker, error.message)
    except (DecryptionError, OSError) as error:
        return _fail(reply, worker, str(error))
    return _succeed(reply, worker, result)


@transaction.atomic
def _succeed(reply: Reply, worker: str, result: PublishResult) -> str:
    fields = {
        "state": ReplyState.SENT,
        "remote_id": result.remote_id[:300],
        "remote_url": result.url[:500],
        "published_at": result.published_at,
        "error": "",
    }
    if not _finish(reply, worker, **fields):
        # The lease ran out and recovery took over; the post exists, so record it anyway.
        Reply.objects.filter(pk=reply.pk).exclude(state=ReplyState.SENT).update(
            lease_until=None, **fields
        )
    actions.mark_replied(reply.item_id, result.published_at, reply.created_by)
    audit(
        reply.workspace,
        None,
        "inbox.replied",
        f"reply sent on {reply.channel.name}",
        reply.item,
        remote_id=result.remote_id,
    )
    logger.info("sent reply %s", reply.pk)
    return "sent"


@transaction.atomic
def _fail(reply: Reply, worker: str, message: str) -> str:
    _finish(reply, worker, state=ReplyState.FAILED, error=message[:500])
    audit(
        reply.workspace,
        None,
        "inbox.reply_failed",
        f"reply on {reply.channel.name} failed",
        reply.item,
        reason=message[:300],
    )
    return "failed"


def resolve_unknown(
    reply_id: int, *, worker: str | None = None, publisher: Publisher | None = None
) -> str:
    """Ask the network whether the reply exists; never post blindly."""
    worker = worker or worker_name()
    now = timezone.now()
    taken = Reply.objects.filter(pk=reply_id, state=ReplyState.UNKNOWN).update(
        state=ReplyState.SENDING, lease_until=now + LEASE, claimed_by=worker[:100]
    )
    if taken != 1:
        return "not-claimed"
    reply = _load(reply_id)
    try:
        publisher = publisher or publisher_for(reply.channel)
        found = publisher.lookup(reply.idempotency_key, _post(reply))
    except (NetworkError, DecryptionError, OSError) as error:
        message = getattr(error, "message", str(error))
        _finish(reply, worker, state=ReplyState.UNKNOWN, error=message[:500])
        return "unknown"
    if found is not None:
        return _succeed(reply, worker, found)
    _finish(reply, worker, state=ReplyState.QUEUED)  # not there: sending again is safe
    return send(reply_id, worker=worker, publisher=publisher)


def recover(now: datetime | None = None) -> dict[str, int]:
    """Expired claims become "unknown"; unknown outcomes are resolved by lookup."""
    now = now or timezone.now()
    expired = Reply.objects.filter(state=ReplyState.SENDING, lease_until__lt=now).update(
        state=ReplyState.UNKNOWN,
        error="The worker stopped while sending; checking with the network.",
    )
    resolved = 0
    for pk in list(Reply.objects.filter(state=ReplyState.UNKNOWN).values_list("pk", flat=True)):
        if resolve_unknown(pk) != "not-claimed":
            resolved += 1
    return {"expired": expired, "resolved": resolved}
