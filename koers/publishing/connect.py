"""Connecting OAuth networks: the one protocol each provider's flow speaks, and its registry.

A provider (Meta, LinkedIn, X, Google) implements :class:`Flow` in its own module and registers
it with :func:`register`. The generic views (``/connect/<provider>/start/`` and
``/connect/<provider>/callback/``) do the rest the same way for every provider: read the
installation's :class:`~koers.publishing.models.NetworkApp`, send the person to the consent page
(:mod:`koers.publishing.oauth`), exchange the code, list the accounts the person may add
(Pages, Instagram accounts, organisation pages, channels…) and create the chosen channels.

Flows raise only the adapters' error classes (:mod:`koers.networks.base`); their messages are
safe to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from koers.publishing.models import NetworkApp
    from koers.publishing.oauth import Callback


@dataclass(frozen=True, slots=True)
class Feature:
    """Something a person can choose to allow, with the scopes it needs and why (shown)."""

    key: str
    label: str  # a msgid, translated where shown
    scopes: tuple[str, ...]
    explanation: str  # a msgid: what koers does with these scopes
    #: Asked on its own consent page (Threads): can't be chosen together with others.
    alone: bool = False


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    url: str
    scopes: tuple[str, ...]
    pkce: bool = False
    scope_separator: str = " "
    params: dict[str, str] = field(default_factory=dict)
    #: The client id for this dialog when it is not the app's own (Threads has its own).
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """Tokens the provider returned for the person who connected."""

    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    #: What the provider said besides the tokens (the user id, …); no secrets.
    extra: dict[str, object] = field(default_factory=dict)

    def __repr__(self) -> str:  # never print tokens
        return f"Grant(expires_at={self.expires_at!r}, scopes={self.scopes!r})"


@dataclass(frozen=True, slots=True)
class Account:
    """One account the person may add as a channel (a Page, an Instagram account, …)."""

    network: str  # a publishing.models.Network value
    remote_id: str
    name: str
    handle: str
    endpoint: str  # the API base the adapter talks to
    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Account({self.network!r}, {self.remote_id!r}, {self.name!r})"


class Flow(Protocol):
    provider: str  # a publishing.models.Provider value
    #: What the person can choose to allow; the start page lists them with their scopes.
    features: tuple[Feature, ...]

    def authorize(self, app: NetworkApp, features: set[str]) -> AuthorizeRequest: ...

    def exchange(self, app: NetworkApp, callback: Callback) -> Grant: ...

    def accounts(self, app: NetworkApp, grant: Grant) -> list[Account]: ...


FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    FLOWS[flow.provider] = flow
    return flow


def flow_for(provider: str) -> Flow | None:
    return FLOWS.get(provider)
