"""OAuth 2.0 tokens: the code exchange and the rotating refresh (:class:`XAuth`)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from koers.networks.base import (
    AuthError,
    PermanentError,
    RetryableError,
    Tokens,
)
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client
from koers.networks.x.errors import (
    _body,
    _said,
    classify,
)

# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------
from koers.networks.x.wire import (
    API_URL,
    NETWORK,
    REFRESH_MARGIN,
    SCOPES,
    TOKEN_PATH,
    WEB_URL,
)


def _tokens_from(body: Any, now: float) -> Tokens:
    if not isinstance(body, dict) or not body.get("access_token"):
        raise PermanentError("X's token answer had no access token.", network=NETWORK)
    return Tokens.from_answer(body, now)


def authorize_url(
    client_id: str, redirect_uri: str, state: str, code_challenge: str, *, base: str = WEB_URL
) -> str:
    """The consent page (``koers.publishing.oauth.start`` builds the same from its parts)."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(SCOPES),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{base}/i/oauth2/authorize?{urlencode(query)}"


def _token_request(
    http: httpx.Client,
    api_url: str,
    form: dict[str, str],
    client_id: str,
    client_secret: str,
    *,
    now: float,
) -> Tokens:
    """POST the token endpoint: Basic auth for a confidential client, ``client_id`` always."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if client_secret:
        pair = f"{client_id}:{client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    try:
        response = http.post(
            api_url + TOKEN_PATH,
            content=urlencode(form | {"client_id": client_id}),
            headers=headers,
        )
    except BlockedAddressError:
        raise OutboundBlockedError(httpx.URL(api_url).host, network=NETWORK) from None
    except httpx.HTTPError as error:
        raise RetryableError(
            f"X's token endpoint did not answer ({type(error).__name__}).", network=NETWORK
        ) from None
    if response.status_code >= 500 or response.status_code == 429:
        busy = classify(response, feature="publish", now=now)
        assert busy is not None
        raise busy
    if response.status_code >= 400:
        raise AuthError(
            f"X refused the sign-in: {_said(_body(response)) or response.status_code}. "
            "Reconnect the account.",
            network=NETWORK,
            status=response.status_code,
        )
    return _tokens_from(_body(response), now)


def exchange_code(
    code: str,
    *,
    code_verifier: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    api_url: str = API_URL,
    http: httpx.Client | None = None,
    clock: Callable[[], float] = time.time,
) -> Tokens:
    """Trade the callback's code (and the PKCE verifier) for the first token pair."""
    client = http or http_client(timeout=httpx.Timeout(20.0))
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    return _token_request(client, api_url, form, client_id, client_secret, now=clock())


class XAuth:
    """The account's tokens; refreshes them (rotating) and hands every new pair on at once.

    ``on_token_change(tokens)`` must store the pair before it returns (the old refresh token is
    dead from the moment X answered). ``reload()``, when given, returns the pair as stored now:
    when X refuses our refresh token because another worker already used it, the stored pair
    is the one that worker got, and it is used instead of breaking the channel.
    """

    def __init__(
        self,
        tokens: Tokens,
        *,
        client_id: str,
        client_secret: str = "",
        api_url: str = API_URL,
        on_token_change: Callable[[Tokens], None] | None = None,
        reload: Callable[[], Tokens | None] | None = None,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.tokens = tokens
        self.client_id = client_id
        self._client_secret = client_secret
        self.api_url = api_url.rstrip("/")
        self._on_token_change = on_token_change
        self._reload = reload
        self._http = http or http_client(timeout=httpx.Timeout(20.0))
        self._clock = clock

    def __repr__(self) -> str:
        return f"XAuth(client_id={self.client_id!r}, {self.tokens!r})"

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def access_token(self) -> str:
        expires = self.tokens.expires_at
        if expires is not None and expires - REFRESH_MARGIN <= self._now():
            self.refresh()
        return self.tokens.access_token

    def refresh(self) -> None:
        """Get a new pair with the refresh token; :class:`AuthError` when X refuses it."""
        stale = self.tokens
        if not stale.refresh_token:
            raise AuthError(
                "The X access expired and koers has no refresh token (offline.access was not "
                "granted). Reconnect the account.",
                network=NETWORK,
            )
        form = {"grant_type": "refresh_token", "refresh_token": stale.refresh_token}
        try:
            fresh = _token_request(
                self._http,
                self.api_url,
                form,
                self.client_id,
                self._client_secret,
                now=self._clock(),
            )
        except AuthError:
            stored = self._reload() if self._reload else None
            if stored is not None and stored.refresh_token != stale.refresh_token:
                self.tokens = stored  # another worker refreshed first; its pair is the live one
                return
            raise
        if fresh.refresh_token is None:  # X rotates; keep the old one if it ever does not
            fresh = Tokens(fresh.access_token, stale.refresh_token, fresh.expires_at, fresh.scopes)
        self.tokens = fresh
        if self._on_token_change is not None:
            self._on_token_change(fresh)
