"""Exactly-once publishing: due deliveries are queued, claimed by one worker, sent with a stable
idempotency key, and settled — or recovered when a worker dies.

Delivery states::

    pending ──(due, item scheduled)──▶ queued ──claim──▶ sending ──▶ published
       │                                  ▲               │  ├──▶ retry ──(backoff)──▶ queued
       └─(too late: past grace)─▶ missed  │               │  ├──▶ failed
                                          │               │  └──▶ unknown ──lookup──▶ published
                                          └───────────────┴──────(not found)──▶ retry

* The claim is one conditional ``UPDATE … WHERE id = … AND state IN (queued, retry)``: of any
  number of workers (threads or processes, SQLite or PostgreSQL) exactly one touches the row.
* Every try sends the delivery's ``idempotency_key`` (fixed when the delivery was created).
* A timeout after sending is "unknown": the network is asked (``lookup``) before anything is
  sent again. A worker that dies mid-send leaves a claim whose lease runs out; ``recover``
  turns it into "unknown" and resolves it the same way.
* Only retryable errors are retried, with exponential backoff (or the network's Retry-After).
  A 5xx answer to a send is no proof that nothing was created (a proxy may give up after
  the network did it, and a network may forget idempotency keys), so the retry looks up
  first, like an unknown outcome.
* A lookup searches from the start of the first try that may have sent (stored in
  :class:`Attempt`, so it survives a crash) and never accepts a post that another delivery
  on the channel already owns; the database holds each remote post to one delivery.
* A thread (an item with ``thread`` parts, on a network that can post threads) goes out part
  by part, each replying to the one before. Every part's id is stored in ``Delivery.parts``
  the moment the network names it, so a thread stopped by a failure (a 429 halfway) resumes
  after its last stored part; only the part that was in flight is looked up first.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from koers.core.actions import audit
from koers.core.crypto import DecryptionError, decrypt, encrypt
from koers.core.outbound import error_text
from koers.core.worker import claimant, dead_runners
from koers.networks.base import (
    AuthError,
    MediaItem,
    NetworkError,
    OutgoingPost,
    PermanentError,
    Publisher,
    PublishResult,
    RetryableError,
    UnknownOutcomeError,
    Visibility,
)
from koers.publishing import actions, media_urls, policy
from koers.publishing.adapters import publisher_for
from koers.publishing.models import (
    Attempt,
    ContentItem,
    Delivery,
    DeliveryState,
    Flag,
    PublishingSettings,
    State,
    StateChange,
)

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
BATCH = 500
ACTIVE = (
    DeliveryState.PENDING,
    DeliveryState.QUEUED,
    DeliveryState.SENDING,
    DeliveryState.RETRY,
    DeliveryState.UNKNOWN,
)


def worker_name() -> str:
    return claimant()


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """30 s, 1 min, 2 min, … capped at an hour; the network's Retry-After wins when longer."""
    seconds = min(30 * 2 ** max(attempts - 1, 0), 3600)
    if retry_after is not None:
        seconds = max(seconds, int(retry_after))
    return timedelta(seconds=seconds)


# ---------------------------------------------------------------------------------------------
# Scheduler side: queue what is due
# ---------------------------------------------------------------------------------------------
def _grace(workspace_ids: set[int]) -> dict[int, timedelta]:
    found = {
        s.workspace_id: timedelta(minutes=s.grace_minutes)
        for s in PublishingSettings.objects.filter(workspace_id__in=workspace_ids)
    }
    default = timedelta(minutes=PublishingSettings._meta.get_field("grace_minutes").default)
    return {ws: found.get(ws, default) for ws in workspace_ids}


def _lock_due(now: datetime) -> list[Delivery]:
    due = (
        Delivery.objects.filter(
            Q(state=DeliveryState.PENDING, due_at__lte=now, item__state=State.SCHEDULED)
            | Q(
                state=DeliveryState.PENDING,
                due_at__lte=now,
                item__state=State.PUBLISHING,
            )
            | Q(state=DeliveryState.RETRY, next_try_at__lte=now)
        )
        .select_for_update(skip_locked=True, of=("self",))
        .only("id", "state", "due_at", "workspace_id", "item_id")
        .order_by("due_at", "id")
    )
    return list(due[:BATCH])


def queue_due(now: datetime | None = None) -> int:
    """Queue every due delivery (once) and enqueue its publish task; flag missed ones.

    Runs in batches; each batch is one transaction holding row locks with SKIP LOCKED, so two
    schedulers never queue the same delivery and never wait for each other.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            batch = _lock_due(now)
            if not batch:
                return total
            grace = _grace({d.workspace_id for d in batch})
            missed = [
                d
                for d in batch
                if d.state == DeliveryState.PENDING and d.due_at < now - grace[d.workspace_id]
            ]
            ready = [d.pk for d in batch if d not in missed]
            if missed:
                _mark_missed(missed, now)
            Delivery.objects.filter(pk__in=ready).update(state=DeliveryState.QUEUED)
            _start_publishing({d.item_id for d in batch if d not in missed})
            transaction.on_commit(lambda ids=ready: _enqueue(ids))
            total += len(ready)
        if len(batch) < BATCH:
            return total


def _enqueue(ids: list[int]) -> None:
    from koers.publishing.tasks import publish_delivery

    # One transaction for the batch: one commit instead of one per task row. A task enqueued
    # twice would be harmless anyway (the claim lets only one run send).
    with transaction.atomic():
        for delivery_id in ids:
            publish_delivery.enqueue(delivery_id)


def _start_publishing(item_ids: set[int]) -> None:
    items = ContentItem.objects.filter(pk__in=item_ids, state=State.SCHEDULED)
    changes = [
        StateChange(item_id=pk, from_state=State.SCHEDULED, to_state=State.PUBLISHING)
        for pk in items.values_list("pk", flat=True)
    ]
    StateChange.objects.bulk_create(changes)
    items.update(state=State.PUBLISHING, updated_at=timezone.now())


def _mark_missed(missed: list[Delivery], now: datetime) -> None:
    Delivery.objects.filter(pk__in=[d.pk for d in missed]).update(
        state=DeliveryState.MISSED,
        error="The planned time passed more than the grace window ago (koers was down?).",
    )
    for item_id in {d.item_id for d in missed}:
        settle_item(item_id)


def flag_overdue(now: datetime | None = None) -> int:
    """Items whose time came without approval: they never publish; flag them for the team."""
    now = now or timezone.now()
    overdue = ContentItem.objects.filter(
        state__in=[State.DRAFT, State.IN_REVIEW, State.APPROVED],
        scheduled_at__lte=now,
        flag=Flag.NONE,
    )
    count = 0
    for item in overdue.select_related("workspace")[:BATCH]:
        with transaction.atomic():
            if ContentItem.objects.filter(pk=item.pk, flag=Flag.NONE).update(flag=Flag.OVERDUE):
                audit(item.workspace, None, "item.overdue", f"{item.title}: time passed", item)
                count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Worker side: claim, send, settle
# ---------------------------------------------------------------------------------------------
def claim(delivery_id: int, worker: str, now: datetime | None = None) -> bool:
    """Take the delivery for sending. True for exactly one caller; touches exactly one row."""
    now = now or timezone.now()
    claimed = (
        Delivery.objects.filter(
            pk=delivery_id, state__in=[DeliveryState.QUEUED, DeliveryState.RETRY]
        )
        .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
        .update(
            state=DeliveryState.SENDING,
            lease_until=now + LEASE,
            claimed_by=worker[:100],
            attempts=F("attempts") + 1,
        )
    )
    return claimed == 1


#: Checkpoint entries that work as a credential, stored encrypted (as ``<key>.sealed``): a
#: YouTube resumable upload session's address takes the video's bytes without any token, for
#: a week.
SEALED_KEYS = frozenset({"session"})
SEALED_SUFFIX = ".sealed"


def seal_progress(data: dict[str, str]) -> dict[str, str]:
    return {
        f"{key}{SEALED_SUFFIX}" if key in SEALED_KEYS else key: (
            encrypt(value) if key in SEALED_KEYS else value
        )
        for key, value in data.items()
    }


def unseal_progress(stored: dict) -> dict[str, str]:
    """The checkpoint as the adapter saved it (an entry kept plainly by an older koers is
    read as it is)."""
    return {
        str(key).removesuffix(SEALED_SUFFIX): (
            decrypt(str(value)) if str(key).endswith(SEALED_SUFFIX) else str(value)
        )
        for key, value in (stored or {}).items()
    }


class DeliveryCheckpoint:
    """A delivery's ``progress`` column as the adapters' :class:`Checkpoint`: saved at once
    (outside any transaction), so a crash right after a step still finds it; its
    ``SEALED_KEYS`` encrypted."""

    def __init__(self, delivery: Delivery) -> None:
        self._pk = delivery.pk
        self._data = unseal_progress(delivery.progress)

    @property
    def data(self) -> dict[str, str]:
        return dict(self._data)

    def save(self, data: dict[str, str]) -> None:
        self._data = {str(k): str(v) for k, v in data.items()}
        Delivery.objects.filter(pk=self._pk).update(progress=seal_progress(self._data))


#: A video's privacy choice → the post's visibility (what the adapters read).
VISIBILITY: dict[str, Visibility] = {
    "public": "public",
    "unlisted": "unlisted",
    "private": "private",
}


def build_post(delivery: Delivery) -> OutgoingPost:
    item = delivery.item
    declared = delivery.channel.capabilities()
    by_url = bool(declared and declared.needs_public_media_url)
    media = []
    for m in item.media.all():
        with m.file.open("rb") as handle:
            data = handle.read()
        media.append(
            MediaItem(
                data,
                m.mime_type,
                m.alt_text,
                m.file.name.rsplit("/", 1)[-1],
                url=media_urls.signed_url(m.pk) if by_url else "",
            )
        )
    first_comment = None
    if item.first_comment.strip() and declared and declared.can_publish("first_comment"):
        first_comment = item.first_comment.strip()
    video = policy.video_choice(delivery)
    return OutgoingPost(
        text=policy.outgoing_text(delivery),
        media=tuple(media),
        language=item.workspace.language,
        link_card_url=item.link or None,
        first_comment=first_comment,
        checkpoint=DeliveryCheckpoint(delivery),
        title=video.title,
        tags=video.tags,
        publish_at=video.publish_at,
        visibility=VISIBILITY.get(video.privacy or "", "public"),
    )


thread_parts = policy.thread_parts


def _part_key(delivery: Delivery, index: int) -> str:
    return delivery.idempotency_key if index == 0 else f"{delivery.idempotency_key}-{index}"


def _thread_posts(delivery: Delivery, first: OutgoingPost) -> list[OutgoingPost]:
    return [first] + [OutgoingPost(text=t, language=first.language) for t in thread_parts(delivery)]


def _next_part(delivery: Delivery, first: OutgoingPost) -> tuple[int, OutgoingPost] | None:
    """The first part not stored yet, replying to the last stored one; ``None`` = all out."""
    posts = _thread_posts(delivery, first)
    posted = list(delivery.parts or [])
    if len(posted) >= len(posts):
        return None
    index = len(posted)
    reply_to = posted[-1]["id"] if posted else first.in_reply_to
    return index, replace(posts[index], in_reply_to=reply_to)


def _store_part(delivery: Delivery, result: PublishResult) -> None:
    posted = [*(delivery.parts or []), {"id": result.remote_id, "url": result.url}]
    if not posted[0].get("at"):
        posted[0]["at"] = result.published_at.isoformat()
    Delivery.objects.filter(pk=delivery.pk).update(parts=posted)
    delivery.parts = posted


def _lookup_part(
    publisher: Publisher, delivery: Delivery, first: OutgoingPost
) -> PublishResult | None:
    """Did the part in flight go out? Found: stored as sent. ``None``: send it (again)."""
    pending = _next_part(delivery, first)
    if pending is None:
        return None
    index, part = pending
    mine = frozenset(p["id"] for p in delivery.parts or [])
    found = publisher.lookup(
        _part_key(delivery, index),
        part,
        since=lookup_since(delivery),
        exclude=owned_elsewhere(delivery) | mine,
    )
    if found is not None:
        _store_part(delivery, found)
    return found


def _send_thread(
    publisher: Publisher, delivery: Delivery, first: OutgoingPost, *, look_first: bool
) -> PublishResult:
    """Post the parts not stored yet, in order; a failure leaves the stored ones for a resume."""
    if look_first:
        _lookup_part(publisher, delivery, first)
    while (pending := _next_part(delivery, first)) is not None:
        index, part = pending
        _store_part(delivery, publisher.publish(part, _part_key(delivery, index)))
    head = delivery.parts[0]
    at = datetime.fromisoformat(head["at"]) if head.get("at") else timezone.now()
    return PublishResult(head["id"], head["url"], at)


def _load(delivery_id: int) -> Delivery:
    return Delivery.objects.select_related(
        "item__workspace", "item__campaign", "channel", "workspace"
    ).get(pk=delivery_id)


def _finish(delivery: Delivery, worker: str, **fields: object) -> bool:
    """Write the outcome only if this worker still holds the claim (its lease may have run out)."""
    return (
        Delivery.objects.filter(
            pk=delivery.pk, state=DeliveryState.SENDING, claimed_by=worker[:100]
        ).update(lease_until=None, **fields)
        == 1
    )


def _log(attempt: Attempt, outcome: str, message: str = "", *, sent: bool | None = None) -> None:
    """Close the log row; ``sent=False`` when the outcome proves nothing was created."""
    attempt.outcome, attempt.message, attempt.finished_at = outcome, message[:500], timezone.now()
    if sent is not None:
        attempt.may_have_sent = sent
    attempt.save(update_fields=["outcome", "message", "finished_at", "may_have_sent"])


def publish_delivery(
    delivery_id: int, *, worker: str | None = None, publisher: Publisher | None = None
) -> str:
    """Claim and send one delivery; returns the outcome (``not-claimed``: someone else has it).

    When an earlier try may have created the post, the network is asked first.
    """
    return _send(delivery_id, worker or worker_name(), publisher, look_first=True)


def lookup_since(delivery: Delivery) -> datetime:
    """When the first try that may have sent this delivery started (from the database)."""
    attempts = Attempt.objects.filter(delivery=delivery)
    first = attempts.filter(may_have_sent=True).aggregate(first=Min("started_at"))["first"]
    if first is None:  # tries logged before koers kept the flag: take the first real one
        first = attempts.exclude(outcome="cancelled").aggregate(first=Min("started_at"))["first"]
    return first or timezone.now()


def owned_elsewhere(delivery: Delivery) -> frozenset[str]:
    """The remote posts other deliveries on this channel already own: never this one's."""
    rows = (
        Delivery.objects.filter(channel_id=delivery.channel_id)
        .exclude(pk=delivery.pk)
        .exclude(remote_id="", parts=[])
        .values_list("remote_id", "parts")
    )
    owned: set[str] = set()
    for remote_id, parts in rows:
        owned |= {remote_id} if remote_id else set()
        owned |= {str(part["id"]) for part in parts or []}  # threads' later parts too
    return frozenset(owned)


def _lookup(publisher: Publisher, delivery: Delivery, post: OutgoingPost) -> PublishResult | None:
    return publisher.lookup(
        delivery.idempotency_key,
        post,
        since=lookup_since(delivery),
        exclude=owned_elsewhere(delivery),
    )


def _send(delivery_id: int, worker: str, publisher: Publisher | None, *, look_first: bool) -> str:
    with transaction.atomic():  # one commit for the claim and its log row
        if not claim(delivery_id, worker):
            return "not-claimed"
        delivery = _load(delivery_id)
        maybe_sent_before = delivery.attempt_log.filter(may_have_sent=True).exists()
        attempt = Attempt.objects.create(
            delivery=delivery, number=delivery.attempts, worker=worker[:100], may_have_sent=True
        )
    item = delivery.item
    if item.state != State.PUBLISHING:
        # Taken off the schedule after it was queued: nothing was sent.
        _finish(delivery, worker, state=DeliveryState.PENDING, attempts=F("attempts") - 1)
        _log(attempt, "cancelled", sent=False)
        return "cancelled"
    blockers = [f for f in policy.findings(item, [delivery]) if f.blocks]
    if blockers:
        reason = "; ".join(f.message(item.workspace.language) for f in blockers)
        return _fail(delivery, worker, attempt, f"Blocked by policy: {reason}")
    started = time.monotonic()
    try:
        post = build_post(delivery)
        publisher = publisher or publisher_for(delivery.channel)
        if thread_parts(delivery):
            look = look_first and maybe_sent_before
            result = _send_thread(publisher, delivery, post, look_first=look)
        else:
            if look_first and maybe_sent_before:
                found = _lookup(publisher, delivery, post)
                if found is not None:
                    return _succeed(delivery, worker, attempt, found, by_lookup=True)
            result = publisher.publish(post, delivery.idempotency_key)
    except UnknownOutcomeError as error:
        _finish(delivery, worker, state=DeliveryState.UNKNOWN, error=error.message[:500])
        _log(attempt, "unknown", error.message)
        return resolve_unknown(delivery_id, worker=worker, publisher=publisher)
    except RetryableError as error:
        # A 5xx may come after the network created the post; anything else proves it didn't.
        sent = error.status is not None and error.status >= 500
        return _retry(delivery, worker, attempt, error.message, error.retry_after, sent=sent)
    except AuthError as error:
        actions.mark_channel_broken(delivery.channel, error.message)
        return _fail(delivery, worker, attempt, error.message)
    except PermanentError as error:
        return _fail(delivery, worker, attempt, error_text(error, delivery.workspace.language))
    except (DecryptionError, OSError) as error:
        return _fail(delivery, worker, attempt, str(error))
    logger.info(
        "published delivery %s in %.0f ms", delivery_id, (time.monotonic() - started) * 1000
    )
    return _succeed(delivery, worker, attempt, result)


@transaction.atomic
def _succeed(
    delivery: Delivery,
    worker: str,
    attempt: Attempt,
    result: PublishResult,
    *,
    by_lookup: bool = False,
) -> str:
    """Record the post. ``by_lookup``: it was found by matching, not named by the network."""
    fields = {
        "state": DeliveryState.PUBLISHED,
        "remote_id": result.remote_id[:300],
        "remote_url": result.url[:500],
        "published_at": result.published_at,
        "error": "",
    }
    try:
        _store_published(delivery, worker, fields)
    except IntegrityError:
        if by_lookup:
            return _found_post_is_taken(delivery, worker, attempt, result)
        _take_back(delivery, result)
        try:
            _store_published(delivery, worker, fields)
        except IntegrityError:
            # The network named a post that a delivery it also named already holds (a
            # receiver that reuses ids): published all the same, without a remote id.
            fields.update(remote_id="", error=f"The network reused post id {result.remote_id}.")
            _store_published(delivery, worker, fields)
    _log(attempt, "found" if by_lookup else "published", result.url)
    audit(
        delivery.workspace,
        None,
        "delivery.published",
        f"published {delivery.item.title} on {delivery.channel.name}",
        delivery.item,
        remote_id=result.remote_id,
    )
    settle_item(delivery.item_id)
    return "published"


def _store_published(delivery: Delivery, worker: str, fields: dict[str, object]) -> None:
    """Write the published state; raises IntegrityError when another delivery owns the post."""
    with transaction.atomic():  # a savepoint: a refused write leaves the outer one usable
        if not _finish(delivery, worker, **fields):
            # Our lease ran out and recovery took over; the post exists, so record it anyway.
            Delivery.objects.filter(
                pk=delivery.pk, state__in=[DeliveryState.UNKNOWN, DeliveryState.RETRY]
            ).update(lease_until=None, **fields)


def _found_post_is_taken(
    delivery: Delivery, worker: str, attempt: Attempt, result: PublishResult
) -> str:
    """The lookup matched a post another delivery stored meanwhile: still unknown."""
    message = (
        f"The post found ({result.remote_id}) belongs to another item with the same content; "
        "checking again."
    )
    _finish(
        delivery,
        worker,
        state=DeliveryState.UNKNOWN,
        next_try_at=timezone.now() + backoff(delivery.attempts),
        error=message[:500],
    )
    _log(attempt, "unknown", message)
    return "unknown"


def _take_back(delivery: Delivery, result: PublishResult) -> None:
    """The network named this post ours, but another delivery holds it from a lookup (two
    items with the same text): that one's outcome is unknown again."""
    holders = Delivery.objects.filter(
        channel_id=delivery.channel_id, remote_id=result.remote_id[:300]
    ).exclude(pk=delivery.pk)
    for holder in holders.select_related("item"):
        if not holder.attempt_log.filter(outcome="found").exists():
            continue  # the network named it theirs too: leave it
        holder_item = holder.item
        Delivery.objects.filter(pk=holder.pk).update(
            state=DeliveryState.UNKNOWN,
            remote_id="",
            remote_url="",
            published_at=None,
            next_try_at=None,
            error="The post a lookup gave this item belongs to another one; checking again.",
        )
        if holder_item.state in (State.PUBLISHED, State.FAILED):
            StateChange.objects.create(
                item=holder_item,
                from_state=holder_item.state,
                to_state=State.PUBLISHING,
                comment="The post found for it belonged to another item; checking again.",
            )
            ContentItem.objects.filter(pk=holder_item.pk).update(
                state=State.PUBLISHING, updated_at=timezone.now()
            )


@transaction.atomic
def _retry(
    delivery: Delivery,
    worker: str,
    attempt: Attempt,
    message: str,
    retry_after: float | None,
    *,
    sent: bool = False,
) -> str:
    if delivery.attempts >= MAX_ATTEMPTS:
        return _fail(
            delivery, worker, attempt, f"Gave up after {delivery.attempts} tries: {message}"
        )
    wait = backoff(delivery.attempts, retry_after)
    _finish(
        delivery,
        worker,
        state=DeliveryState.RETRY,
        next_try_at=timezone.now() + wait,
        error=message[:500],
    )
    _log(attempt, "retry", message, sent=sent)
    return "retry"


@transaction.atomic
def _fail(delivery: Delivery, worker: str, attempt: Attempt, message: str) -> str:
    _finish(delivery, worker, state=DeliveryState.FAILED, error=message[:500])
    _log(attempt, "failed", message, sent=False)
    audit(
        delivery.workspace,
        None,
        "delivery.failed",
        f"{delivery.item.title} on {delivery.channel.name} failed",
        delivery.item,
        reason=message[:300],
    )
    settle_item(delivery.item_id)
    return "failed"


def resolve_unknown(
    delivery_id: int, *, worker: str | None = None, publisher: Publisher | None = None
) -> str:
    """Ask the network whether an attempt with this key created the post; never post blindly."""
    worker = worker or worker_name()
    now = timezone.now()
    taken = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.UNKNOWN).update(
        state=DeliveryState.SENDING, lease_until=now + LEASE, claimed_by=worker[:100]
    )
    if taken != 1:
        return "not-claimed"
    delivery = _load(delivery_id)
    attempt = Attempt.objects.create(
        delivery=delivery, number=delivery.attempts, worker=worker[:100], outcome="lookup"
    )
    try:
        publisher = publisher or publisher_for(delivery.channel)
        if thread_parts(delivery):
            # A thread: only the part in flight can be in doubt; found or not, the rest is sent.
            _lookup_part(publisher, delivery, build_post(delivery))
            found = None
        else:
            found = _lookup(publisher, delivery, build_post(delivery))
    except (NetworkError, DecryptionError, OSError) as error:
        message = getattr(error, "message", str(error))
        _finish(
            delivery,
            worker,
            state=DeliveryState.UNKNOWN,
            next_try_at=now + backoff(delivery.attempts),
            error=message[:500],
        )
        _log(attempt, "unknown", message)
        return "unknown"
    if found is not None:
        return _succeed(delivery, worker, attempt, found, by_lookup=True)
    # Not there: sending again with the same key is safe.
    _finish(delivery, worker, state=DeliveryState.RETRY, next_try_at=now)
    _log(attempt, "not-found")
    return _send(delivery_id, worker, publisher, look_first=False)


def settle_item(item_id: int) -> None:
    """Move the item to published/failed once none of its deliveries is still under way."""
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().get(pk=item_id)
        states = set(item.deliveries.values_list("state", flat=True))
        if not states or states & set(ACTIVE):
            return
        if states == {DeliveryState.PUBLISHED}:
            target, flag = State.PUBLISHED, item.flag
        else:
            target = State.FAILED
            flag = Flag.MISSED if DeliveryState.MISSED in states else item.flag
        if item.state == target:
            return
        StateChange.objects.create(item=item, from_state=item.state, to_state=target)
        item.state, item.flag, item.updated_at = target, flag, timezone.now()
        item.save(update_fields=["state", "flag", "updated_at"])


# ---------------------------------------------------------------------------------------------
# Recovery
# ---------------------------------------------------------------------------------------------
def _claims_of_dead_runners(now: datetime) -> list[tuple[int, str]]:
    """Claims whose worker process is gone (its runner stopped beating): no need to wait out
    the lease. Only claims older than the heartbeat max age, so a runner that just started
    has had time to beat."""
    old_enough = now + LEASE - timedelta(seconds=settings.KOERS_HEARTBEAT_MAX_AGE)
    sending = dict(
        Delivery.objects.filter(
            state=DeliveryState.SENDING, lease_until__gte=now, lease_until__lte=old_enough
        ).values_list("pk", "claimed_by")[:BATCH]
    )
    dead = dead_runners(sorted(set(sending.values())), now)
    return [(pk, who) for pk, who in sending.items() if who in dead]


def recover(now: datetime | None = None) -> dict[str, int]:
    """Expired claims become "unknown"; unknown outcomes are resolved by lookup."""
    now = now or timezone.now()
    expired = list(
        Delivery.objects.filter(state=DeliveryState.SENDING, lease_until__lt=now).values_list(
            "pk", flat=True
        )[:BATCH]
    )
    claims = [Q(pk=pk, lease_until__lt=now) for pk in expired]
    # The claim itself is the guard: a delivery claimed again meanwhile is left alone.
    claims += [Q(pk=pk, claimed_by=who) for pk, who in _claims_of_dead_runners(now)]
    recovered = 0
    for claim_ in claims:
        recovered += Delivery.objects.filter(claim_, state=DeliveryState.SENDING).update(
            state=DeliveryState.UNKNOWN,
            next_try_at=None,
            error="The worker stopped while sending; checking with the network.",
        )
    unknown = Delivery.objects.filter(state=DeliveryState.UNKNOWN).filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lte=now)
    )
    resolved = 0
    for pk in list(unknown.values_list("pk", flat=True)[:BATCH]):
        if resolve_unknown(pk) != "not-claimed":
            resolved += 1
    return {"expired": recovered, "resolved": resolved}
