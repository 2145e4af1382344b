"""Outbound-request guard: koers fetches URLs people type, never its own network.

Webhook channels, RSS feeds, link checks, link cards, Mastodon instances, Bluesky servers and
Jetstream addresses are all typed by users. On a shared server such a URL must not make koers
read ``http://127.0.0.1:…``, cloud metadata (``169.254.169.254``), the intranet (10/8,
172.16/12, 192.168/16, fc00::/7), link-local, multicast or reserved addresses.

The check runs on the address actually connected to, at connect time: the host is resolved
once, every address it resolves to must be allowed, and the socket is opened to exactly those
checked addresses (so a DNS answer that changes between check and connect — rebinding — is
not connected to, and every redirect hop opens a new, checked connection). TLS still verifies
the certificate against the host name.

* httpx: :func:`http_client` (a client on :class:`GuardedTransport`, whose httpcore network
  backend does the check). Refusals raise :class:`BlockedAddressError`, an ``httpx.ConnectError``
  (nothing was sent).
* requests (Mastodon.py): :func:`guarded_session`. Refusals raise :class:`BlockedConnection`.
* anything else (websockets, form validation): :func:`checked_addresses` / :func:`check_url`.

The policy (allow private addresses at all, and an allowlist of hosts/networks that may be
private) comes from :func:`current_policy`: the Django project registers a provider that reads
its settings (``KOERS_ALLOW_PRIVATE_URLS``, ``KOERS_OUTBOUND_ALLOWLIST``); without one the
strict default applies. No Django here.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

import httpcore
import httpx
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from koers.networks.base import PermanentError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# IPv6 prefixes that carry an IPv4 address (NAT64); the embedded address is what is reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


# ---------------------------------------------------------------------------------------------
# Policy
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OutboundPolicy:
    """What may be connected to. Default: public addresses only."""

    allow_private: bool = False
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, allow_private: bool, allowlist: str | Iterable[str] = "") -> OutboundPolicy:
        """Policy from settings; ``allowlist`` is comma-separated host names and CIDRs.

        Raises ``ValueError`` naming the first entry that is neither.
        """
        entries = allowlist.split(",") if isinstance(allowlist, str) else list(allowlist)
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if not _is_host_name(entry):
                raise ValueError(f"{raw.strip()!r} is neither a host name nor an address range")
            hosts.add(entry.rstrip("."))
        return cls(bool(allow_private), frozenset(hosts), tuple(networks))

    @property
    def checks_nothing(self) -> bool:
        return self.allow_private

    def host_allowed(self, host: str) -> bool:
        return self.allow_private or host.lower().rstrip(".") in self.allowed_hosts

    def address_allowed(self, address: IPAddress) -> bool:
        if self.allow_private or is_public(address):
            return True
        return any(address in network for network in self.allowed_networks)


def _is_host_name(value: str) -> bool:
    labels = value.rstrip(".").split(".")
    return all(
        0 < len(label) <= 63
        and label[0] != "-"
        and label[-1] != "-"
        and all(c.isalnum() or c == "-" for c in label)
        for label in labels
    )


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet (not loopback, private, link-local, …)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


_default_policy = OutboundPolicy()
_provider: Callable[[], OutboundPolicy] | None = None


def set_policy_provider(provider: Callable[[], OutboundPolicy] | None) -> None:
    """Where :func:`current_policy` comes from (the Django project: its settings)."""
    global _provider
    _provider = provider


def set_default_policy(policy: OutboundPolicy) -> OutboundPolicy:
    """The policy used when no provider is registered; returns the previous one."""
    global _default_policy
    previous, _default_policy = _default_policy, policy
    return previous


def current_policy() -> OutboundPolicy:
    """Read at every connection, so a changed setting applies to long-lived clients too."""
    return _provider() if _provider is not None else _default_policy


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
class HostBlocked(Exception):  # noqa: N818 - a fact ("the host is blocked"), raised and caught here
    """``host`` resolves to an address the policy refuses; nothing was sent."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} points to a private or reserved address ({address})")
        self.host = host
        self.address = address


class BlockedAddressError(httpx.ConnectError):
    """httpx form of :class:`HostBlocked` (a connect error: nothing was sent)."""

    def __init__(self, blocked: HostBlocked) -> None:
        super().__init__(str(blocked))
        self.host = blocked.host
        self.address = blocked.address


class BlockedConnection(HostBlocked):  # noqa: N818 - see HostBlocked
    """requests form: deliberately not an ``OSError``, so urllib3 neither retries nor wraps it."""


class OutboundBlockedError(PermanentError):
    """An adapter refused a user-given address: it points into a private network.

    A :class:`PermanentError` (retrying cannot help); callers that show errors to people
    replace the English message with their translated one.
    """

    def __init__(self, host: str, *, network: str = "") -> None:
        super().__init__(
            f"The address {host} points into a private network; koers does not connect to it.",
            network=network,
        )
        self.host = host


def blocked_cause(error: BaseException | None) -> HostBlocked | BlockedAddressError | None:
    """The guard's refusal behind ``error`` (walking ``__cause__``/``__context__``), if any."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, HostBlocked | BlockedAddressError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


# ---------------------------------------------------------------------------------------------
# The check
# ---------------------------------------------------------------------------------------------
def checked_addresses(host: str, port: int, policy: OutboundPolicy | None = None) -> list[str]:
    """The addresses ``host`` resolves to, all allowed by ``policy``, in resolver order.

    Raises :class:`HostBlocked` when any of them is refused (a host with one private address
    among public ones is refused whole: the client could pick either) and ``socket.gaierror``
    when the name does not resolve.
    """
    policy = policy or current_policy()
    host = host.strip("[]")
    trusted = policy.host_allowed(host)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for *_rest, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if not trusted and not policy.address_allowed(ipaddress.ip_address(text)):
            raise HostBlocked(host, text)
        if text not in addresses:
            addresses.append(text)
    return addresses


def check_url(url: str, policy: OutboundPolicy | None = None) -> None:
    """Form-time check of a URL someone typed. Raises :class:`HostBlocked` when refused.

    A name that does not resolve (yet) passes: the fetch reports it later, and the connect-time
    check still applies then.
    """
    policy = policy or current_policy()
    if policy.checks_nothing:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host or policy.host_allowed(host):
        return
    try:
        port = parts.port or (443 if parts.scheme in ("https", "wss") else 80)
    except ValueError:
        return  # a malformed port: URL validation reports that
    try:
        checked_addresses(host, port, policy)
    except (socket.gaierror, UnicodeError):
        return


# ---------------------------------------------------------------------------------------------
# httpx
# ---------------------------------------------------------------------------------------------
class GuardedBackend(httpcore.SyncBackend):
    """httpcore network backend that connects only to checked addresses."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        policy = current_policy()
        if policy.checks_nothing or policy.host_allowed(host):
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            addresses = checked_addresses(host, port, policy)
        except HostBlocked as blocked:
            raise BlockedAddressError(blocked) from None
        except (socket.gaierror, UnicodeError) as error:
            raise httpcore.ConnectError(str(error)) from error
        last: Exception | None = None
        for address in addresses:  # the TLS layer still verifies against ``host``
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
        assert last is not None  # getaddrinfo never answers an empty list
        raise last


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connection pool uses :class:`GuardedBackend`.

    httpx offers no public way to pass a network backend, so the pool is rebuilt with the
    same settings (the attributes used are httpx 0.28's; ``constraints.txt`` pins it and the
    guard tests fail if a new version ignores the backend).
    """

    def __init__(self, *, verify: Any = True, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(verify=verify, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(),
        )


def http_client(**kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` (same keyword arguments) that refuses private addresses."""
    return httpx.Client(transport=GuardedTransport(), **kwargs)


# ---------------------------------------------------------------------------------------------
# requests / urllib3
# ---------------------------------------------------------------------------------------------
class _GuardedConnectionMixin:
    _dns_host: str
    host: str
    port: int

    def _new_conn(self) -> socket.socket:
        policy = current_policy()
        if policy.checks_nothing or policy.host_allowed(self._dns_host):
            return cast(socket.socket, super()._new_conn())  # type: ignore[misc]
        try:
            addresses = checked_addresses(self._dns_host, self.port, policy)
        except HostBlocked as blocked:
            raise BlockedConnection(blocked.host, blocked.address) from None
        except (socket.gaierror, UnicodeError):
            return cast(socket.socket, super()._new_conn())  # type: ignore[misc]  # urllib3 reports it as usual
        original = self._dns_host
        try:
            for index, address in enumerate(addresses):
                self._dns_host = address  # the TLS layer still verifies against ``host``
                try:
                    return cast(socket.socket, super()._new_conn())  # type: ignore[misc]
                except OSError:
                    if index == len(addresses) - 1:
                        raise
        finally:
            self._dns_host = original
        raise AssertionError("unreachable")  # pragma: no cover


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests adapter whose connections go through the same check."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


def guarded_session() -> requests.Session:
    """A ``requests.Session`` that refuses private addresses (for Mastodon.py)."""
    session = requests.Session()
    # No proxies from the environment: the check must see the address really connected to
    # (the httpx clients, built on their own transport, ignore them too).
    session.trust_env = False
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
