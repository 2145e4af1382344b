"""The Meta inbox: webhook deliveries into inbox items, and replies on Meta channels.

``/hooks/meta/`` (one URL for every Meta app of the installation):

* ``GET``: Meta's subscription handshake. ``hub.verify_token`` is compared in constant time
  with the verify token of every registered Meta app; the answer is ``hub.challenge``.
* ``POST``: a delivery. Its ``X-Hub-Signature-256`` must be the HMAC-SHA256 of the raw body
  with one of the apps' secrets, or nothing is stored (403, logged). Each change is stored
  once as a :class:`MetaEvent` (unique stable key: a delivery Meta repeats, or an old one
  replayed, adds nothing) and processed by a task after the 200; a failure keeps the event
  with its error and :func:`retry_events` tries it again.

Processing: a comment on a Page's post (``feed``/``comment``) or on an Instagram media
(``comments``) becomes a *comment* item, an Instagram ``mentions`` change a *mention* item, a
Messenger message or an Instagram direct message (``object: instagram``, ``messaging``) a
*direct message* item (all messages of one person on one account share a ``thread``).
``remove``/``hide`` verbs close the stored item. Each item is a listening :class:`Mention`
(network, comment/message id) like every other inbox item.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from koers.core.crypto import DecryptionError, decrypt
from koers.engagement.models import (
    CloseReason,
    InboxItem,
    Kind,
    MetaEvent,
    MetaEventState,
    Origin,
    Reply,
    Status,
)
from koers.engagement.store import store_item
from koers.networks import meta_inbox as wire
from koers.networks.meta import GraphClient, _when
from koers.publishing.models import Channel, NetworkApp

logger = logging.getLogger(__name__)

MAX_EVENT_ATTEMPTS = 8
NETWORKS = ("facebook", "instagram")
#: Networks whose replies koers sends through this module.
REPLY_NETWORKS = (*NETWORKS, "whatsapp")
ACCOUNT_KEYS = {"facebook": "page_id", "instagram": "ig_user_id", "whatsapp": "phone_number_id"}


# ---------------------------------------------------------------------------------------------
# The endpoint
# ---------------------------------------------------------------------------------------------
def _apps() -> list[NetworkApp]:
    return list(NetworkApp.objects.filter(provider="meta"))


def _verify_tokens() -> list[str]:
    found = []
    for app in _apps():
        stored = (app.extra or {}).get("verify_token_enc")
        if stored:
            try:
                found.append(decrypt(stored))
            except DecryptionError:
                logger.warning("meta webhook: verify token of app %s can't be decrypted", app.pk)
    return found


def _secrets() -> list[str]:
    found = []
    for app in _apps():
        try:
            found.append(app.client_secret)
        except DecryptionError:
            logger.warning("meta webhook: secret of app %s can't be decrypted", app.pk)
    return found


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _handshake(request)
    body = request.body
    if not wire.signature_ok(body, request.headers.get("X-Hub-Signature-256", ""), _secrets()):
        logger.warning("meta webhook: refused a delivery with a bad or missing signature")
        return HttpResponse(status=403)
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    store(payload)
    return HttpResponse("EVENT_RECEIVED")


def _handshake(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("hub.mode", "")
    given = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    matched = False
    for token in _verify_tokens():
        matched |= hmac.compare_digest(token.encode(), given.encode())
    if mode != "subscribe" or not given or not matched:
        logger.warning("meta webhook: refused a subscription handshake")
        return HttpResponse(status=403)
    return HttpResponse(challenge, content_type="text/plain")


def store(payload: Any) -> list[int]:
    """Store each change once; returns the ids of the new events (queued after commit)."""
    new: list[int] = []
    for change in wire.changes(payload):
        try:
            with transaction.atomic():
                event = MetaEvent.objects.create(
                    key=change.key,
                    object_type=change.object_type[:40],
                    account_id=change.account_id[:100],
                    field=change.field[:40],
                    payload=change.value,
                )
        except IntegrityError:
            continue  # delivered before
        new.append(event.pk)
    for pk in new:
        transaction.on_commit(lambda pk=pk: _enqueue(pk))
    return new


def _enqueue(event_id: int) -> None:
    from koers.engagement.tasks import process_meta_event

    process_meta_event.enqueue(event_id)


# ---------------------------------------------------------------------------------------------
# Processing
# ---------------------------------------------------------------------------------------------
def process(event_id: int) -> str:
    """Process one stored event; a failure keeps it (state failed, error) for a later try."""
    taken = MetaEvent.objects.filter(
        pk=event_id, state__in=(MetaEventState.PENDING, MetaEventState.FAILED)
    ).update(attempts=F("attempts") + 1, state=MetaEventState.PENDING)
    if taken != 1:
        return "done-before"
    event = MetaEvent.objects.get(pk=event_id)
    try:
        with transaction.atomic():
            outcome = _handle(event)
            MetaEvent.objects.filter(pk=event.pk).update(
                state=MetaEventState.DONE, error="", processed_at=timezone.now()
            )
    except Exception as error:  # noqa: BLE001 - kept with its error, tried again
        logger.exception("meta event %s failed", event.pk)
        MetaEvent.objects.filter(pk=event.pk).update(
            state=MetaEventState.FAILED, error=str(error)[:500]
        )
        return "failed"
    return outcome


def retry_events(now: datetime | None = None) -> int:
    """Failed events (fewer than ``MAX_EVENT_ATTEMPTS`` tries) and pending ones whose task
    was lost are processed again."""
    now = now or timezone.now()
    todo = MetaEvent.objects.filter(
        Q(state=MetaEventState.FAILED, attempts__lt=MAX_EVENT_ATTEMPTS)
        | Q(state=MetaEventState.PENDING, received_at__lt=now - timedelta(minutes=5))
    ).order_by("received_at", "pk")
    count = 0
    for pk in list(todo.values_list("pk", flat=True)[:500]):
        process(pk)
        count += 1
    return count


def _channels(network: str, account_id: str) -> list[Channel]:
    """Every channel of the account, demo channels included: an event only stores inbox
    items (``koers demo`` feeds its Meta messages through here); replies, moderation and
    polling never use a demo channel."""
    key = ACCOUNT_KEYS[network]
    return list(
        Channel.objects.filter(network=network)
        .filter(Q(**{f"extra__{key}": account_id}) | Q(account_id=account_id))
        .select_related("workspace")
    )


def _handle(event: MetaEvent) -> str:
    value = event.payload
    if event.object_type == "page" and event.field == "feed":
        if value.get("item") != "comment":
            return "ignored"
        return _comment(event, "facebook", value)
    if event.object_type == "instagram" and event.field == "comments":
        return _comment(event, "instagram", value)
    if event.object_type == "instagram" and event.field == "mentions":
        return _ig_mention(event, value)
    if event.object_type == "page" and event.field == "messages":
        return _message(event, value, "facebook")
    if event.object_type == "instagram" and event.field == "messages":
        return _message(event, value, "instagram")
    if event.object_type == "whatsapp_business_account" and event.field == "messages":
        return _whatsapp(event, value)
    return "ignored"


def _time(value: Any) -> datetime:
    """Webhook times: Unix seconds, Unix milliseconds (Messenger) or Graph timestamps."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        if number > 10**11:
            number /= 1000
        return datetime.fromtimestamp(number, UTC)
    return _when(value) if value else timezone.now()


def _gone(network: str, remote_id: str, account_id: str, note: str) -> int:
    """Close the open items of a comment removed or hidden on the network."""
    closed = 0
    for channel in _channels(network, account_id):
        closed += InboxItem.objects.filter(
            workspace=channel.workspace,
            mention__network=network,
            mention__remote_id=remote_id,
            status=Status.OPEN,
        ).update(status=Status.CLOSED, close_reason=CloseReason.OTHER, close_note=note[:300])
    return closed


def _comment(event: MetaEvent, network: str, value: dict[str, Any]) -> str:
    comment_id = str(value.get("comment_id") or value.get("id") or "")
    sender = value.get("from") or {}
    if not comment_id:
        return "ignored"
    verb = str(value.get("verb") or "add")
    label = "Facebook" if network == "facebook" else "Instagram"
    if verb == "remove":
        _gone(
            network, comment_id, event.account_id, _("Removed on %(network)s.") % {"network": label}
        )
        return "removed"
    if verb == "hide":
        _gone(
            network, comment_id, event.account_id, _("Hidden on %(network)s.") % {"network": label}
        )
        return "hidden"
    if str(sender.get("id") or "") == event.account_id:
        return "own"  # the Page's own comment (a reply from koers, among others)
    if network == "facebook":
        text = str(value.get("message") or "")
        post_id = str(value.get("post_id") or "")
        url = f"https://www.facebook.com/{comment_id}"
    else:
        text = str(value.get("text") or "")
        post_id = str((value.get("media") or {}).get("id") or "")
        url = ""
    channels = _channels(network, event.account_id)
    for channel in channels:
        store_item(
            channel,
            network=network,
            remote_id=comment_id,
            text=text,
            author_id=str(sender.get("id") or ""),
            author_name=str(sender.get("name") or sender.get("username") or ""),
            published_at=_time(value.get("created_time") or event.received_at.isoformat()),
            kind=Kind.COMMENT,
            origin=Origin.REPLY,
            reply_to=post_id,
            url=url,
        )
    return "stored" if channels else "no-channel"


def _ig_mention(event: MetaEvent, value: dict[str, Any]) -> str:
    """Instagram sends only the ids: the text is read with the account's token."""
    comment_id = str(value.get("comment_id") or "")
    media_id = str(value.get("media_id") or "")
    channels = _channels("instagram", event.account_id)
    for channel in channels:
        graph = GraphClient(channel.endpoint, channel.secret, label="Instagram")
        if comment_id:
            fields = graph.get(
                event.account_id,
                fields=f"mentioned_comment.comment_id({comment_id}){{text,username,timestamp}}",
            ).get("mentioned_comment", {})
            remote_id = comment_id
        else:
            fields = graph.get(
                event.account_id,
                fields=f"mentioned_media.media_id({media_id}){{caption,username,timestamp}}",
            ).get("mentioned_media", {})
            remote_id = media_id
        store_item(
            channel,
            network="instagram",
            remote_id=remote_id,
            text=str(fields.get("text") or fields.get("caption") or ""),
            author_id=str(fields.get("username") or ""),
            author_name=str(fields.get("username") or ""),
            published_at=_time(fields.get("timestamp")),
            kind=Kind.MENTION,
            origin=Origin.ADDRESSED,
        )
    return "stored" if channels else "no-channel"


def _message(event: MetaEvent, value: dict[str, Any], network: str) -> str:
    """A Messenger message to a Page, or an Instagram direct message to a professional
    account (webhook ``messaging`` event, or the same shape from the polling fallback)."""
    message = value.get("message") or {}
    if message.get("is_echo"):
        return "own"
    sender_fields = value.get("sender") or {}
    sender = str(sender_fields.get("id") or "")
    mid = str(message.get("mid") or "")
    if not sender or not mid or sender == event.account_id:
        return "ignored"
    text = str(message.get("text") or "")
    if not text and message.get("attachments"):
        text = _("(an attachment)")
    channels = _channels(network, event.account_id)
    for channel in channels:
        store_item(
            channel,
            network=network,
            remote_id=mid,
            text=text,
            author_id=sender,
            author_name=str(sender_fields.get("username") or ""),
            published_at=_time(value.get("timestamp")),
            kind=Kind.DIRECT_MESSAGE,
            origin=Origin.ADDRESSED,
            thread=thread_key(event.account_id, sender, network),
        )
    return "stored" if channels else "no-channel"


def _whatsapp(event: MetaEvent, value: dict[str, Any]) -> str:
    """Cloud API ``messages``: the customer's messages (``statuses`` of our own messages are
    kept as events only, for the reply lookup)."""
    phone_number_id = str((value.get("metadata") or {}).get("phone_number_id") or "")
    names = {
        str(c.get("wa_id")): str((c.get("profile") or {}).get("name") or "")
        for c in value.get("contacts") or []
        if isinstance(c, dict)
    }
    messages = [m for m in value.get("messages") or [] if isinstance(m, dict)]
    if not messages:
        return "status" if value.get("statuses") else "ignored"
    channels = _channels("whatsapp", phone_number_id)
    for message in messages:
        sender = str(message.get("from") or "")
        if message.get("type") == "text":
            text = str((message.get("text") or {}).get("body") or "")
        else:
            text = _("(an attachment)")
        for channel in channels:
            store_item(
                channel,
                network="whatsapp",
                remote_id=str(message.get("id") or ""),
                text=text,
                author_id=sender,
                author_name=names.get(sender, ""),
                published_at=_time(message.get("timestamp")),
                kind=Kind.DIRECT_MESSAGE,
                origin=Origin.ADDRESSED,
                thread=f"whatsapp:{phone_number_id}:{sender}",
            )
    return "stored" if channels else "no-channel"


def _whatsapp_sent_since(channel: Channel) -> Any:
    phone_number_id = str((channel.extra or {}).get("phone_number_id") or channel.account_id)

    def sent_since(to: str, since: datetime) -> list[tuple[str, datetime]]:
        used = set(
            Reply.objects.filter(channel=channel)
            .exclude(remote_id="")
            .values_list("remote_id", flat=True)
        )
        found = []
        events = MetaEvent.objects.filter(
            object_type="whatsapp_business_account", field="messages", received_at__gte=since
        ).order_by("received_at", "pk")
        for event in events:
            value = event.payload
            if str((value.get("metadata") or {}).get("phone_number_id") or "") != phone_number_id:
                continue
            for status in value.get("statuses") or []:
                wamid = str(status.get("id") or "")
                if (
                    str(status.get("recipient_id") or "") == to
                    and status.get("status") in ("sent", "delivered", "read")
                    and wamid not in used
                    and _time(status.get("timestamp")) >= since
                ):
                    found.append((wamid, _time(status.get("timestamp"))))
                    used.add(wamid)
        return found

    return sent_since


def thread_key(account_id: str, sender: str, network: str = "facebook") -> str:
    """One conversation per person and account: ``messenger:<page id>:<psid>`` or
    ``instagram:<ig user id>:<igsid>``."""
    prefix = "messenger" if network == "facebook" else network
    return f"{prefix}:{account_id}:{sender}"


# ---------------------------------------------------------------------------------------------
# Replies (called by koers.engagement.replies for Meta channels)
# ---------------------------------------------------------------------------------------------
def is_meta(channel: Channel) -> bool:
    return channel.network in REPLY_NETWORKS


def reply_target(item: InboxItem) -> str:
    """The comment id, or for a direct message the person's page-scoped id."""
    if item.kind == Kind.DIRECT_MESSAGE:
        return item.mention.author_handle
    return item.mention.remote_id


def last_message_at(item: InboxItem) -> datetime:
    """When the person last wrote in the item's conversation (the messaging window's start)."""
    if not item.thread:
        return item.received_at
    latest = (
        InboxItem.objects.filter(workspace_id=item.workspace_id, thread=item.thread)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    return max(latest or item.received_at, item.received_at)


def window_refusal(item: InboxItem, now: datetime | None = None) -> str:
    """Why a direct message can't be answered any more (empty while it can)."""
    try:
        check_window(item, now)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def check_window(item: InboxItem, now: datetime | None = None) -> None:
    """A direct message can be answered only within 24 hours of the person's last message."""
    if item.kind != Kind.DIRECT_MESSAGE:
        return
    if (now or timezone.now()) - last_message_at(item) < wire.MESSAGING_WINDOW:
        return
    if item.mention.network == "whatsapp":
        raise ValidationError(
            _(
                "WhatsApp only allows a free reply within 24 hours of the customer's last "
                "message, and that time has passed. Answer when they write again."
            )
        )
    if item.mention.network == "instagram":
        raise ValidationError(
            _(
                "Instagram only allows a reply to a direct message within 24 hours of the "
                "person's last message, and that time has passed. Answer when they write again."
            )
        )
    raise ValidationError(
        _(
            "Messenger only allows a reply within 24 hours of the person's last message, "
            "and that time has passed. Answer when they write again."
        )
    )


def graph_for(channel: Channel) -> GraphClient:
    """The Graph API with the channel's (Page) token."""
    return GraphClient(
        channel.endpoint,
        channel.secret,
        label="Facebook" if channel.network == "facebook" else "Instagram",
    )


def replier_for(reply: Reply) -> wire.CommentReplier | wire.MessengerSender | wire.WhatsAppSender:
    channel = reply.channel
    item = reply.item
    if channel.network == "whatsapp":
        phone_number_id = str((channel.extra or {}).get("phone_number_id") or channel.account_id)
        return wire.WhatsAppSender(
            phone_number_id,
            GraphClient(channel.endpoint, channel.secret, label="WhatsApp"),
            last_message_at=last_message_at(item),
            sent_since=_whatsapp_sent_since(channel),
        )
    if item.kind == Kind.DIRECT_MESSAGE:
        key = ACCOUNT_KEYS[channel.network]
        account = str((channel.extra or {}).get(key) or channel.account_id)
        return wire.MessengerSender(
            account,
            graph_for(channel),
            last_message_at=last_message_at(item),
            network=channel.network,
        )
    return wire.CommentReplier(channel.network, graph_for(channel))


# ---------------------------------------------------------------------------------------------
# Polling fallback (installations Meta's webhooks can't reach; ``KOERS_META_POLL``)
# ---------------------------------------------------------------------------------------------
POLL_POSTS = 10
POLL_COMMENTS = 50


def poll(channel: Channel) -> int:
    """Read what the channel's webhooks would have brought: the recent comments of its recent
    posts and its recent direct messages (Messenger for a Page, Instagram's for an account).
    Each new one becomes an event like a webhook change and is processed; returns the new
    events."""
    new = _poll_comments(channel)
    if channel.network == "instagram":
        new += _poll_instagram_messages(channel)
    else:
        new += _poll_messenger_messages(channel)
    for pk in new:
        process(pk)
    return len(new)


def _poll_event(key: str, object_type: str, account: str, field: str, value: dict) -> int | None:
    """Store a polled change once; the id when it is new."""
    event, created = MetaEvent.objects.get_or_create(
        key=key[:300],
        defaults={
            "object_type": object_type,
            "account_id": account,
            "field": field,
            "payload": value,
        },
    )
    return event.pk if created else None


def _poll_comments(channel: Channel) -> list[int]:
    """Comments: key ``poll:…:<comment id>`` (stored once; a comment that also came by
    webhook is the same inbox item, by its comment id)."""
    graph = graph_for(channel)
    extra = channel.extra or {}
    if channel.network == "facebook":
        account = str(extra.get("page_id") or channel.account_id)
        posts = next(
            iter(graph.pages(f"{account}/published_posts", fields="id", limit=POLL_POSTS)), []
        )
        fields = "id,message,created_time,from"
    else:
        account = str(extra.get("ig_user_id") or channel.account_id)
        posts = next(iter(graph.pages(f"{account}/media", fields="id", limit=POLL_POSTS)), [])
        fields = "id,text,timestamp,username,from"
    object_type = "page" if channel.network == "facebook" else "instagram"
    field = "feed" if channel.network == "facebook" else "comments"
    new: list[int] = []
    for post in posts[:POLL_POSTS]:
        post_id = str(post.get("id") or "")
        comments = next(
            iter(graph.pages(f"{post_id}/comments", fields=fields, limit=POLL_COMMENTS)), []
        )
        for comment in comments:
            comment_id = str(comment.get("id") or "")
            sender = comment.get("from") or {}
            if channel.network == "facebook":
                value = {
                    "from": sender,
                    "message": comment.get("message") or "",
                    "post_id": post_id,
                    "comment_id": comment_id,
                    "created_time": comment.get("created_time"),
                    "item": "comment",
                    "verb": "add",
                }
            else:
                value = {
                    "from": {"id": sender.get("id", ""), "username": comment.get("username", "")},
                    "media": {"id": post_id},
                    "id": comment_id,
                    "text": comment.get("text") or "",
                    "created_time": comment.get("timestamp"),
                }
            key = f"poll:{object_type}:{account}:{comment_id}"
            pk = _poll_event(key, object_type, account, field, value)
            if pk is not None:
                new.append(pk)
    return new


def _poll_instagram_messages(channel: Channel) -> list[int]:
    """Instagram direct messages, stored under the key the webhook gives the same message
    (``instagram:<account>:messages:<mid>``): a message that came both ways is one event."""
    account = str((channel.extra or {}).get("ig_user_id") or channel.account_id)
    return _store_polled_messages(
        "instagram", account, wire.instagram_messages(graph_for(channel), account)
    )


def _poll_messenger_messages(channel: Channel) -> list[int]:
    """Messenger messages, stored under the key the webhook gives the same message
    (``page:<page id>:messages:<mid>``): a message that came both ways is one event. All pages
    of conversations are read before anything is stored, so a poll cut off by a rate limit
    stores none of them and the next poll reads them again."""
    account = str((channel.extra or {}).get("page_id") or channel.account_id)
    return _store_polled_messages(
        "page", account, wire.messenger_messages(graph_for(channel), account)
    )


def _store_polled_messages(obj: str, account: str, messages: list[wire.DirectMessage]) -> list[int]:
    """Polled direct messages as the webhook's ``messages`` change of ``obj`` would carry them,
    each stored once; returns the ids of the new events."""
    new: list[int] = []
    for message in messages:
        value: dict[str, Any] = {
            "sender": {"id": message.sender_id, "username": message.sender_name},
            "recipient": {"id": account},
            "timestamp": message.created_at.isoformat(),
            "message": {"mid": message.mid, "text": message.text},
        }
        if message.has_attachment:
            value["message"]["attachments"] = [{"type": "file"}]
        key = f"{obj}:{account}:{wire.change_key('messages', value)}"
        pk = _poll_event(key, obj, account, "messages", value)
        if pk is not None:
            new.append(pk)
    return new


def poll_all() -> int:
    """Every connected Facebook Page and Instagram account (not demo, not broken)."""
    from koers.networks.base import NetworkError

    total = 0
    for channel in Channel.objects.filter(network__in=NETWORKS, is_demo=False).select_related(
        "workspace"
    ):
        try:
            total += poll(channel)
        except (NetworkError, DecryptionError) as error:
            logger.warning("meta poll of channel %s: %s", channel.pk, error)
    return total
