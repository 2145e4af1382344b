"""Connecting: the token exchanges and the accounts a Meta login may use (the Django flow in
:mod:`koers.publishing.meta` calls these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from koers.networks.meta.graph import GRAPH_VERSION, THREADS_VERSION, GraphClient, MetaHosts


# ---------------------------------------------------------------------------------------------
# Connecting: tokens and accounts (the Django flow in koers.publishing.meta calls these)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Token:
    access_token: str
    expires_at: datetime | None

    def __repr__(self) -> str:
        return f"Token(expires_at={self.expires_at!r})"


def _expiry(body: dict[str, Any]) -> datetime | None:
    seconds = body.get("expires_in")
    return datetime.now(UTC) + timedelta(seconds=int(seconds)) if seconds else None


def facebook_dialog_url(hosts: MetaHosts) -> str:
    return f"{hosts.dialog}/{GRAPH_VERSION}/dialog/oauth"


def threads_dialog_url(hosts: MetaHosts) -> str:
    return f"{hosts.threads_dialog}/oauth/authorize"


def exchange_facebook_code(
    hosts: MetaHosts, *, client_id: str, client_secret: str, code: str, redirect_uri: str
) -> Token:
    """code → short-lived user token → long-lived user token (about 60 days)."""
    graph = GraphClient(hosts.graph, "", label="Facebook")
    short = graph.call(
        "GET",
        "oauth/access_token",
        params={
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        },
        token=False,
    )
    long = graph.call(
        "GET",
        "oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "fb_exchange_token": short["access_token"],
        },
        token=False,
    )
    return Token(str(long["access_token"]), _expiry(long))


@dataclass(frozen=True, slots=True)
class PageAccount:
    """A Page the person manages, with its Page token and its linked Instagram account."""

    page_id: str
    name: str
    token: str
    instagram_id: str = ""
    instagram_username: str = ""
    instagram_name: str = ""

    def __repr__(self) -> str:
        return f"PageAccount({self.page_id!r}, {self.name!r})"


def facebook_pages(hosts: MetaHosts, user_token: str) -> list[PageAccount]:
    """``/me/accounts`` (all pages, cursor paging). A Page token obtained from a long-lived
    user token does not expire."""
    graph = GraphClient(hosts.graph, user_token, label="Facebook")
    found = []
    for page in graph.pages(
        "me/accounts",
        max_pages=20,
        fields="id,name,access_token,instagram_business_account{id,username,name}",
        limit=100,
    ):
        for entry in page:
            instagram = entry.get("instagram_business_account") or {}
            found.append(
                PageAccount(
                    page_id=str(entry["id"]),
                    name=str(entry.get("name") or entry["id"]),
                    token=str(entry["access_token"]),
                    instagram_id=str(instagram.get("id") or ""),
                    instagram_username=str(instagram.get("username") or ""),
                    instagram_name=str(instagram.get("name") or ""),
                )
            )
    return found


def granted_scopes(hosts: MetaHosts, user_token: str) -> tuple[str, ...]:
    graph = GraphClient(hosts.graph, user_token, label="Facebook")
    body = graph.get("me/permissions")
    return tuple(
        str(entry["permission"])
        for entry in body.get("data") or []
        if entry.get("status") == "granted"
    )


@dataclass(frozen=True, slots=True)
class ThreadsProfile:
    user_id: str
    username: str
    name: str
    token: Token


def exchange_threads_code(
    hosts: MetaHosts, *, client_id: str, client_secret: str, code: str, redirect_uri: str
) -> ThreadsProfile:
    """code → short-lived Threads token → long-lived (60 days, ``th_exchange_token``)."""
    graph = GraphClient(hosts.threads_graph, "", version="", label="Threads")
    short = graph.call(
        "POST",
        "oauth/access_token",
        data={
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        },
        token=False,
    )
    # The short-lived token goes in the header like every token (never in a logged address).
    long = GraphClient(
        hosts.threads_graph, str(short["access_token"]), version="", label="Threads"
    ).call(
        "GET",
        "access_token",
        params={"grant_type": "th_exchange_token", "client_secret": client_secret},
    )
    token = Token(str(long["access_token"]), _expiry(long))
    me = GraphClient(
        hosts.threads_graph, token.access_token, version=THREADS_VERSION, label="Threads"
    ).get("me", fields="id,username,name")
    return ThreadsProfile(
        user_id=str(me["id"]),
        username=str(me.get("username") or ""),
        name=str(me.get("name") or me.get("username") or me["id"]),
        token=token,
    )


#: Meta lets a long-lived Threads token be refreshed once it is a day old (and not expired).
THREADS_REFRESH_MIN_AGE = timedelta(hours=24)


def refresh_threads_token(hosts: MetaHosts, token: str) -> Token:
    """A long-lived Threads token → a fresh one (60 days again): ``GET
    /refresh_access_token?grant_type=th_refresh_token``. Meta allows it when the token is at
    least 24 hours old and not expired; the caller checks both before asking."""
    # The token goes in the header, like every token (never in a logged address).
    answer = GraphClient(hosts.threads_graph, token, version="", label="Threads").call(
        "GET", "refresh_access_token", params={"grant_type": "th_refresh_token"}
    )
    return Token(str(answer["access_token"]), _expiry(answer))
