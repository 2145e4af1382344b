"""The Meta inbox on the wire: webhook signatures and payloads, comment replies, Messenger,
Instagram direct messages and WhatsApp.

No Django here (the endpoint and the inbox items live in :mod:`koers.engagement.meta`).

* Webhook deliveries are signed: ``X-Hub-Signature-256: sha256=<hex>``, the HMAC-SHA256 of
  the raw body with the app secret (:func:`signature_ok`, constant-time).
* :func:`changes` splits a delivery into its changes, each with a stable ``key``: the same
  change delivered twice (Meta retries until it gets a 200) has the same key.
* Replies: a Facebook comment is answered with ``POST /{comment-id}/comments``, an Instagram
  comment with ``POST /{ig-comment-id}/replies``, a Messenger conversation with the Send API
  ``POST /{page-id}/messages`` (``messaging_type=RESPONSE``, only within 24 hours of the
  person's last message); an Instagram direct message the same way with ``POST
  /{ig-user-id}/messages`` (the Page token, the person's Instagram-scoped id). The Graph API
  has no idempotency key: a lost answer is an unknown outcome, resolved by listing the
  comment's replies (or the conversation's messages) since the attempt and matching the text.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from koers.networks.base import (
    LOOKUP_CLOCK_SKEW,
    AccountMetrics,
    ConnectionStatus,
    Limits,
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Problem,
    PublishResult,
    RetryableError,
)
from koers.networks.meta import (
    FACEBOOK_LIMITS,
    INSTAGRAM_LIMITS,
    GraphClient,
    _when,
    find_by_text,
    is_gone,
)
from koers.networks.text import grapheme_count

#: Messenger's standard messaging window: a Page may answer within 24 h of the last message.
MESSAGING_WINDOW = timedelta(hours=24)
MESSENGER_MAX_CHARS = 2000
#: Instagram direct messages: at most 1000 characters of text (Meta: "1000 bytes or less").
INSTAGRAM_DM_MAX_CHARS = 1000
#: How long a WhatsApp lookup waits for the message's status webhook before concluding the
#: message was not sent.
STATUS_WAIT = timedelta(minutes=10)


def signature_ok(body: bytes, header: str, secrets: Iterable[str]) -> bool:
    """True when ``header`` (``sha256=<hex>``) signs ``body`` with one of the app secrets."""
    prefix, _sep, given = (header or "").partition("=")
    if prefix != "sha256" or not given:
        return False
    ok = False
    for secret in secrets:
        if not secret:
            continue
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        ok |= hmac.compare_digest(expected, given.strip().lower())
    return ok


@dataclass(frozen=True)
class Change:
    """One change of a delivery: ``object_type`` (page, instagram, whatsapp_business_account),
    the account it is about (Page id / Instagram user id), the field and its value."""

    key: str
    object_type: str
    account_id: str
    field: str
    value: dict[str, Any]


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def change_key(field: str, value: dict[str, Any]) -> str:
    """Stable per change: the comment/message id, the verb, and the value's digest (an edit
    is a new change, the same edit delivered again is not)."""
    if field == "messages":
        mid = (value.get("message") or {}).get("mid") or value.get("id")
        if mid:
            return f"messages:{mid}"
        # WhatsApp: a change lists messages (or statuses), each with its own wamid.
        ids = [str(m.get("id")) for m in value.get("messages") or [] if isinstance(m, dict)]
        ids += [
            f"{m.get('id')}:{m.get('status')}"
            for m in value.get("statuses") or []
            if isinstance(m, dict)
        ]
        if ids:
            return f"messages:{','.join(sorted(ids))}"[:300]
    ident = value.get("comment_id") or value.get("id") or value.get("post_id") or ""
    verb = value.get("verb") or "add"
    return f"{field}:{ident}:{verb}:{_digest(value)}"[:300]


def changes(payload: Any) -> list[Change]:
    """Every change in a delivery (``entry[].changes[]`` and ``entry[].messaging[]``)."""
    if not isinstance(payload, dict):
        return []
    object_type = str(payload.get("object") or "")
    found: list[Change] = []
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        account = str(entry.get("id") or "")
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                continue
            field = str(change.get("field") or "")
            value = change["value"]
            key = f"{object_type}:{account}:{change_key(field, value)}"[:300]
            found.append(Change(key, object_type, account, field, value))
        for event in entry.get("messaging") or []:
            if not isinstance(event, dict) or not isinstance(event.get("message"), dict):
                continue
            key = f"{object_type}:{account}:{change_key('messages', event)}"[:300]
            found.append(Change(key, object_type, account, "messages", event))
    return found


class CommentReplier:
    """Answers comments on one Facebook Page or Instagram account (the Page's token)."""

    def __init__(self, network: str, graph: GraphClient) -> None:
        self.network = network
        self.graph = graph

    def limits(self) -> Limits:
        return FACEBOOK_LIMITS if self.network == "facebook" else INSTAGRAM_LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        most = self.limits().max_comment_chars or 8000
        if grapheme_count(post.text) > most:
            return [Problem("too_long", f"A comment can have at most {most} characters.")]
        if not post.text.strip():
            return [Problem("empty", "A reply needs text.")]
        return []

    def _edge(self) -> str:
        return "comments" if self.network == "facebook" else "replies"

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems or not post.in_reply_to:
            raise PermanentError(
                " ".join(p.message for p in problems) or "Nothing to reply to.",
                network=self.network,
            )
        answer = self.graph.post(
            f"{post.in_reply_to}/{self._edge()}", write=True, message=post.text
        )
        return PublishResult(remote_id=str(answer["id"]), url="", published_at=datetime.now(UTC))

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        text_field, time_field = (
            ("message", "created_time") if self.network == "facebook" else ("text", "timestamp")
        )
        pages = self.graph.pages(
            f"{post.in_reply_to}/{self._edge()}",
            fields=f"id,{text_field},{time_field}",
            limit=100,
        )
        return find_by_text(
            pages,
            post.text,
            since=since,
            exclude=exclude,
            text_field=text_field,
            time_field=time_field,
        )

    def hide(self, comment_id: str, hidden: bool = True) -> None:
        name = "is_hidden" if self.network == "facebook" else "hide"
        self.graph.call("POST", comment_id, data={name: "true" if hidden else "false"})

    def delete(self, comment_id: str) -> bool:
        """Delete the comment; False when it was gone already (error 100/33)."""
        try:
            self.graph.call("DELETE", comment_id)
        except PermanentError as error:
            if is_gone(error):
                return False
            raise
        return True

    def moderated(self, comment_id: str, action: str) -> bool:
        """Whether ``action`` (hide/delete) is done already — the lookup before a retry, as
        an earlier try may have reached Meta with its answer lost. Hide: the comment's
        ``is_hidden`` (Facebook) or ``hidden`` (Instagram). Delete: reading the comment is
        answered with error 100/33 (it no longer exists)."""
        field = "is_hidden" if self.network == "facebook" else "hidden"
        try:
            body = self.graph.get(comment_id, fields=f"id,{field}" if action == "hide" else "id")
        except PermanentError as error:
            if action == "delete" and is_gone(error):
                return True
            raise
        return action == "hide" and bool((body or {}).get(field))


class MessengerSender:
    """Answers one person in a Page's Messenger conversation (their page-scoped id) or, with
    ``network="instagram"``, in an Instagram professional account's direct messages (their
    Instagram-scoped id): the Send API ``POST /{account}/messages`` with the Page token, only
    within 24 hours of the person's last message."""

    def __init__(
        self,
        page_id: str,
        graph: GraphClient,
        *,
        last_message_at: datetime,
        network: str = "facebook",
    ) -> None:
        self.page_id = page_id
        self.graph = graph
        self.last_message_at = last_message_at
        self.network = network

    @property
    def _product(self) -> str:
        return "Messenger" if self.network == "facebook" else "Instagram"

    @property
    def _max_chars(self) -> int:
        return MESSENGER_MAX_CHARS if self.network == "facebook" else INSTAGRAM_DM_MAX_CHARS

    def window_open(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) - self.last_message_at < MESSAGING_WINDOW

    def limits(self) -> Limits:
        return FACEBOOK_LIMITS if self.network == "facebook" else INSTAGRAM_LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        if grapheme_count(post.text) > self._max_chars:
            return [
                Problem("too_long", f"A message can have at most {self._max_chars} characters.")
            ]
        return []

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        if not self.window_open():
            raise PermanentError(
                f"{self._product} allows a reply only within 24 hours of the person's last "
                "message.",
                network=self.network,
            )
        answer = self.graph.post(
            f"{self.page_id}/messages",
            write=True,
            recipient=json.dumps({"id": post.in_reply_to}),
            messaging_type="RESPONSE",
            message=json.dumps({"text": post.text}),
        )
        return PublishResult(
            remote_id=str(answer.get("message_id") or ""), url="", published_at=datetime.now(UTC)
        )

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        """The account's own messages in the conversation with the person since the attempt."""
        body = self.graph.get(
            f"{self.page_id}/conversations",
            platform="messenger" if self.network == "facebook" else "instagram",
            user_id=post.in_reply_to,
            fields="messages.limit(50){id,message,created_time,from}",
        )
        conversations = [
            list((conversation.get("messages") or {}).get("data") or [])
            for conversation in (body or {}).get("data") or []
        ]
        return find_by_text(
            conversations,
            post.text,
            since=since,
            exclude=exclude,
            text_field="message",
            time_field="created_time",
            accept=lambda m: str((m.get("from") or {}).get("id") or "") == self.page_id,
        )


@dataclass(frozen=True)
class DirectMessage:
    """One message a person sent to the account (read by the polling fallback)."""

    mid: str
    sender_id: str
    sender_name: str
    text: str
    created_at: datetime
    has_attachment: bool = False


def instagram_messages(
    graph: GraphClient, ig_user_id: str, *, conversations: int = 25, per_conversation: int = 20
) -> list[DirectMessage]:
    """The people's messages in the account's most recent Instagram conversations
    (``GET /{ig-user-id}/conversations?platform=instagram`` with their ``messages``; Meta
    returns the 20 newest messages of a conversation), oldest first. The account's own
    messages are left out."""
    body = graph.get(
        f"{ig_user_id}/conversations",
        platform="instagram",
        limit=conversations,
        fields=(
            f"id,updated_time,messages.limit({per_conversation})"
            "{id,created_time,from,to,message,attachments}"
        ),
    )
    found = _direct_messages((body or {}).get("data") or [], ig_user_id, name_field="username")
    return sorted(found, key=lambda m: m.created_at)


def messenger_messages(
    graph: GraphClient,
    page_id: str,
    *,
    conversations: int = 25,
    per_conversation: int = 20,
    max_pages: int = 4,
) -> list[DirectMessage]:
    """The people's messages in the Page's most recent Messenger conversations
    (``GET /{page-id}/conversations?platform=messenger`` with their ``messages``, following the
    cursors for at most ``max_pages`` pages), oldest first; the Page's own are left out. Every
    page is read before anything is returned, so a failure halfway returns nothing."""
    found: list[DirectMessage] = []
    pages = graph.pages(
        f"{page_id}/conversations",
        max_pages=max_pages + 1,
        platform="messenger",
        limit=conversations,
        fields=(
            f"participants,updated_time,messages.limit({per_conversation})"
            "{id,message,from,created_time,attachments}"
        ),
    )
    for page in itertools.islice(pages, max_pages):
        found += _direct_messages(page, page_id, name_field="name")
    return sorted(found, key=lambda m: m.created_at)


def _direct_messages(
    conversations: list[dict[str, Any]], own_id: str, *, name_field: str
) -> list[DirectMessage]:
    """The people's messages in ``conversations`` (each with its ``messages.data``), the
    account's own (``own_id``) left out; Instagram names the sender ``username``, Messenger
    ``name``."""
    found: list[DirectMessage] = []
    for conversation in conversations:
        for message in (conversation.get("messages") or {}).get("data") or []:
            sender = message.get("from") or {}
            sender_id = str(sender.get("id") or "")
            if not sender_id or sender_id == own_id or not message.get("id"):
                continue
            found.append(
                DirectMessage(
                    mid=str(message["id"]),
                    sender_id=sender_id,
                    sender_name=str(sender.get(name_field) or ""),
                    text=str(message.get("message") or ""),
                    created_at=_when(message.get("created_time")),
                    has_attachment=bool((message.get("attachments") or {}).get("data")),
                )
            )
    return found


class WhatsAppSender:
    """Answers one person (their WhatsApp id) from a business phone number (Cloud API), within
    the 24-hour customer-service window. The Cloud API can't list sent messages: a lost answer
    is looked up in the ``statuses`` webhooks koers received for that person since the attempt
    (``sent_since``)."""

    network = "whatsapp"

    def __init__(
        self,
        phone_number_id: str,
        graph: GraphClient,
        *,
        last_message_at: datetime,
        sent_since: Any = None,
    ) -> None:
        self.phone_number_id = phone_number_id
        self.graph = graph
        self.last_message_at = last_message_at
        self.sent_since = sent_since

    def limits(self) -> Limits:
        return FACEBOOK_LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        if grapheme_count(post.text) > 4096:
            return [Problem("too_long", "A WhatsApp message can have at most 4096 characters.")]
        return []

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        if datetime.now(UTC) - self.last_message_at >= MESSAGING_WINDOW:
            raise PermanentError(
                "WhatsApp allows a free-form reply only within 24 hours of the customer's "
                "last message.",
                network=self.network,
            )
        answer = self.graph.post(
            f"{self.phone_number_id}/messages",
            write=True,
            messaging_product="whatsapp",
            recipient_type="individual",
            to=post.in_reply_to,
            type="text",
            text=json.dumps({"body": post.text}),
        )
        messages = answer.get("messages") or [{}]
        return PublishResult(
            remote_id=str(messages[0].get("id") or ""), url="", published_at=datetime.now(UTC)
        )

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        if self.sent_since is None:
            return None
        for wamid, at in self.sent_since(post.in_reply_to, since - LOOKUP_CLOCK_SKEW):
            if wamid not in exclude:
                return PublishResult(remote_id=wamid, url="", published_at=at)
        if datetime.now(UTC) - since < STATUS_WAIT:
            # Meta sends a "sent" status within seconds; until it had time, don't resend.
            raise RetryableError(
                "Waiting for WhatsApp to report whether the message went out.",
                network=self.network,
            )
        return None


WHATSAPP_MAX_CHARS = 4096
WHATSAPP_LIMITS = Limits(
    max_chars=WHATSAPP_MAX_CHARS, url_length=None, max_images=0, max_image_bytes=0
)
NOT_PUBLISHED = "A WhatsApp channel answers messages in the inbox; koers publishes no posts on it."


@dataclass(frozen=True)
class WhatsAppNumber:
    """A business phone number as the Cloud API describes it."""

    phone_number_id: str
    display_phone_number: str
    verified_name: str
    quality_rating: str


class WhatsAppAccount:
    """A WhatsApp Business phone number (Cloud API) reached with a system-user token.

    It publishes nothing (replies go through :class:`WhatsAppSender`); it is what the channel
    pages and the hourly check ask: :meth:`check_connection` reads the number
    (``GET /{phone-number-id}?fields=display_phone_number,verified_name,quality_rating``) and
    confirms it belongs to the WhatsApp Business Account (``GET /{waba-id}/phone_numbers``)."""

    network = "whatsapp"

    def __init__(
        self,
        graph_url: str,
        phone_number_id: str,
        waba_id: str,
        token: str,
        *,
        timeout: float = 30.0,
    ) -> None:
        self.phone_number_id = phone_number_id
        self.waba_id = waba_id
        self.graph = GraphClient(graph_url, token, label="WhatsApp", timeout=timeout)

    def number(self) -> WhatsAppNumber:
        body = self.graph.get(
            self.phone_number_id, fields="display_phone_number,verified_name,quality_rating"
        )
        if self.waba_id:
            owned = {
                str(entry.get("id"))
                for page in self.graph.pages(
                    f"{self.waba_id}/phone_numbers", max_pages=5, fields="id", limit=100
                )
                for entry in page
            }
            if self.phone_number_id not in owned:
                raise PermanentError(
                    "WhatsApp: this phone number does not belong to that WhatsApp Business "
                    "Account.",
                    network=self.network,
                )
        return WhatsAppNumber(
            phone_number_id=str(body.get("id") or self.phone_number_id),
            display_phone_number=str(body.get("display_phone_number") or ""),
            verified_name=str(body.get("verified_name") or ""),
            quality_rating=str(body.get("quality_rating") or ""),
        )

    def check_connection(self) -> ConnectionStatus:
        try:
            found = self.number()
        except NetworkError as error:
            return ConnectionStatus(ok=False, reason=error.message)
        name = found.verified_name or found.display_phone_number
        shown = f"{name} ({found.display_phone_number})" if found.verified_name else name
        return ConnectionStatus(ok=True, account=shown, account_id=found.phone_number_id)

    def limits(self) -> Limits:
        return WHATSAPP_LIMITS

    def validate(self, post: OutgoingPost) -> list[Problem]:
        return [Problem("not_published", NOT_PUBLISHED)]

    def publish(self, post: OutgoingPost, idempotency_key: str) -> PublishResult:
        raise PermanentError(NOT_PUBLISHED, network=self.network)

    def lookup(
        self,
        idempotency_key: str,
        post: OutgoingPost,
        *,
        since: datetime,
        exclude: frozenset[str] = frozenset(),
    ) -> PublishResult | None:
        return None

    def delete(self, remote_id: str) -> None:
        return None

    def fetch_post_metrics(self, remote_ids: Iterable[str]) -> list[PostMetrics]:
        return []

    def fetch_account_metrics(self) -> AccountMetrics:
        return AccountMetrics(followers=None, following=None, posts=None)
