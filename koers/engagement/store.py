"""Comments and messages that a network's webhook or poll brings (Meta, LinkedIn, YouTube)
become inbox items here: a mention of the workspace and its one inbox item, both made once
however often the same comment arrives."""

from __future__ import annotations

from datetime import datetime

from koers.engagement.models import InboxItem, InboxSettings
from koers.listening.models import Mention
from koers.listening.normalise import text_hash
from koers.publishing.models import Channel, Delivery, DeliveryState


def store_item(
    channel: Channel,
    *,
    network: str,
    remote_id: str,
    text: str,
    author_id: str,
    author_name: str,
    published_at: datetime,
    kind: str,
    origin: str,
    reply_to: str = "",
    thread: str = "",
    url: str = "",
) -> InboxItem:
    """The inbox item of one comment/message in ``channel``'s workspace (made once)."""
    workspace = channel.workspace
    mention, created = Mention.objects.get_or_create(
        workspace=workspace,
        network=network,
        remote_id=remote_id[:300],
        defaults={
            "url": url[:500],
            "author_handle": author_id[:200],
            "author_name": author_name[:200],
            "text": text,
            "text_hash": text_hash(text),
            "lang": "und",
            "sentiment": "neutral",
            "published_at": published_at,
            "reply_to": reply_to[:300],
        },
    )
    if not created and mention.text != text and text:
        mention.text, mention.text_hash = text, text_hash(text)
        mention.save(update_fields=["text", "text_hash"])
    delivery = None
    if reply_to:
        delivery = (
            Delivery.objects.filter(
                workspace=workspace, state=DeliveryState.PUBLISHED, remote_id=reply_to
            )
            .values_list("pk", flat=True)
            .first()
        )
    item, _new = InboxItem.objects.get_or_create(
        mention=mention,
        defaults={
            "workspace": workspace,
            "origin": origin,
            "kind": kind,
            "thread": thread[:200],
            "replies_to_id": delivery,
            "received_at": published_at,
            "due_at": InboxSettings.for_workspace(workspace).due_at(published_at),
        },
    )
    return item
