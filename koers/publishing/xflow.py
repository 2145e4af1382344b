"""Connecting an X account: the X :class:`~koers.publishing.connect.Flow`, and the channel's
tokens kept current.

The installation (or a workspace) registers its own X app (a confidential "Web App" with
OAuth 2.0) as a :class:`~koers.publishing.models.NetworkApp` with provider ``x``. Its
``extra`` may hold ``access_level`` (``free``, ``basic`` or ``pro``: what the self-hoster pays
X for; it sets the monthly post cap and what koers offers) and, for a test server or the
demo, ``api_url`` and ``web_url`` (X's own addresses by default).

The generic views (``/connect/x/start/`` and ``/connect/x/callback/``) drive :data:`FLOW`.

An X access token lives two hours and is renewed on its own (the refresh token has no fixed
end), so a channel's ``expires_at`` — what the expiry warnings read — stays empty; the access
token's own expiry is kept in ``extra["access_expires_at"]``.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from koers.core.outbound import TRANSLATORS
from koers.networks import x
from koers.networks.base import AuthError, NetworkError
from koers.publishing.connect import Account, AuthorizeRequest, Feature, Grant, register
from koers.publishing.models import Channel, Network, NetworkApp, Provider
from koers.publishing.oauth import Callback
from koers.publishing.tokens import channel_tokens, load_tokens, save_tokens, stamp

FEATURES = (
    Feature(
        key="publish",
        label=N_("Publish posts, threads, replies and quotes"),
        scopes=("tweet.read", "tweet.write", "users.read", "offline.access"),
        explanation=N_(
            "koers posts what you schedule, in your name, and reads your own posts to make "
            "sure nothing goes out twice. offline.access keeps the connection alive without "
            "asking you again every two hours."
        ),
    ),
    Feature(
        key="media",
        label=N_("Upload images and video"),
        scopes=("media.write",),
        explanation=N_("koers uploads the images and videos of your posts to X."),
    ),
)


def _api_url(app: NetworkApp) -> str:
    return str(app.extra.get("api_url") or x.API_URL).rstrip("/")


def _web_url(app: NetworkApp) -> str:
    return str(app.extra.get("web_url") or x.WEB_URL).rstrip("/")


class XFlow:
    provider = Provider.X.value
    features = FEATURES

    def authorize(self, app: NetworkApp, features: set[str]) -> AuthorizeRequest:
        chosen = [f for f in FEATURES if f.key in features or f.key == "publish"]
        scopes = tuple(dict.fromkeys(scope for f in chosen for scope in f.scopes))
        return AuthorizeRequest(url=f"{_web_url(app)}/i/oauth2/authorize", scopes=scopes, pkce=True)

    def exchange(self, app: NetworkApp, callback: Callback) -> Grant:
        tokens = x.exchange_code(
            callback.code,
            code_verifier=callback.code_verifier or "",
            redirect_uri=callback.redirect_uri,
            client_id=app.client_id,
            client_secret=app.client_secret,
            api_url=_api_url(app),
        )
        return Grant(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
            scopes=tokens.scopes,
        )

    def accounts(self, app: NetworkApp, grant: Grant) -> list[Account]:
        """The one account X authorised: the person who clicked "Authorize app"."""
        auth = x.XAuth(
            x.Tokens(grant.access_token, grant.refresh_token, grant.expires_at, grant.scopes),
            client_id=app.client_id,
            client_secret=app.client_secret,
            api_url=_api_url(app),
        )
        me = x.XClient(auth).me()
        tokens = auth.tokens  # a refresh on the way would have rotated them
        return [
            Account(
                network=Network.X.value,
                remote_id=str(me["id"]),
                name=str(me.get("name") or me.get("username") or ""),
                handle=str(me.get("username") or ""),
                endpoint=_api_url(app),
                access_token=tokens.access_token,
                refresh_token=tokens.refresh_token,
                expires_at=None,  # renewed on its own: nothing to warn about
                extra={
                    "scopes": list(grant.scopes),
                    "access_level": str(app.extra.get("access_level") or "free"),
                    "access_expires_at": stamp(tokens.expires_at),
                },
            )
        ]


FLOW = register(XFlow())
TRANSLATORS.append(lambda error: access_message(error))


def auth_for(channel: Channel) -> x.XAuth:
    """The channel's X tokens, refreshed through the workspace's (or installation's) X app."""
    app = NetworkApp.for_workspace(channel.workspace, Provider.X)
    if app is None:
        raise AuthError(
            "No X app is set up for this installation or workspace; register one under "
            "Settings → Developer apps, then reconnect.",
            network=x.NETWORK,
        )
    return x.XAuth(
        channel_tokens(channel),
        client_id=app.client_id,
        client_secret=app.client_secret,
        api_url=channel.endpoint,
        on_token_change=lambda tokens: save_tokens(channel.pk, tokens),
        reload=lambda: load_tokens(channel.pk),
    )


def publisher(channel: Channel, *, timeout: float) -> x.XPublisher:
    return x.XPublisher(
        auth_for(channel),
        user_id=channel.account_id or str(channel.extra.get("user_id") or ""),
        username=channel.handle,
        timeout=timeout,
    )


def access_level(channel: Channel) -> str:
    return str(channel.extra.get("access_level") or "free")


def access_message(error: NetworkError) -> str | None:
    """An access-level refusal in the reader's language: what the level lacks, what each has
    (``None`` for any other error; registered in ``koers.core.outbound.TRANSLATORS``)."""
    if not isinstance(error, x.AccessLevelError):
        return None
    return gettext(
        "Your X app's access level does not include %(feature)s; that needs the %(level)s "
        "level or higher. Free: publishing only. Basic: also mentions, recent search and post "
        "metrics. Pro: also full-archive search."
    ) % {
        "feature": gettext(x.FEATURE_NAMES.get(error.feature, error.feature)),
        "level": x.LEVEL_NAMES[error.needs],
    }


def feature_levels() -> list[tuple[str, str]]:
    """(feature, level it needs) for the settings page and the README's table."""
    return [
        (gettext(x.FEATURE_NAMES[key]), x.LEVEL_NAMES[level])
        for key, level in x.FEATURE_LEVELS.items()
    ]
