"""X's answers mapped to koers' error classes (problem JSON, rate limits, access levels)."""

from __future__ import annotations

from typing import Any

import httpx

from koers.networks.base import (
    AuthError,
    NetworkError,
    PermanentError,
    RetryableError,
)

# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
from koers.networks.x.wire import (
    FEATURE_LEVELS,
    FEATURE_NAMES,
    LEVEL_NAMES,
    NETWORK,
)


class AccessLevelError(PermanentError):
    """The X app's access level does not include the endpoint a feature needs."""

    def __init__(self, message: str, *, feature: str, status: int | None = None) -> None:
        super().__init__(message, network=NETWORK, status=status)
        self.feature = feature
        self.needs = FEATURE_LEVELS.get(feature, "basic")


def access_statement(feature: str) -> str:
    """Plain words: which level ``feature`` needs, and what each level includes."""
    needs = LEVEL_NAMES[FEATURE_LEVELS.get(feature, "basic")]
    name = FEATURE_NAMES.get(feature, feature)
    return (
        f"The X app's access level does not include {name}; that needs the {needs} level or "
        "higher. Free: publishing only. Basic: also mentions, recent search and post "
        "metrics. Pro: also full-archive search."
    )


def _said(body: Any) -> str:
    """X's own words from a problem JSON or an ``errors`` list (no tokens in them)."""
    if not isinstance(body, dict):
        return ""
    parts = [str(body[key]) for key in ("detail", "title") if body.get(key)]
    for error in body.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            parts.append(str(error["message"]))
    if body.get("error_description"):
        parts.append(str(body["error_description"]))
    elif body.get("error") and isinstance(body["error"], str):
        parts.append(body["error"])
    return "; ".join(dict.fromkeys(parts))[:300]


def is_access_problem(status: int, body: Any) -> bool:
    """X's two ways of saying "not at your access level"."""
    if not isinstance(body, dict):
        return False
    if body.get("reason") == "client-not-enrolled":
        return True
    codes = [e.get("code") for e in body.get("errors") or [] if isinstance(e, dict)]
    return 453 in codes or (status == 403 and body.get("title") == "Client Forbidden")


def retry_after(headers: httpx.Headers, now: float) -> float | None:
    """Seconds until X lets us try again: the used-up window's reset, else ``Retry-After``."""
    resets = []
    if headers.get("x-user-limit-24hour-remaining") == "0":
        resets.append(headers.get("x-user-limit-24hour-reset"))
    if headers.get("x-app-limit-24hour-remaining") == "0":
        resets.append(headers.get("x-app-limit-24hour-reset"))
    resets.append(headers.get("x-rate-limit-reset"))
    for reset in resets:
        try:
            return max(1.0, float(str(reset)) - now)
        except (TypeError, ValueError):
            continue
    try:
        return max(1.0, float(headers.get("retry-after", "")))
    except ValueError:
        return None


def classify(response: httpx.Response, *, feature: str, now: float) -> NetworkError | None:
    """The error for an X answer, or ``None`` for a success."""
    status = response.status_code
    if status < 400:
        return None
    body = _body(response)
    said = _said(body) or f"HTTP {status}"
    if status == 429:
        wait = retry_after(response.headers, now)
        when = f" (again in {round(wait)} s)" if wait is not None else ""
        return RetryableError(
            f"X's rate limit is reached{when}: {said}",
            network=NETWORK,
            status=status,
            retry_after=wait,
        )
    if status >= 500:
        return RetryableError(f"X answered {status}: {said}", network=NETWORK, status=status)
    if status == 401:
        return AuthError(
            f"X refused the access: {said}. Reconnect the account.", network=NETWORK, status=status
        )
    if is_access_problem(status, body):
        return AccessLevelError(
            f"{access_statement(feature)} (X said: {said})", feature=feature, status=status
        )
    return PermanentError(f"X refused the request: {said}", network=NETWORK, status=status)


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
