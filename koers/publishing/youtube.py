"""Connecting a YouTube channel: the Google :class:`~koers.publishing.connect.Flow`, and the
channel's tokens kept current.

The installation (or a workspace) registers its own Google Cloud OAuth client (type "Web
application", YouTube Data API v3 enabled) as a :class:`~koers.publishing.models.NetworkApp`
with provider ``google``. The person signs in with Google (PKCE, ``access_type=offline`` and
``prompt=consent``, so Google hands a refresh token every time) and the channel of that
Google account becomes a koers channel.

A Google access token lives an hour and is renewed on its own with the refresh token (which
does not rotate), so a channel's ``expires_at`` stays empty; the access token's own expiry is
kept in ``extra["access_expires_at"]``. A refresh Google refuses (``invalid_grant``: the
access was revoked, or a project in "Testing" status let the refresh token lapse after seven
days) breaks the channel with that reason.

``KOERS_YOUTUBE_URL`` puts sign-in, token and API on one other server (the fake).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_noop as N_

from koers.networks import youtube
from koers.networks.base import AuthError
from koers.publishing.connect import Account, AuthorizeRequest, Feature, Grant, register
from koers.publishing.models import Channel, Network, NetworkApp, Provider
from koers.publishing.oauth import Callback
from koers.publishing.tokens import channel_tokens, save_tokens, stamp

FEATURES = (
    Feature(
        key="publish",
        label=N_("Upload videos"),
        scopes=(youtube.SCOPE_UPLOAD, youtube.SCOPE_READONLY),
        explanation=N_(
            "koers uploads the videos you schedule to your channel, with their title, "
            "description, tags and publish time, and reads your channel's uploads and "
            "statistics so nothing goes up twice and Measure has the numbers. Every upload "
            "costs 1,600 of your Google Cloud project's 10,000 daily quota units."
        ),
    ),
    Feature(
        key="comments",
        label=N_("Read and answer comments"),
        scopes=(youtube.SCOPE_FORCE_SSL,),
        explanation=N_(
            "koers brings the comments on your videos into the inbox and posts your replies "
            "under them."
        ),
    ),
)


def oauth_base() -> str:
    return str(getattr(settings, "KOERS_YOUTUBE_URL", "") or "")


def authorize_url() -> str:
    base = oauth_base()
    return f"{base}/o/oauth2/v2/auth" if base else youtube.AUTHORIZE_URL


def token_url() -> str:
    base = oauth_base()
    return f"{base}/token" if base else youtube.TOKEN_URL


def api_url() -> str:
    return oauth_base() or youtube.API_URL


class GoogleFlow:
    provider = Provider.GOOGLE.value
    features = FEATURES

    def authorize(self, app: NetworkApp, features: set[str]) -> AuthorizeRequest:
        chosen = [f for f in FEATURES if f.key in features or f.key == "publish"]
        scopes = tuple(dict.fromkeys(scope for f in chosen for scope in f.scopes))
        return AuthorizeRequest(
            url=authorize_url(),
            scopes=scopes,
            pkce=True,
            # offline + consent: Google hands a refresh token on every connect, not only the
            # first (without it a reconnect would leave koers without one).
            params={
                "access_type": "offline",
                "prompt": "consent",
                "include_granted_scopes": "true",
            },
        )

    def exchange(self, app: NetworkApp, callback: Callback) -> Grant:
        tokens = youtube.exchange_code(
            callback.code,
            code_verifier=callback.code_verifier or "",
            redirect_uri=callback.redirect_uri,
            client_id=app.client_id,
            client_secret=app.client_secret,
            token_url=token_url(),
        )
        return Grant(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
            scopes=tokens.scopes,
        )

    def accounts(self, app: NetworkApp, grant: Grant) -> list[Account]:
        """The channel of the Google account that consented (``channels?mine=true``)."""
        auth = youtube.GoogleAuth(
            youtube.Tokens(grant.access_token, grant.refresh_token, grant.expires_at, grant.scopes),
            client_id=app.client_id,
            client_secret=app.client_secret,
            token_url=token_url(),
        )
        channel = youtube.YouTubeClient(auth, api_url=api_url()).my_channel()
        snippet = channel.get("snippet") or {}
        related = (channel.get("contentDetails") or {}).get("relatedPlaylists") or {}
        tokens = auth.tokens
        return [
            Account(
                network=Network.YOUTUBE.value,
                remote_id=str(channel["id"]),
                name=str(snippet.get("title") or channel["id"]),
                handle=str(snippet.get("customUrl") or channel["id"]),
                endpoint=api_url(),
                access_token=tokens.access_token,
                refresh_token=tokens.refresh_token,
                expires_at=None,  # renewed on its own: nothing to warn about
                extra={
                    "channel_id": str(channel["id"]),
                    "uploads_playlist": str(related.get("uploads") or ""),
                    "scopes": list(grant.scopes),
                    "token_url": token_url(),
                    "access_expires_at": stamp(tokens.expires_at),
                },
            )
        ]


FLOW = register(GoogleFlow())


def auth_for(channel: Channel) -> youtube.GoogleAuth:
    """The channel's Google tokens, renewed through the workspace's (or installation's) app."""
    app = NetworkApp.for_workspace(channel.workspace, Provider.GOOGLE)
    if app is None:
        raise AuthError(
            "No Google app is set up for this installation or workspace; register one under "
            "Settings → Developer apps, then reconnect.",
            network=youtube.NETWORK,
        )
    return youtube.GoogleAuth(
        channel_tokens(channel),
        client_id=app.client_id,
        client_secret=app.client_secret,
        token_url=str(channel.extra.get("token_url") or token_url()),
        on_token_change=lambda tokens: save_tokens(channel.pk, tokens),
    )


def publisher(channel: Channel, *, timeout: float) -> youtube.YouTubePublisher:
    return youtube.YouTubePublisher(
        auth_for(channel),
        channel_id=str(channel.extra.get("channel_id") or channel.account_id),
        api_url=channel.endpoint,
        timeout=timeout,
    )
