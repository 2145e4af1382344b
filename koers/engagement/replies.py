"""Replies sent from koers, exactly once — the publishing dispatcher's approach for one reply.

Reply states::

    queued ──claim──▶ sending ──▶ sent
      ▲                 │  ├──▶ retry ──(backoff)──▶ claim again
      │                 │  ├──▶ failed ──(retry by a member, same key)──▶ queued
      │                 │  └──▶ unknown ──lookup──▶ sent
      └─────────────────┴──────────(not found)──┘

* The claim is one conditional ``UPDATE … WHERE state = 'queued'``: exactly one worker sends.
* Every try sends the reply's ``idempotency_key`` (fixed at creation), so a retry after an
  error can't make a second post; a timeout is "unknown" and resolved with the adapter's
  ``lookup`` before anything is sent again. A worker that dies mid-send leaves a lease that
  ``recover`` turns into "unknown".
* Retryable errors (rate limit, 5xx, no connection) are tried again automatically with the
  publishing dispatcher's backoff (the network's Retry-After when longer), at most
  ``MAX_ATTEMPTS`` tries; after that, and after any other error, the reply is failed with the
  network's reason (shown on the item) and waits for a member's "Try again".
* A Mastodon post from another server is known by its ActivityPub URI; the worker resolves it
  to the status id on the channel's own instance before sending.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.core import neterrors
from koers.core.actions import audit
from koers.core.crypto import DecryptionError
from koers.engagement import actions, linkedin, meta
from koers.engagement.models import InboxItem, Reply, ReplyState, Status
from koers.networks import catalog
from koers.networks.base import (
    AuthError,
    NetworkError,
    OutgoingPost,
    PermanentError,
    Publisher,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
)
from koers.publishing import actions as publishing_actions
from koers.publishing.adapters import publisher_for
from koers.publishing.dispatch import MAX_ATTEMPTS, backoff, worker_name
from koers.publishing.models import Channel

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
ACTIVE = (
    ReplyState.QUEUED,
    ReplyState.SENDING,
    ReplyState.RETRY,
    ReplyState.UNKNOWN,
    ReplyState.SENT,
)
#: Networks koers can answer on: their adapters can reply and bring messages into the inbox
#: (declared capabilities), the Meta inbox's comment and message replies
#: (``koers.engagement.meta``; WhatsApp has no publishing adapter) and LinkedIn's comment
#: replies (``koers.engagement.linkedin``; a LinkedIn post can't reply to a post).
REPLY_NETWORKS = tuple(
    dict.fromkeys(
        [
            n
            for n in catalog.networks()
            if (c := catalog.capabilities(n)) and c.inbox and c.can_publish("reply")
        ]
        + ["facebook", "instagram", "whatsapp", "linkedin"]
    )
)


def channels_for(item: InboxItem) -> list[Channel]:
    """The workspace's channels that can answer this item (same network, not demo)."""
    return list(
        Channel.objects.filter(
            workspace_id=item.workspace_id, network=item.mention.network, is_demo=False
        ).order_by("name")
    )


def has_demo_channel(item: InboxItem) -> bool:
    """A demo channel on the item's network (it shows, but never sends)."""
    return Channel.objects.filter(
        workspace_id=item.workspace_id, network=item.mention.network, is_demo=True
    ).exists()


def reply_target(item: InboxItem, channel: Channel) -> str:
    """The remote id to reply to, as far as it is known without asking the network.

    Bluesky: the post's ``at://`` URI. Mastodon: the status id *on the channel's instance*;
    listening stores a status by its ActivityPub URI, whose last part is that id when the
    status lives on the channel's own instance. For a status on another server the URI is
    returned as it is: the worker resolves it on the channel's instance (see ``_resolve``).
    """
    mention = item.mention
    if meta.is_meta(channel):
        return meta.reply_target(item)
    if channel.network in ("bluesky", "linkedin"):  # the post's / comment's URI or URN
        return mention.remote_id
    uri = urlsplit(mention.remote_id)
    if uri.netloc.lower() == urlsplit(channel.endpoint).netloc.lower():
        last = uri.path.rstrip("/").rsplit("/", 1)[-1]
        if last.isdigit():
            return last
    return mention.remote_id


def _resolve(reply: Reply, publisher: Publisher) -> None:
    """Turn a Mastodon status URI into the id on the channel's instance (stored once found)."""
    if reply.channel.network != "mastodon" or "://" not in reply.in_reply_to:
        return
    local_id = publisher.resolve_status(reply.in_reply_to)  # type: ignore[attr-defined]
    if local_id is None:
        raise PermanentError(
            f"{urlsplit(reply.channel.endpoint).netloc} can't find the post to reply to: it "
            "may have been deleted, be visible to followers only, or its server is gone.",
            network="mastodon",
        )
    Reply.objects.filter(pk=reply.pk).update(in_reply_to=local_id)
    reply.in_reply_to = local_id


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
    # The window first: it is the reason whatever the channel (a demo one too).
    meta.check_window(item)
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


def _publisher(reply: Reply) -> Publisher:
    """Meta and LinkedIn channels answer comments and messages (not page posts): their own
    repliers."""
    if meta.is_meta(reply.channel):
        return meta.replier_for(reply)  # type: ignore[return-value]
    if reply.channel.network == "linkedin":
        return linkedin.replier_for(reply)
    return publisher_for(reply.channel)


def _validate(reply: Reply, publisher: Publisher | None) -> None:
    """The adapter's own check (length as that network counts it). When the network can't be
    asked right now, the send itself checks again and reports the network's reason."""
    try:
        publisher = publisher or _publisher(reply)
        problems = publisher.validate(_post(reply))
    except (NetworkError, DecryptionError):
        return
    if problems:
        raise ValidationError(" ".join(neterrors.translate(p.message) for p in problems))


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
    # A fresh series of automatic tries; the idempotency key stays the same.
    queued = Reply.objects.filter(pk=reply.pk, state=ReplyState.FAILED).update(
        state=ReplyState.QUEUED, error="", attempts=0, next_try_at=None
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
    """Take a queued reply, or one whose next automatic try is due. True for one caller."""
    now = now or timezone.now()
    return (
        Reply.objects.filter(
            Q(state=ReplyState.QUEUED) | Q(state=ReplyState.RETRY, next_try_at__lte=now),
            pk=reply_id,
        ).update(
            state=ReplyState.SENDING,
            next_try_at=None,
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
    if reply.item.status != Status.OPEN:
        # Closed or answered elsewhere while the reply waited (e.g. for its next try).
        return _fail(reply, worker, "The message was closed or answered before the reply went out.")
    try:
        publisher = publisher or _publisher(reply)
        _resolve(reply, publisher)
        result = publisher.publish(_post(reply), reply.idempotency_key)
    except UnknownOutcomeError as error:
        _finish(reply, worker, state=ReplyState.UNKNOWN, error=error.message[:500])
        return resolve_unknown(reply_id, worker=worker, publisher=publisher)
    except RetryableError as error:
        return _retry(reply, worker, error.message, error.retry_after)
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
def _retry(reply: Reply, worker: str, message: str, retry_after: float | None) -> str:
    """Plan the next automatic try (the dispatcher's backoff), or give up after the last."""
    if reply.attempts >= MAX_ATTEMPTS:
        return _fail(reply, worker, f"Gave up after {reply.attempts} tries: {message}")
    next_try_at = timezone.now() + backoff(reply.attempts, retry_after)
    _finish(reply, worker, state=ReplyState.RETRY, next_try_at=next_try_at, error=message[:500])
    logger.info("reply %s: try %s failed, next at %s", reply.pk, reply.attempts, next_try_at)
    return "retry"


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
    taken = (
        Reply.objects.filter(pk=reply_id, state=ReplyState.UNKNOWN)
        .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
        .update(state=ReplyState.SENDING, lease_until=now + LEASE, claimed_by=worker[:100])
    )
    if taken != 1:
        return "not-claimed"
    reply = _load(reply_id)
    try:
        publisher = publisher or _publisher(reply)
        found = publisher.lookup(reply.idempotency_key, _post(reply), since=reply.created_at)
    except (NetworkError, DecryptionError, OSError) as error:
        message = getattr(error, "message", str(error))
        _finish(
            reply,
            worker,
            state=ReplyState.UNKNOWN,
            next_try_at=now + backoff(reply.attempts),
            error=message[:500],
        )
        return "unknown"
    if found is not None:
        return _succeed(reply, worker, found)
    _finish(reply, worker, state=ReplyState.QUEUED, next_try_at=None)  # not there: send again
    return send(reply_id, worker=worker, publisher=publisher)


def recover(now: datetime | None = None) -> dict[str, int]:
    """Expired claims become "unknown"; unknown outcomes are resolved by lookup; replies whose
    next automatic try is due are sent."""
    now = now or timezone.now()
    expired = Reply.objects.filter(state=ReplyState.SENDING, lease_until__lt=now).update(
        state=ReplyState.UNKNOWN,
        next_try_at=None,
        error="The worker stopped while sending; checking with the network.",
    )
    unknown = Reply.objects.filter(state=ReplyState.UNKNOWN).filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lte=now)
    )
    resolved = 0
    for pk in list(unknown.values_list("pk", flat=True)):
        if resolve_unknown(pk) != "not-claimed":
            resolved += 1
    due = Reply.objects.filter(state=ReplyState.RETRY, next_try_at__lte=now)
    retried = 0
    for pk in list(due.order_by("next_try_at", "pk").values_list("pk", flat=True)):
        if send(pk) != "not-claimed":
            retried += 1
    return {"expired": expired, "resolved": resolved, "retried": retried}
