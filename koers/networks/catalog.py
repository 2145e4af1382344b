"""Which networks koers speaks, and what each can do: the one place callers ask.

Every adapter module declares a ``CAPABILITIES`` value (:class:`~koers.networks.base.Capabilities`)
next to its own limits; this module finds it by network name, importing the adapter only when
asked. The calendar, the policy checks, the inbox and Measure ask here instead of testing
network names, so a network's limits live in its own module and nowhere else.
"""

from __future__ import annotations

import importlib
from functools import cache

from koers.networks.base import Capabilities

#: network name → the adapter module that declares its ``CAPABILITIES``. Networks sharing a
#: module (the Meta family) declare a ``CAPABILITIES_BY_NETWORK`` dict there instead.
MODULES: dict[str, str] = {
    "mastodon": "koers.networks.mastodon",
    "bluesky": "koers.networks.bluesky",
    "webhook": "koers.networks.webhook",
    "facebook": "koers.networks.meta",
    "instagram": "koers.networks.meta",
    "threads": "koers.networks.meta",
    "x": "koers.networks.x",
    "linkedin": "koers.networks.linkedin",
    "youtube": "koers.networks.youtube",
}


def register(network: str, module: str) -> None:
    """Add a network whose adapter lives in ``module`` (adapter packages call this)."""
    MODULES[network] = module
    capabilities.cache_clear()


@cache
def capabilities(network: str) -> Capabilities | None:
    """What ``network``'s adapter declares, or ``None`` for a network koers can't publish to."""
    module_name = MODULES.get(network)
    if module_name is None:
        return None
    module = importlib.import_module(module_name)
    by_network = getattr(module, "CAPABILITIES_BY_NETWORK", None)
    if isinstance(by_network, dict) and network in by_network:
        found = by_network[network]
    else:
        found = getattr(module, "CAPABILITIES", None)
    if not isinstance(found, Capabilities) or found.network != network:
        raise LookupError(f"{module_name} declares no capabilities for {network!r}")
    return found


def networks() -> list[str]:
    """Every network koers has an adapter for, in a stable order."""
    return list(MODULES)


def can(network: str, kind: str) -> bool:
    """True when ``network`` can publish ``kind`` (see ``base.PUBLISH_KINDS``)."""
    found = capabilities(network)
    return bool(found and kind in found.publish)
