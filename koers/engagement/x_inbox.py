"""X mentions into the inbox, the way Mastodon's and Bluesky's get there.

Mentions of an own account reach the inbox through listening: a source's posts go through the
pipeline (stored when they match a topic) and triage (:mod:`koers.engagement.triage`) moves the
ones that address an own handle into the inbox. For X the source is made by koers: one
``x_mentions`` source per connected X account (``GET /2/users/:id/mentions``, Basic access
level and up), read with that channel's tokens. An ``x_search`` source (recent search, made by
a person on the sources page) reads with the tokens of the workspace's first X channel.

The listening app knows nothing of channels: :func:`install` registers the builders in
:data:`koers.listening.sources.BUILDERS` at start-up.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from koers.listening.models import Source, SourceKind
from koers.listening.sources import BUILDERS
from koers.networks.base import AuthError, PollingSource
from koers.networks.x import XMentionsSource, XSearchSource
from koers.publishing import xflow
from koers.publishing.models import Channel, Network

TIMEOUT_SECONDS = 20.0


def _channel(source: Source) -> Channel:
    channels = Channel.objects.filter(
        workspace_id=source.workspace_id, network=Network.X, is_demo=False
    ).select_related("workspace")
    wanted = source.config.get("channel_id")
    channel = channels.filter(pk=wanted).first() if wanted else channels.order_by("pk").first()
    if channel is None:
        raise AuthError(
            "No connected X account in this workspace to read X with; connect one first.",
            network="x",
        )
    return channel


def build_mentions(source: Source) -> PollingSource:
    channel = _channel(source)
    client = xflow.publisher(channel, timeout=TIMEOUT_SECONDS).client
    return XMentionsSource(client, channel.account_id or client.me()["id"])


def build_search(source: Source) -> PollingSource:
    client = xflow.publisher(_channel(source), timeout=TIMEOUT_SECONDS).client
    return XSearchSource(client, str(source.config.get("search") or ""))


def install() -> None:
    BUILDERS[SourceKind.X_MENTIONS] = build_mentions
    BUILDERS[SourceKind.X_SEARCH] = build_search


def ensure_mention_sources() -> int:
    """One ``x_mentions`` source per connected X account that has none yet; returns how many
    were made. Demo channels get none (their fake server is not always running)."""
    made = 0
    have = {
        (ws, (config or {}).get("channel_id"))
        for ws, config in Source.objects.filter(kind=SourceKind.X_MENTIONS).values_list(
            "workspace_id", "config"
        )
    }
    channels = Channel.objects.filter(network=Network.X, is_demo=False).select_related("workspace")
    for channel in channels:
        if (channel.workspace_id, channel.pk) in have:
            continue
        with translation.override(channel.workspace.language):
            name = _("X mentions of %(channel)s") % {"channel": channel.name[:60]}
        if Source.objects.filter(workspace_id=channel.workspace_id, name=name).exists():
            continue
        Source.objects.create(
            workspace_id=channel.workspace_id,
            name=name[:80],
            kind=SourceKind.X_MENTIONS,
            config={"channel_id": channel.pk},
            poll_every_seconds=300,
        )
        made += 1
    return made
