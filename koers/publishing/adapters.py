"""Build a network publisher for a stored channel (the only place credentials are decrypted).

Bluesky: the session string the SDK hands back after a login or token refresh is stored
encrypted on the channel, so a worker never logs in per post; the app password is only used
when the stored session can no longer be refreshed.
"""

from __future__ import annotations

import threading
from typing import Any

from koers.core.crypto import encrypt
from koers.networks.base import PollingSource, Publisher
from koers.publishing.models import Channel, Network

# Shorter than the adapters' defaults: a worker should not hang on one slow instance.
TIMEOUT_SECONDS = 20.0


def _session_saver(channel_id: int):  # noqa: ANN202 - a callback
    def save(session_string: str) -> None:
        Channel.objects.filter(pk=channel_id).update(session_enc=encrypt(session_string))

    return save


_cache = threading.local()
CACHE_SIZE = 256


def publisher_for(channel: Channel, *, timeout: float | None = None) -> Publisher:
    """A publisher for ``channel``, reused per thread while its credentials stay the same.

    Reuse keeps HTTP connections (and TLS contexts) alive across posts: building a new client
    per post costs more than sending the post.
    """
    timeout = timeout or TIMEOUT_SECONDS
    key = (channel.pk, channel.endpoint, channel.handle, channel.secret_enc, timeout)
    cache: dict = getattr(_cache, "publishers", None) or {}
    _cache.publishers = cache
    if key not in cache:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = _build(channel, timeout)
    return cache[key]


def _build(channel: Channel, timeout: float) -> Publisher:
    if channel.network == Network.MASTODON:
        from koers.networks.mastodon import MastodonPublisher

        return MastodonPublisher(channel.endpoint, channel.secret, timeout=timeout)
    if channel.network == Network.BLUESKY:
        from koers.networks.bluesky import BlueskyPublisher

        return BlueskyPublisher(bluesky_session(channel, timeout))
    if channel.network in (Network.FACEBOOK, Network.INSTAGRAM, Network.THREADS):
        return _meta(channel, timeout)
    if channel.network == Network.WHATSAPP:
        from koers.networks.meta_inbox import WhatsAppAccount

        extra = channel.extra or {}
        return WhatsAppAccount(
            channel.endpoint,
            str(extra.get("phone_number_id") or channel.account_id),
            str(extra.get("waba_id") or ""),
            channel.secret,
            timeout=timeout,
        )
    if channel.network == Network.X:
        from koers.publishing import xflow

        return xflow.publisher(channel, timeout=timeout)
    if channel.network == Network.LINKEDIN:
        from koers.networks.linkedin import LinkedInPublisher

        organization = str(channel.extra.get("organization") or channel.account_id)
        return LinkedInPublisher(
            channel.secret, organization, api_base=channel.endpoint, timeout=timeout
        )
    if channel.network == Network.YOUTUBE:
        from koers.publishing import youtube

        return youtube.publisher(channel, timeout=timeout)
    from koers.networks.webhook import WebhookPublisher

    return WebhookPublisher(channel.endpoint, channel.secret.encode(), timeout=timeout)


def _meta(channel: Channel, timeout: float) -> Publisher:
    from koers.networks import meta

    extra = channel.extra or {}
    if channel.network == Network.FACEBOOK:
        return meta.FacebookPublisher(
            channel.endpoint,
            str(extra.get("page_id") or channel.account_id),
            channel.secret,
            timeout=timeout,
        )
    if channel.network == Network.INSTAGRAM:
        return meta.InstagramPublisher(
            channel.endpoint,
            str(extra.get("ig_user_id") or channel.account_id),
            channel.secret,
            timeout=timeout,
        )
    return meta.ThreadsPublisher(
        channel.endpoint,
        str(extra.get("threads_user_id") or channel.account_id),
        channel.secret,
        timeout=timeout,
    )


def bluesky_session(channel: Channel, timeout: float) -> Any:
    """The channel's Bluesky session; a refreshed session string is stored on the channel."""
    from koers.networks.bluesky import BlueskySession

    return BlueskySession(
        channel.handle,
        channel.secret,
        service_url=channel.endpoint,
        session_string=channel.session,
        on_session_change=_session_saver(channel.pk),
        timeout=timeout,
    )


def hashtag_source(channel: Channel, tag: str, *, timeout: float = 10.0) -> PollingSource | None:
    """The newest posts with ``#tag`` on the channel's network, one page (``poll(None)``), or
    ``None`` for a network that can't search tags (webhooks)."""
    if channel.network == Network.MASTODON:
        from koers.networks.mastodon import MastodonSource

        return MastodonSource(
            channel.endpoint, channel.secret, hashtag=tag, max_pages=1, timeout=timeout
        )
    if channel.network == Network.BLUESKY:
        from koers.networks.bluesky import BlueskySearchSource

        return BlueskySearchSource(
            bluesky_session(channel, timeout), f"#{tag}", page_size=50, max_pages=1
        )
    if channel.network == Network.INSTAGRAM:
        return instagram_hashtag_source(channel, tag, max_pages=1, timeout=timeout)
    return None


def instagram_hashtag_source(
    channel: Channel,
    tag: str,
    *,
    edges: tuple[str, ...] = ("recent",),
    max_pages: int = 5,
    timeout: float = TIMEOUT_SECONDS,
) -> PollingSource:
    """Media with ``#tag`` read as the channel's Instagram account. Every poll spends the
    account's hashtag budget first (:func:`koers.listening.hashtag_budget.reserve`), so a
    31st hashtag in 7 days is refused before Meta is asked."""
    from koers.listening import hashtag_budget
    from koers.networks.meta import GraphClient
    from koers.networks.meta_listen import InstagramHashtagSource

    account = instagram_account_id(channel)

    def spend(name: str) -> None:
        hashtag_budget.reserve(account, name)

    return InstagramHashtagSource(
        GraphClient(channel.endpoint, channel.secret, label="Instagram", timeout=timeout),
        account,
        tag,
        edges=edges,
        before_query=spend,
        max_pages=max_pages,
    )


def instagram_account_id(channel: Channel) -> str:
    return str((channel.extra or {}).get("ig_user_id") or channel.account_id)
