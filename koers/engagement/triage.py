"""Which listening mentions enter the inbox.

A mention enters when it addresses one of the workspace's own accounts (the handle of a
publishing channel on the same network) or replies to one of the workspace's published posts.
Listening never calls this module (apps depend downward): a periodic job walks new mentions by
an id watermark (:class:`TriageCursor`). Items are created with ``ignore_conflicts`` against the
unique mention key, so a mention is never in the inbox twice, however often triage runs.

Mentions are only looked at once they are ``SETTLE`` old: an ingest transaction that commits a
lower id after a higher one has been seen would otherwise be skipped for good. Mentions
published more than ``MAX_AGE`` before triage sees them (an archive import, the first run on an
old installation) are left out: they can still be added by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from koers.core.actions import audit
from koers.core.models import Workspace
from koers.engagement import rules
from koers.engagement.models import InboxItem, InboxSettings, Origin, TriageCursor
from koers.listening.models import Mention, Source
from koers.publishing.models import Channel, Delivery, DeliveryState

CURSOR = "mentions"
BATCH = 2000
SETTLE = timedelta(minutes=2)
MAX_AGE = timedelta(days=7)
NETWORKS = ("mastodon", "bluesky")


@dataclass(frozen=True)
class Own:
    """A workspace's own handles per network."""

    handles: dict[str, set[str]]


def own_accounts(workspace_ids: set[int]) -> dict[int, Own]:
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    channels = Channel.objects.filter(workspace_id__in=workspace_ids, network__in=NETWORKS)
    fields = ("workspace_id", "network", "handle", "account", "account_id", "endpoint")
    for c in channels.only(*fields):
        host = urlsplit(c.endpoint).hostname or ""
        found[c.workspace_id][c.network] |= rules.own_handles(
            c.network, handle=c.handle, account=c.account, host=host, account_id=c.account_id
        )
    return {ws: Own(dict(by_network)) for ws, by_network in found.items()}


def _source_hosts(mentions: list[Mention]) -> dict[int, str]:
    ids = {m.source_id for m in mentions if m.source_id}
    hosts = {}
    for source in Source.objects.filter(pk__in=ids).only("pk", "config"):
        url = (source.config or {}).get("instance_url") or ""
        hosts[source.pk] = urlsplit(url).hostname or ""
    return hosts


def _own_posts(mentions: list[Mention]) -> dict[tuple[int, str], int]:
    """(workspace, remote id) → delivery id of published posts the mentions reply to."""
    reply_ids = {m.reply_to for m in mentions if m.reply_to}
    if not reply_ids:
        return {}
    rows = Delivery.objects.filter(
        state=DeliveryState.PUBLISHED, remote_id__in=reply_ids
    ).values_list("workspace_id", "remote_id", "pk")
    return {(ws, remote): pk for ws, remote, pk in rows}


def classify(
    mention: Mention, own: Own | None, own_posts: dict[tuple[int, str], int], source_host: str
) -> tuple[str, int | None] | None:
    """(origin, replied-to delivery id) when the mention belongs in the inbox, else ``None``."""
    if mention.reply_to:
        delivery = own_posts.get((mention.workspace_id, mention.reply_to))
        if delivery is not None:
            return Origin.REPLY, delivery
    handles = own.handles.get(mention.network, set()) if own else set()
    if rules.addresses(mention.mentioned, mention.text, handles, source_host=source_host):
        return Origin.ADDRESSED, None
    return None


def _settings(workspace_ids: set[int]) -> dict[int, InboxSettings]:
    found = {
        s.workspace_id: s
        for s in InboxSettings.objects.filter(workspace_id__in=workspace_ids).select_related(
            "workspace"
        )
    }
    for workspace in Workspace.objects.filter(pk__in=workspace_ids - set(found)):
        found[workspace.pk] = InboxSettings.for_workspace(workspace)
    return found


def triage_batch(mentions: list[Mention], now: datetime) -> dict[int, int]:
    """Create inbox items for the mentions that need one; returns new items per workspace."""
    workspace_ids = {m.workspace_id for m in mentions}
    owns = own_accounts(workspace_ids)
    own_posts = _own_posts(mentions)
    hosts = _source_hosts(mentions)
    settings = _settings(workspace_ids)
    items = []
    for m in mentions:
        if m.published_at < now - MAX_AGE:
            continue
        found = classify(m, owns.get(m.workspace_id), own_posts, hosts.get(m.source_id, ""))
        if found is None:
            continue
        origin, delivery = found
        items.append(
            InboxItem(
                workspace_id=m.workspace_id,
                mention=m,
                origin=origin,
                replies_to_id=delivery,
                received_at=m.published_at,
                due_at=settings[m.workspace_id].due_at(m.published_at),
            )
        )
    before = set(
        InboxItem.objects.filter(mention__in=[i.mention_id for i in items]).values_list(
            "mention_id", flat=True
        )
    )
    InboxItem.objects.bulk_create(items, ignore_conflicts=True)
    created: dict[int, int] = defaultdict(int)
    for item in items:
        if item.mention_id not in before:
            created[item.workspace_id] += 1
    for workspace_id, count in created.items():
        audit(
            settings[workspace_id].workspace,
            None,
            "inbox.triage",
            f"{count} mention(s) added to the inbox",
            count=count,
        )
    return dict(created)


def run(now: datetime | None = None) -> int:
    """Triage every settled mention after the watermark; returns the number of new items."""
    now = now or timezone.now()
    TriageCursor.objects.get_or_create(name=CURSOR)
    total = 0
    while True:
        with transaction.atomic():
            cursor = TriageCursor.objects.select_for_update().get(name=CURSOR)
            fetched = list(
                Mention.objects.filter(pk__gt=cursor.last_mention_id)
                .order_by("pk")
                .only(
                    "pk", "workspace_id", "source_id", "network", "text", "mentioned",
                    "reply_to", "published_at", "ingested_at",
                )[:BATCH]
            )  # fmt: skip
            mentions = _settled_prefix(fetched, now - SETTLE)
            if not mentions:
                return total
            total += sum(triage_batch(mentions, now).values())
            cursor.last_mention_id = mentions[-1].pk
            cursor.updated_at = now
            cursor.save(update_fields=["last_mention_id", "updated_at"])
        if len(mentions) < BATCH:
            return total


def _settled_prefix(mentions: list[Mention], settled_before: datetime) -> list[Mention]:
    """The mentions up to the first one that is not settled yet: the watermark never passes
    a mention that triage has not looked at."""
    for index, mention in enumerate(mentions):
        if mention.ingested_at > settled_before:
            return mentions[:index]
    return mentions
