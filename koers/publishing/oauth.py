"""The OAuth 2.0 authorization-code dance every OAuth network shares (Meta, LinkedIn, X, Google).

A provider-specific view calls :func:`start` to send the person to the network's consent page
and :func:`finish` in the callback to get the code back, checked against the state kept in the
person's session (one use, ten minutes, bound to the workspace it started from). PKCE (RFC
7636, S256) is added when the provider asks for it (X requires it). The token exchange itself
belongs to each network's adapter module; this module knows no network.

The redirect URL is ``KOERS_BASE_URL`` + ``/connect/<provider>/callback/``: the address the
self-hoster enters in the network's developer console (:func:`redirect_uri`).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

SESSION_KEY = "koers_oauth"
#: How long a person may take on the network's consent page.
STATE_TTL_SECONDS = 600
#: States kept per session at most (several tabs); the oldest go first.
MAX_PENDING = 5


class OAuthError(Exception):
    """The callback can't be used; ``str(error)`` is a translated sentence to show."""


@dataclass(frozen=True, slots=True)
class Callback:
    """What a good callback carries: the code, and what :func:`start` kept for it."""

    provider: str
    code: str
    workspace_id: int
    code_verifier: str | None
    redirect_uri: str
    extra: dict[str, str]


def redirect_uri(provider: str) -> str:
    """The callback address to register with ``provider``'s developer app."""
    return f"{settings.BASE_URL}/connect/{provider}/callback/"


def _pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def start(
    request: HttpRequest,
    *,
    provider: str,
    workspace_id: int,
    authorize_url: str,
    client_id: str,
    scopes: list[str] | tuple[str, ...],
    pkce: bool = False,
    scope_separator: str = " ",
    params: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> str:
    """Remember a new state in the session and return the consent-page URL to redirect to.

    ``extra`` is kept with the state and handed back by :func:`finish` (what the person chose
    before leaving, e.g. which features to ask scopes for).
    """
    state = secrets.token_urlsafe(32)
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri(provider),
        "state": state,
        "scope": scope_separator.join(scopes),
    }
    verifier = None
    if pkce:
        verifier, challenge = _pkce_pair()
        query |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    query |= params or {}
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending[state] = {
        "provider": provider,
        "workspace": workspace_id,
        "verifier": verifier,
        "at": time.time(),
        "extra": extra or {},
    }
    if len(pending) > MAX_PENDING:
        for old in sorted(pending, key=lambda key: pending[key]["at"])[
            : len(pending) - MAX_PENDING
        ]:
            del pending[old]
    request.session[SESSION_KEY] = pending
    separator = "&" if "?" in authorize_url else "?"
    return f"{authorize_url}{separator}{urlencode(query)}"


def finish(request: HttpRequest, provider: str) -> Callback:
    """Check the callback's state and return its code; raises :class:`OAuthError` otherwise.

    The state is used up whatever happens: a reloaded callback page can't connect twice.
    """
    state = request.GET.get("state", "")
    pending = dict(request.session.get(SESSION_KEY, {}))
    kept = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if request.GET.get("error"):
        # The person declined on the network's page, or the app is set up wrongly there.
        reason = request.GET.get("error_description") or request.GET.get("error_reason") or ""
        if request.GET.get("error") in {"access_denied", "user_denied", "user_cancelled_login"}:
            raise OAuthError(_("The connection was cancelled on the network's page."))
        raise OAuthError(
            _("The network refused the connection: %(reason)s")
            % {"reason": reason[:200] or request.GET["error"][:100]}
        )
    if kept is None or kept.get("provider") != provider:
        raise OAuthError(
            _("This connection link is not valid any more (already used or from another browser).")
        )
    if time.time() - float(kept["at"]) > STATE_TTL_SECONDS:
        raise OAuthError(_("This connection link has expired. Start connecting again."))
    code = request.GET.get("code", "")
    if not code:
        raise OAuthError(_("The network sent no authorisation code. Start connecting again."))
    return Callback(
        provider=provider,
        code=code,
        workspace_id=int(kept["workspace"]),
        code_verifier=kept.get("verifier"),
        redirect_uri=redirect_uri(provider),
        extra=dict(kept.get("extra") or {}),
    )
