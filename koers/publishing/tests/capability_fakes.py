"""A made-up network's declared capabilities, for tests that must not depend on a real one."""

from __future__ import annotations

from koers.networks.base import Capabilities, Limits

CAPABILITIES = Capabilities(
    network="threads",
    label="Threads",
    publish=frozenset({"text", "image", "images", "video"}),
    inbox=frozenset(),
    metrics=frozenset(),
    listen="none",
    limits=Limits(
        max_chars=50,
        url_length=None,
        max_images=2,
        max_image_bytes=1_000_000,
        max_videos=1,
        max_hashtags=2,
    ),
    post_caps=(("small", 10), ("large", 100)),
)
