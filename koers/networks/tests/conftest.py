"""Shared helpers for the network adapter tests (no Django: run with ``-p no:django``)."""

from __future__ import annotations

import io
import socket

import pytest
from PIL import Image

from koers.networks import safety


def make_png(width: int = 8, height: int = 8) -> bytes:
    """A tiny valid PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def png() -> bytes:
    return make_png()


@pytest.fixture
def closed_port_url() -> str:
    """A 127.0.0.1 URL nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _fake_servers_are_private_without_django():
    """The fake servers listen on 127.0.0.1, which the outbound guard refuses by default.

    Tests of the guard itself use :func:`strict_outbound`.
    """
    previous = safety.set_default_policy(safety.OutboundPolicy(allow_private=True))
    yield
    safety.set_default_policy(previous)


@pytest.fixture
def strict_outbound(monkeypatch):
    """Public addresses only, as in production (with or without Django's settings).

    Returns ``use(policy)`` to switch to another policy within the test.
    """

    def use(policy: safety.OutboundPolicy | None = None) -> None:
        monkeypatch.setattr(safety, "_provider", None)
        monkeypatch.setattr(safety, "_default_policy", policy or safety.OutboundPolicy())

    use()
    return use
