"""Channels on the local fake servers, for every app that publishes or replies through them.

Loaded for the whole suite from the root ``conftest.py`` (``pytest_plugins``); a test module may
define its own ``mastodon_server`` (e.g. with another character limit) and it wins there.
"""

from __future__ import annotations

import pytest

from koers.networks.testing.bluesky import FakeBluesky
from koers.networks.testing.mastodon import FakeMastodon
from koers.publishing import actions
from koers.publishing.models import Channel, Network


@pytest.fixture
def mastodon_server():
    with FakeMastodon(max_characters=500) as fake:
        yield fake


@pytest.fixture
def bluesky_server():
    with FakeBluesky() as fake:
        yield fake


@pytest.fixture
def mastodon(acme, anna, mastodon_server) -> Channel:
    return actions.connect_channel(
        acme,
        anna,
        network=Network.MASTODON,
        name="Mastodon",
        endpoint=mastodon_server.url,
        secret=mastodon_server.token,
    )


@pytest.fixture
def bluesky(acme, anna, bluesky_server) -> Channel:
    return actions.connect_channel(
        acme,
        anna,
        network=Network.BLUESKY,
        name="Bluesky",
        endpoint=bluesky_server.url,
        handle=bluesky_server.handle,
        secret=bluesky_server.password,
    )
