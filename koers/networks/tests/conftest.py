"""Shared helpers for the network adapter tests (no Django: run with ``-p no:django``)."""

from __future__ import annotations

import io
import socket

import pytest
from PIL import Image


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
