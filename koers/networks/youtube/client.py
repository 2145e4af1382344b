"""Google's errors, tokens and the authorised YouTube client."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from koers.networks.base import (
    AuthError,
    NetworkError,
    PermanentError,
    RetryableError,
    Tokens,
    UnknownOutcomeError,
)
from koers.networks.safety import BlockedAddressError, OutboundBlockedError, http_client
from koers.networks.youtube.wire import (
    API_URL,
    DAILY_QUOTA_UNITS,
    NETWORK,
    QUOTA_ZONE,
    REFRESH_MARGIN,
    TOKEN_URL,
    UPLOAD_COST_UNITS,
)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
class QuotaError(RetryableError):
    """The Google Cloud project's daily quota is used up; it comes back at midnight Pacific."""


class RevokedError(AuthError):
    """Google refused the refresh token (``invalid_grant``): access revoked or expired."""


class ProcessingError(PermanentError):
    """YouTube could not process the uploaded video (``failed``/``rejected``)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, network=NETWORK)
        self.reason = reason


def body_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_reason(body: Any) -> tuple[str, str]:
    """(first ``errors[].reason``, ``message``) of a Google error body; empty when absent."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return "", ""
    error = body["error"]
    errors = error.get("errors") or [{}]
    first = errors[0] if isinstance(errors[0], dict) else {}
    return str(first.get("reason") or ""), str(error.get("message") or "")[:300]


def seconds_to_quota_reset(now: datetime) -> float:
    """Seconds until midnight Pacific time, when Google restores the daily quota."""
    local = now.astimezone(QUOTA_ZONE)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60.0, (midnight - local).total_seconds())


def classify(response: httpx.Response, *, now: datetime | None = None) -> NetworkError | None:
    """A Google error answer → koers' error; ``None`` for a success."""
    status = response.status_code
    if status < 400:
        return None
    reason, message = error_reason(body_of(response))
    said = f"{reason}: {message}" if reason and message else (reason or message or f"HTTP {status}")
    if status == 401:
        return AuthError(
            f"YouTube: the access token is not valid; reconnect the channel ({said}).",
            network=NETWORK,
            status=401,
        )
    if status == 403 and reason in ("quotaExceeded", "dailyLimitExceeded"):
        return QuotaError(
            f"YouTube: the Google Cloud project's daily quota ({DAILY_QUOTA_UNITS:,} units; an "
            f"upload costs {UPLOAD_COST_UNITS:,}) is used up; it comes back at midnight "
            "Pacific time.",
            network=NETWORK,
            status=403,
            retry_after=seconds_to_quota_reset(now or datetime.now(UTC)),
        )
    if status == 429 or reason in ("rateLimitExceeded", "userRateLimitExceeded"):
        header = response.headers.get("retry-after", "").strip()
        return RetryableError(
            "YouTube rate limit reached.",
            network=NETWORK,
            status=status,
            retry_after=float(header) if header.isdigit() else None,
        )
    if status >= 500:
        return RetryableError(
            f"YouTube is unavailable (HTTP {status}).", network=NETWORK, status=status
        )
    if status == 403 and reason in (
        "forbidden",
        "insufficientPermissions",
        "youtubeSignupRequired",
    ):
        return AuthError(
            "YouTube refused this: the connection lacks a permission or the account has no "
            f"channel ({said}).",
            network=NETWORK,
            status=403,
        )
    return PermanentError(f"YouTube refused the request: {said}.", network=NETWORK, status=status)


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------
def _token_request(
    http: httpx.Client, token_url: str, form: dict[str, str], *, now: float
) -> Tokens:
    try:
        response = http.post(token_url, data=form)
    except BlockedAddressError:
        raise OutboundBlockedError(httpx.URL(token_url).host, network=NETWORK) from None
    except httpx.HTTPError as error:
        raise RetryableError(
            f"Google's token endpoint did not answer ({type(error).__name__}).", network=NETWORK
        ) from None
    body = body_of(response)
    if response.status_code >= 500 or response.status_code == 429:
        raise RetryableError(
            f"Google's token endpoint is unavailable (HTTP {response.status_code}).",
            network=NETWORK,
            status=response.status_code,
        )
    if response.status_code >= 400 or not isinstance(body, dict) or not body.get("access_token"):
        code = str((body or {}).get("error") or "") if isinstance(body, dict) else ""
        said = str((body or {}).get("error_description") or code or response.status_code)
        if code == "invalid_grant":
            raise RevokedError(
                f"Google: the access to the YouTube channel was revoked or has expired "
                f"({said[:200]}); reconnect the channel.",
                network=NETWORK,
                status=response.status_code,
            )
        raise AuthError(
            f"Google refused the sign-in: {said[:200]}. Reconnect the channel.",
            network=NETWORK,
            status=response.status_code,
        )
    return Tokens.from_answer(body, now)


def exchange_code(
    code: str,
    *,
    code_verifier: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    token_url: str = TOKEN_URL,
    http: httpx.Client | None = None,
    clock: Callable[[], float] = time.time,
) -> Tokens:
    """Trade the callback's code (and the PKCE verifier) for the first tokens."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": code_verifier,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    return _token_request(
        http or http_client(timeout=httpx.Timeout(20.0)), token_url, form, now=clock()
    )


class GoogleAuth:
    """The channel's tokens; renews the access token and hands every new one on at once.

    Google's refresh token does not rotate: the answer to a refresh carries only a new access
    token, and the refresh token stays the one stored.
    """

    def __init__(
        self,
        tokens: Tokens,
        *,
        client_id: str,
        client_secret: str = "",
        token_url: str = TOKEN_URL,
        on_token_change: Callable[[Tokens], None] | None = None,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.tokens = tokens
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self._on_token_change = on_token_change
        self._http = http or http_client(timeout=httpx.Timeout(20.0))
        self._clock = clock

    def __repr__(self) -> str:
        return f"GoogleAuth(client_id={self.client_id!r}, {self.tokens!r})"

    def access_token(self) -> str:
        expires = self.tokens.expires_at
        if expires is not None and expires - REFRESH_MARGIN <= datetime.fromtimestamp(
            self._clock(), UTC
        ):
            self.refresh()
        return self.tokens.access_token

    def refresh(self) -> None:
        """A new access token from the refresh token; :class:`RevokedError` when refused."""
        stale = self.tokens
        if not stale.refresh_token:
            raise AuthError(
                "The YouTube access expired and koers has no refresh token; reconnect the channel.",
                network=NETWORK,
            )
        form = {
            "grant_type": "refresh_token",
            "refresh_token": stale.refresh_token,
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }
        fresh = _token_request(self._http, self.token_url, form, now=self._clock())
        fresh = Tokens(
            fresh.access_token,
            fresh.refresh_token or stale.refresh_token,
            fresh.expires_at,
            fresh.scopes or stale.scopes,
        )
        self.tokens = fresh
        if self._on_token_change is not None:
            self._on_token_change(fresh)


# ---------------------------------------------------------------------------------------------
# The API client
# ---------------------------------------------------------------------------------------------
class YouTubeClient:
    """Authorised requests to the YouTube Data API with the error contract of ``base``."""

    def __init__(
        self,
        auth: GoogleAuth,
        *,
        api_url: str = API_URL,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        self.auth = auth
        self.api_url = api_url.rstrip("/")
        self._host = httpx.URL(self.api_url).host
        self._http = http or http_client(timeout=httpx.Timeout(timeout))

    def __repr__(self) -> str:
        return f"YouTubeClient({self.api_url!r})"

    def send(
        self,
        method: str,
        path_or_url: str,
        *,
        write: bool = False,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        accept: tuple[int, ...] = (),
        _again: bool = True,
    ) -> httpx.Response:
        """The raw answer (statuses in ``accept`` are not errors: the upload's 308)."""
        url = path_or_url if "://" in path_or_url else self.api_url + path_or_url
        sent = {"Authorization": f"Bearer {self.auth.access_token()}", **(headers or {})}
        try:
            response = self._http.request(
                method, url, params=params, json=json, content=content, headers=sent
            )
        except BlockedAddressError:
            raise OutboundBlockedError(self._host, network=NETWORK) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise RetryableError(
                f"Could not reach YouTube at {self._host}.", network=NETWORK
            ) from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as error:
            if write:
                raise UnknownOutcomeError(
                    f"No answer from YouTube after sending ({type(error).__name__}).",
                    network=NETWORK,
                ) from None
            raise RetryableError(
                f"No answer from YouTube ({type(error).__name__}).", network=NETWORK
            ) from None
        except httpx.HTTPError as error:
            raise RetryableError(
                f"YouTube failed ({type(error).__name__}).", network=NETWORK
            ) from None
        if response.status_code == 401 and _again:
            self.auth.refresh()  # the token died early: one refresh, one retry
            return self.send(
                method,
                path_or_url,
                write=write,
                params=params,
                json=json,
                content=content,
                headers=headers,
                accept=accept,
                _again=False,
            )
        if response.status_code in accept:
            return response
        problem = classify(response)
        if problem is not None:
            raise problem
        return response

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        body = body_of(self.send("GET", path, params=params))
        return body if isinstance(body, dict) else {}

    def pages(
        self, path: str, params: dict[str, Any], *, max_pages: int
    ) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """(``items``, whether a next page exists) per page, following ``nextPageToken``."""
        token = ""
        for _page in range(max_pages):
            body = self.get(path, params | ({"pageToken": token} if token else {}))
            token = str(body.get("nextPageToken") or "")
            yield list(body.get("items") or []), bool(token)
            if not token:
                return

    def my_channel(self) -> dict[str, Any]:
        """The authorised account's channel (``channels?mine=true``)."""
        body = self.get(
            "/youtube/v3/channels",
            {"part": "snippet,contentDetails,statistics", "mine": "true"},
        )
        items = body.get("items") or []
        if not items:
            raise AuthError(
                "This Google account has no YouTube channel; create one on YouTube first.",
                network=NETWORK,
            )
        return dict(items[0])
