"""The outbound guard refuses private addresses on every path that fetches a user's URL.

Every test runs the real clients against the local fake servers (on 127.0.0.1) with the
production policy (``strict_outbound``), and checks that the server never saw a request.
"""

from __future__ import annotations

import ipaddress
import socket
import threading

import httpx
import pytest
import requests

from koers.networks import safety
from koers.networks.base import OutgoingPost
from koers.networks.bluesky import BlueskyPublisher, BlueskySession
from koers.networks.jetstream import JetstreamSource
from koers.networks.mastodon import MastodonPublisher
from koers.networks.rss import RssSource
from koers.networks.safety import OutboundBlockedError, OutboundPolicy
from koers.networks.testing.bluesky import FakeBluesky
from koers.networks.testing.jetstream import FakeJetstream, sample_events
from koers.networks.testing.mastodon import FakeMastodon
from koers.networks.testing.pages import FakePages
from koers.networks.testing.rss import FakeFeed
from koers.networks.testing.webhook import FakeWebhookReceiver
from koers.networks.webhook import WebhookPublisher

SECRET = b"gedeeld-geheim"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - an address under test, not a bind
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
    ],
)
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_not_public(address):
    assert not safety.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "145.97.39.155", "2001:4860:4860::8888"])
def test_internet_addresses_are_public(address):
    assert safety.is_public(ipaddress.ip_address(address))


def test_the_allowlist_takes_host_names_and_address_ranges_and_refuses_anything_else():
    policy = OutboundPolicy.parse(False, " intranet.example.nl , 10.0.0.0/8, 192.168.1.5 ,")

    assert policy.allowed_hosts == frozenset({"intranet.example.nl"})
    assert policy.address_allowed(ipaddress.ip_address("10.20.30.40"))
    assert policy.address_allowed(ipaddress.ip_address("192.168.1.5"))
    assert not policy.address_allowed(ipaddress.ip_address("192.168.1.6"))
    assert policy.host_allowed("Intranet.Example.NL.")
    with pytest.raises(ValueError, match="http://x"):
        OutboundPolicy.parse(False, "http://x")


# ---------------------------------------------------------------------------------------------
# The httpx client
# ---------------------------------------------------------------------------------------------
def test_the_client_refuses_a_loopback_address_before_sending_anything(strict_outbound):
    with FakePages() as pages, safety.http_client() as client:
        pages.add_html("/intern", title="Beheer")
        with pytest.raises(safety.BlockedAddressError) as caught:
            client.get(f"{pages.url}/intern")

        assert pages.requests == []
    assert isinstance(caught.value, httpx.ConnectError)  # nothing was sent
    assert caught.value.address == "127.0.0.1"


def test_a_host_name_that_resolves_to_loopback_is_refused(strict_outbound):
    with FakePages() as pages, safety.http_client() as client:
        pages.add_html("/intern", title="Beheer")
        with pytest.raises(safety.BlockedAddressError):
            client.get(pages.url.replace("127.0.0.1", "localhost") + "/intern")

        assert pages.requests == []


def test_a_redirect_to_a_private_address_is_refused(strict_outbound):
    # "localhost" is allowed by name (as an intranet install would list it); the redirect
    # target 127.0.0.1 is not on the list.
    strict_outbound(OutboundPolicy.parse(False, "localhost"))
    with FakePages() as pages, safety.http_client(follow_redirects=True) as client:
        pages.add_html("/intern", title="Beheer")
        pages.add_redirect("/go", f"{pages.url}/intern")
        with pytest.raises(safety.BlockedAddressError):
            client.get(pages.url.replace("127.0.0.1", "localhost") + "/go")

        assert [r.path for r in pages.requests] == ["/go"]


def test_allowlisted_hosts_and_ranges_pass(strict_outbound):
    with FakePages() as pages, safety.http_client() as client:
        pages.add_html("/intern", title="Beheer")
        strict_outbound(OutboundPolicy.parse(False, "127.0.0.0/8"))
        assert client.get(f"{pages.url}/intern").status_code == 200
        strict_outbound(OutboundPolicy.parse(False, "localhost"))
        localhost = pages.url.replace("127.0.0.1", "localhost")
        assert client.get(f"{localhost}/intern").status_code == 200
        strict_outbound(OutboundPolicy(allow_private=True))
        assert client.get(f"{pages.url}/intern").status_code == 200


def test_the_client_connects_to_the_address_it_checked(strict_outbound, monkeypatch):
    # A name only our resolver knows: the connection must go to the checked answer, not to a
    # second lookup (which is how DNS rebinding swaps in a private address after the check).
    real = socket.getaddrinfo
    answers = {"koers-rebind.test": "127.0.0.1"}
    lookups: list[str] = []

    def resolver(host, *args, **kwargs):
        if host in answers:
            lookups.append(host)
            return real(answers[host], *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(safety.socket, "getaddrinfo", resolver)
    strict_outbound(OutboundPolicy.parse(False, "127.0.0.1/32"))
    with FakePages() as pages, safety.http_client() as client:
        pages.add_html("/p", title="Pagina")
        url = pages.url.replace("127.0.0.1", "koers-rebind.test") + "/p"

        assert client.get(url).status_code == 200

        [request] = pages.requests
    assert lookups == ["koers-rebind.test"]  # resolved once, by the guard
    assert request.header("Host").startswith("koers-rebind.test")


def test_a_host_with_one_private_address_among_public_ones_is_refused(strict_outbound, monkeypatch):
    def resolver(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(safety.socket, "getaddrinfo", resolver)

    with pytest.raises(safety.HostBlocked, match=r"10\.0\.0\.7"):
        safety.checked_addresses("mixed.example", 443)


def test_the_form_check_refuses_private_hosts_and_lets_unknown_names_pass(strict_outbound):
    with pytest.raises(safety.HostBlocked):
        safety.check_url("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(safety.HostBlocked):
        safety.check_url("https://localhost:8443/hook")
    with pytest.raises(safety.HostBlocked):
        safety.check_url("http://[::1]/")
    safety.check_url("https://does-not-exist.invalid/feed.xml")  # reported when fetched
    strict_outbound(OutboundPolicy(allow_private=True))
    safety.check_url("http://127.0.0.1/")


# ---------------------------------------------------------------------------------------------
# requests (Mastodon.py)
# ---------------------------------------------------------------------------------------------
def test_the_requests_session_refuses_private_addresses_and_passes_allowlisted_ones(
    strict_outbound,
):
    with FakePages() as pages:
        pages.add_html("/intern", title="Beheer")
        session = safety.guarded_session()
        with pytest.raises(safety.BlockedConnection):
            session.get(f"{pages.url}/intern", timeout=5)
        assert pages.requests == []

        strict_outbound(OutboundPolicy.parse(False, "127.0.0.0/8"))
        assert session.get(f"{pages.url}/intern", timeout=5).status_code == 200


def test_the_requests_session_refuses_a_redirect_to_a_private_address(strict_outbound):
    strict_outbound(OutboundPolicy.parse(False, "localhost"))
    with FakePages() as pages:
        pages.add_redirect("/go", f"{pages.url}/intern")
        session = safety.guarded_session()
        with pytest.raises(safety.BlockedConnection):
            session.get(pages.url.replace("127.0.0.1", "localhost") + "/go", timeout=5)
        assert [r.path for r in pages.requests] == ["/go"]
        assert not isinstance(safety.BlockedConnection("h", "a"), requests.RequestException)


# ---------------------------------------------------------------------------------------------
# Each adapter
# ---------------------------------------------------------------------------------------------
def test_a_webhook_to_a_private_address_is_refused_permanently(strict_outbound):
    with FakeWebhookReceiver(SECRET) as receiver:
        publisher = WebhookPublisher(receiver.url, SECRET)

        with pytest.raises(OutboundBlockedError, match="private network"):
            publisher.publish(OutgoingPost(text="Hallo"), "attempt-1")
        status = publisher.check_connection()

        assert receiver.requests == []
    assert not status.ok and "private network" in status.reason


def test_an_rss_feed_on_a_private_address_is_refused(strict_outbound):
    with FakeFeed() as feed:
        feed.add_item("Intern", "https://voorbeeld.nl/1", "Geheim")
        source = RssSource(feed.url.replace("127.0.0.1", "localhost") + "/feed.xml")

        with pytest.raises(OutboundBlockedError):
            source.poll(None)

        assert feed.requests == []


def test_an_rss_feed_that_redirects_to_a_private_address_is_refused(strict_outbound):
    strict_outbound(OutboundPolicy.parse(False, "localhost"))
    with FakeFeed() as feed, FakePages() as pages:
        pages.add_redirect("/feed.xml", f"{feed.url}/feed.xml")
        source = RssSource(pages.url.replace("127.0.0.1", "localhost") + "/feed.xml")

        with pytest.raises(OutboundBlockedError):
            source.poll(None)

        assert feed.requests == []


def test_a_mastodon_instance_on_a_private_address_is_refused(strict_outbound):
    with FakeMastodon() as server:
        publisher = MastodonPublisher(server.url, server.token)

        with pytest.raises(OutboundBlockedError):
            publisher.publish(OutgoingPost(text="Hallo"), "attempt-1")

        assert server.requests == []


def test_a_bluesky_server_on_a_private_address_is_refused(strict_outbound):
    with FakeBluesky() as server:
        publisher = BlueskyPublisher(
            BlueskySession(server.handle, server.password, service_url=server.url)
        )

        with pytest.raises(OutboundBlockedError):
            publisher.publish(OutgoingPost(text="Hallo"), "attempt-1")

        assert server.requests == []


def test_a_jetstream_on_a_private_address_is_refused(strict_outbound):
    with FakeJetstream(sample_events(3)) as server:
        source = JetstreamSource(server.url, sleep=lambda s: None)

        with pytest.raises(OutboundBlockedError):
            next(source.stream(None, threading.Event()))

        assert source.connections == 0
        assert server.cursors == []


def test_a_jetstream_on_an_allowlisted_host_streams(strict_outbound):
    strict_outbound(OutboundPolicy.parse(False, "127.0.0.1/32"))
    events = sample_events(3)
    with FakeJetstream(events) as server:
        source = JetstreamSource(server.url, overlap_us=0, sleep=lambda s: None)
        stream = source.stream(events[0]["time_us"], threading.Event())

        first = next(stream)
        stream.close()

    assert first.post.text
    assert source.connections == 1
