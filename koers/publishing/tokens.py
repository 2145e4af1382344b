"""A channel's OAuth 2.0 tokens in the database (X and YouTube, whose access tokens live an
hour or two and are renewed on their own).

The access token is the channel's secret, the refresh token its refresh secret (both
encrypted); the access token's own expiry is kept in ``extra["access_expires_at"]``, since
the channel's ``expires_at`` — what the expiry warnings read — stays empty for a connection
that renews itself.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from koers.networks.base import Tokens
from koers.publishing.models import Channel


def stamp(moment: datetime | None) -> str:
    """An access token's expiry as ``extra["access_expires_at"]`` keeps it."""
    return moment.isoformat() if moment is not None else ""


def channel_tokens(channel: Channel) -> Tokens:
    kept = str(channel.extra.get("access_expires_at") or "")
    return Tokens(
        channel.secret,
        channel.refresh_token,
        datetime.fromisoformat(kept) if kept else None,
        tuple(channel.extra.get("scopes") or ()),
    )


def load_tokens(channel_id: int) -> Tokens | None:
    """The tokens as stored now (another worker may have renewed them), ``None`` when the
    channel is gone."""
    channel = Channel.objects.filter(pk=channel_id).first()
    return channel_tokens(channel) if channel is not None else None


@transaction.atomic
def save_tokens(channel_id: int, tokens: Tokens) -> None:
    """Store renewed tokens at once: where the network rotates the refresh token (X) the old
    one is dead from the moment it answered. A renewal without a refresh token (Google's)
    keeps the stored one."""
    channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
    if channel is None:
        return
    channel.set_secret(tokens.access_token)
    if tokens.refresh_token:
        channel.set_refresh_token(tokens.refresh_token)
    channel.extra = {**channel.extra, "access_expires_at": stamp(tokens.expires_at)}
    channel.save(update_fields=["secret_enc", "refresh_enc", "extra"])
