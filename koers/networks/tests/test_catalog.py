"""The catalog finds each adapter's declared capabilities and refuses a wrong declaration."""

from __future__ import annotations

import sys
import types

import pytest

from koers.networks import catalog
from koers.networks.base import INBOX_KINDS, LISTEN_KINDS, PUBLISH_KINDS, Capabilities, Limits


@pytest.mark.parametrize("network", ["mastodon", "bluesky", "webhook", "linkedin"])
def test_each_adapter_declares_its_capabilities(network: str) -> None:
    found = catalog.capabilities(network)
    assert found is not None and found.network == network
    assert found.publish <= set(PUBLISH_KINDS)
    assert found.inbox <= set(INBOX_KINDS)
    assert found.listen in LISTEN_KINDS
    assert found.limits.max_chars > 0


def test_limits_come_from_the_adapter_module() -> None:
    from koers.networks import bluesky, mastodon

    assert catalog.capabilities("mastodon").limits is mastodon.DEFAULT_LIMITS
    assert catalog.capabilities("bluesky").limits.max_chars == bluesky.MAX_GRAPHEMES


def test_unknown_network_has_no_capabilities() -> None:
    assert catalog.capabilities("myspace") is None
    assert not catalog.can("myspace", "text")
    assert catalog.can("mastodon", "text")
    assert not catalog.can("webhook", "thread")


def test_a_module_declaring_another_network_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("koers_fake_adapter")
    module.CAPABILITIES = Capabilities(  # type: ignore[attr-defined]
        network="other",
        label="Other",
        publish=frozenset({"text"}),
        inbox=frozenset(),
        metrics=frozenset(),
        listen="none",
        limits=Limits(max_chars=10, url_length=None, max_images=0, max_image_bytes=0),
    )
    monkeypatch.setitem(sys.modules, "koers_fake_adapter", module)
    monkeypatch.setitem(catalog.MODULES, "fake", "koers_fake_adapter")
    catalog.capabilities.cache_clear()
    try:
        with pytest.raises(LookupError):
            catalog.capabilities("fake")
    finally:
        catalog.capabilities.cache_clear()


def test_family_modules_declare_per_network(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = Limits(max_chars=500, url_length=None, max_images=10, max_image_bytes=8_000_000)
    module = types.ModuleType("koers_fake_family")
    module.CAPABILITIES_BY_NETWORK = {  # type: ignore[attr-defined]
        name: Capabilities(
            network=name,
            label=name.title(),
            publish=frozenset({"text"}),
            inbox=frozenset({"comment"}),
            metrics=frozenset({"post"}),
            listen="none",
            limits=limits,
        )
        for name in ("alpha", "beta")
    }
    monkeypatch.setitem(sys.modules, "koers_fake_family", module)
    catalog.register("alpha", "koers_fake_family")
    catalog.register("beta", "koers_fake_family")
    try:
        assert catalog.capabilities("beta").label == "Beta"
        assert "alpha" in catalog.networks()
    finally:
        del catalog.MODULES["alpha"], catalog.MODULES["beta"]
        catalog.capabilities.cache_clear()
