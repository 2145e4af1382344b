"""Which listening mentions enter the inbox.

A mention enters when it addresses one of the workspace's own accounts (the handle of a
publishing channel on the same network) or replies to one of the workspace's published posts.
Listening never calls this module (apps depend downward): a periodic job reads new mentions by
the ingest cursor of :mod:`koers.listening.cursor` (kept in :class:`TriageCursor`), which never
skips a mention whose ingest transaction committed after a later one was read (ids are handed
out at insert, not at commit); such a mention is read again instead. Items are created with
``ignore_conflicts`` against the unique mention key, so a mention is never in the inbox twice,
however often triage reads it.

Mentions published more than ``MAX_AGE`` before triage sees them (an archive import, the first
run on an old installation) are left out: they can still be added by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from koers.core.actions import audit
from koers.core.models import Workspace
from koers.engagement import rules
from koers.engagement.models import InboxItem, InboxSettings, Origin, TriageCursor
from koers.listening import cursor as ingest_cursor
from koers.listening.models import Mention, Source
from koers.publishing.models import Channel, Delivery, DeliveryState

CURSOR = "mentions"
BATCH = 2000
MAX_AGE = timedelta(days=7)


def inbox_networks() -> tuple[str, ...]:
    """Networks whose adapters bring mentions into the inbox (declared capability)."""
    from koers.networks import catalog

    found = ((n, catalog.capabilities(n)) for n in catalog.networks())
    return tuple(n for n, c in found if c is not None and "mention" in c.inbox)


NETWORKS = inbox_networks()


@dataclass(frozen=True)
class Own:
    """A workspace's own handles per network."""

    handles: dict[str, set[str]]


def own_accounts(workspace_ids: set[int]) -> dict[int, Own]:
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    channels = Channel.objects.filter(workspace_id__in=workspace_ids, network__in=NETWORKS)
    fields = ("workspace_id", "network", "handle", "account", "account_id", "endpoint")
    for c in channels.only(*fields):
        host = rules.instance_address(c.endpoint)
        found[c.workspace_id][c.network] |= rules.own_handles(
            c.network, handle=c.handle, account=c.account, host=host, account_id=c.account_id
        )
    return {ws: Own(dict(by_network)) for ws, by_network in found.items()}


def _source_hosts(mentions: list[Mention]) -> dict[int, str]:
    ids = {m.source_id for m in mentions if m.source_id}
    hosts = {}
    for source in Source.objects.filter(pk__in=ids).only("pk", "config"):
        url = (source.config or {}).get("instance_url") or ""
        hosts[source.pk] = rules.instance_address(url)
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
                negative=m.sentiment == "negative",
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


def _unread(cursor: TriageCursor) -> QuerySet[Mention]:
    """The mentions ``cursor`` has not looked at, in id order."""
    if cursor.ingest_cursor is None:
        # Made before ingest cursors: once, everything after the old id watermark.
        return Mention.objects.filter(pk__gt=cursor.last_mention_id).order_by("pk")
    # Per workspace, so the (workspace, ingest_tx) index serves the read.
    workspaces = list(Workspace.objects.order_by().values_list("pk", flat=True))
    return ingest_cursor.since(
        Mention.objects.filter(workspace_id__in=workspaces), cursor.ingest_cursor
    )


def run(now: datetime | None = None) -> int:
    """Triage every mention stored since the cursor; returns the number of new items.

    The horizon is taken before reading, and the cursor moves to it only once everything up
    to it was read: what commits meanwhile is read next time. Each batch commits on its own
    (on SQLite a long transaction would hold up ingest); a run that finds the cursor moved by
    another run stops, leaving the rest to it.
    """
    now = now or timezone.now()
    start, _created = TriageCursor.objects.get_or_create(name=CURSOR)
    horizon = ingest_cursor.horizon()
    total = 0
    after = 0
    while True:
        with transaction.atomic():
            cursor = TriageCursor.objects.select_for_update().get(name=CURSOR)
            if (cursor.ingest_cursor, cursor.last_mention_id) != (
                start.ingest_cursor,
                start.last_mention_id,
            ):
                return total
            mentions = list(
                _unread(cursor)
                .filter(pk__gt=after)
                .only(
                    "pk", "workspace_id", "source_id", "network", "text", "mentioned",
                    "reply_to", "published_at", "sentiment",
                )[:BATCH]
            )  # fmt: skip
            if mentions:
                total += sum(triage_batch(mentions, now).values())
                after = mentions[-1].pk
            if len(mentions) < BATCH:
                cursor.ingest_cursor = horizon
                cursor.last_mention_id = max(cursor.last_mention_id, after)
                cursor.updated_at = now
                cursor.save(update_fields=["ingest_cursor", "last_mention_id", "updated_at"])
                return total
