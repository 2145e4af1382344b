"""Instagram and Facebook listening sources, read with a connected Instagram channel.

Two kinds of source (the wire format is :mod:`koers.networks.meta_listen`):

* ``instagram_hashtag``: recent and/or top media with one hashtag, read as the workspace's
  Instagram account (the one in ``config["channel_id"]``, else the first). Each poll spends
  Meta's hashtag budget through :mod:`koers.listening.hashtag_budget`; a source whose
  hashtag would be the account's 31st in 7 days is refused on the form.
* ``meta_tags``: media the Instagram account is tagged in and posts the linked Facebook
  Page is tagged in (stored as network "instagram" and "facebook").

Both go through the listening pipeline like every other source, and triage moves posts that
address an own account into the inbox. The listening app knows nothing of channels:
:func:`install` registers the builders and the quota at start-up.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from koers.listening import hashtag_budget
from koers.listening.models import Source, SourceKind
from koers.listening.sources import BUILDERS, QUOTAS, Quota
from koers.networks.base import AuthError, PollingSource
from koers.networks.meta import GraphClient
from koers.networks.meta_listen import HASHTAG_BUDGET, MetaTagsSource, normalise_tag
from koers.publishing.adapters import instagram_account_id, instagram_hashtag_source
from koers.publishing.models import Channel, Health, Network

TIMEOUT_SECONDS = 20.0


def instagram_channel(workspace_id: int, channel_id: object = None) -> Channel | None:
    channels = Channel.objects.filter(
        workspace_id=workspace_id, network=Network.INSTAGRAM, is_demo=False
    ).select_related("workspace")
    if channel_id:
        return channels.filter(pk=channel_id).first()
    return channels.order_by("pk").first()


def _channel(source: Source) -> Channel:
    channel = instagram_channel(source.workspace_id, source.config.get("channel_id"))
    if channel is None:
        raise AuthError(
            "No connected Instagram account in this workspace to read Instagram with; "
            "connect one first.",
            network="instagram",
        )
    return channel


def graph_for(channel: Channel) -> GraphClient:
    return GraphClient(channel.endpoint, channel.secret, label="Instagram", timeout=TIMEOUT_SECONDS)


def build_hashtag(source: Source) -> PollingSource:
    edges = tuple(str(source.config.get("edges") or "recent").split(","))
    return instagram_hashtag_source(
        _channel(source), str(source.config.get("hashtag") or ""), edges=edges
    )


def build_tags(source: Source) -> PollingSource:
    channel = _channel(source)
    return MetaTagsSource(
        graph_for(channel),
        instagram_account_id(channel),
        page_id=str((channel.extra or {}).get("page_id") or ""),
    )


# ---------------------------------------------------------------------------------------------
# The hashtag budget on the form and the sources page
# ---------------------------------------------------------------------------------------------
def budget_problem(source: Source) -> str | None:
    channel = instagram_channel(source.workspace_id, source.config.get("channel_id"))
    tag = normalise_tag(str(source.config.get("hashtag") or ""))
    if channel is None or not tag:
        return None
    if hashtag_budget.allows(instagram_account_id(channel), [tag]):
        return None
    return _(
        "%(account)s has searched %(limit)s hashtags in the last 7 days, Meta's limit; "
        "#%(tag)s would be one more. Use a hashtag already searched, or wait until one "
        "frees up."
    ) % {"account": channel.name, "limit": HASHTAG_BUDGET, "tag": tag}


def budget_note(source: Source) -> str:
    channel = instagram_channel(source.workspace_id, source.config.get("channel_id"))
    if channel is None:
        return _("Connect an Instagram professional account first: koers searches with it.")
    used = len(hashtag_budget.current(instagram_account_id(channel)).used)
    note = _("%(used)s of %(limit)s hashtags used in the last 7 days (%(account)s).") % {
        "used": used,
        "limit": HASHTAG_BUDGET,
        "account": channel.name,
    }
    if channel.health == Health.BROKEN:
        note += " " + _("The account needs to be reconnected.")
    return note


def install() -> None:
    BUILDERS[SourceKind.INSTAGRAM_HASHTAG] = build_hashtag
    BUILDERS[SourceKind.META_TAGS] = build_tags
    QUOTAS[SourceKind.INSTAGRAM_HASHTAG] = Quota(check=budget_problem, note=budget_note)
