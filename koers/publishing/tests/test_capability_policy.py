"""Policy checks read each network's declared limits (catalog), not network names."""

from __future__ import annotations

import pytest

from koers.core.crypto import encrypt
from koers.networks import catalog
from koers.publishing import policy, rules
from koers.publishing.models import Channel, Media, Network


@pytest.fixture
def made_up_network():
    """'threads' answered by a test module declaring small limits, restored afterwards."""
    before = catalog.MODULES.get("threads")
    catalog.register("threads", "koers.publishing.tests.capability_fakes")
    yield
    if before is None:
        catalog.MODULES.pop("threads", None)
    else:
        catalog.MODULES["threads"] = before
    catalog.capabilities.cache_clear()


def _channel(workspace, network, name, **fields):
    return Channel.objects.create(
        workspace=workspace,
        network=network,
        name=name,
        endpoint="https://example.nl",
        secret_enc=encrypt("token"),
        **fields,
    )


def test_media_past_a_networks_declared_maximum_is_found_per_kind():
    texts = [rules.ChannelText("T", "threads", "hoi", 50, max_images=2, max_videos=0)]
    assert rules.check_media(texts, images=2, videos=0) == []
    found = rules.check_media(texts, images=3, videos=1)
    assert [(f.params["kind"], f.params["count"]) for f in found] == [("images", 3), ("videos", 1)]
    assert found[1].message("nl") == "T: 1 video's, Threads staat er 0 toe."


def test_hashtags_are_counted_once_each_against_the_declared_maximum():
    under = rules.ChannelText("T", "threads", "#a #A #b", 500, max_hashtags=2)
    over = rules.ChannelText("T", "threads", "#a #b #c", 500, max_hashtags=2)
    unlimited = rules.ChannelText("M", "mastodon", "#a #b #c", 500)
    assert rules.check_hashtag_count([under, unlimited]) == []
    [finding] = rules.check_hashtag_count([over])
    assert finding.message("en") == "T: 3 hashtags, Threads allows 2."


def test_the_monthly_post_cap_warns_from_ninety_percent_and_blocks_past_it():
    assert rules.check_post_cap("X", used=88, adding=1, cap=100) == []
    [near] = rules.check_post_cap("X", used=89, adding=1, cap=100)
    assert (near.rule, near.severity, near.params["used"]) == ("post_cap_near", "warn", 90)
    [full] = rules.check_post_cap("X", used=99, adding=2, cap=100)
    assert (full.rule, full.severity) == ("post_cap", "block")
    assert rules.check_post_cap("M", used=10_000, adding=1, cap=None) == []


def test_channel_limits_come_from_the_catalog_with_the_instances_own_on_top(acme, made_up_network):
    mastodon = _channel(acme, Network.MASTODON, "M", max_chars=1000)
    bluesky = _channel(acme, Network.BLUESKY, "B")
    made_up = _channel(acme, "threads", "T")
    assert mastodon.limit() == (1000, 23)
    assert bluesky.limit() == (300, None)
    assert made_up.limit() == (50, None)
    assert made_up.limits().max_hashtags == 2
    assert made_up.can("video") and not made_up.can("thread")
    assert not mastodon.can("thread")


def test_the_monthly_cap_comes_from_the_access_level_or_the_channels_own(acme, made_up_network):
    channel = _channel(acme, "threads", "T")
    assert channel.monthly_post_cap() == 10  # the lowest level when none is known
    channel.extra = {"access_level": "large"}
    assert channel.monthly_post_cap() == 100
    channel.extra = {"access_level": "large", "monthly_post_cap": 7}
    assert channel.monthly_post_cap() == 7
    assert _channel(acme, Network.MASTODON, "M").monthly_post_cap() is None


def test_an_item_is_checked_against_each_chosen_networks_declared_limits(
    acme, anna, plan, made_up_network
):
    mastodon = _channel(acme, Network.MASTODON, "M")
    made_up = _channel(acme, "threads", "T")
    item = plan([mastodon, made_up], text="Fietsen #a #b #c", approve=False)
    for position in range(3):
        Media.objects.create(
            item=item,
            file=f"x{position}.png",
            mime_type="image/png",
            alt_text="fiets",
            position=position,
        )
    found = {(f.rule, f.params.get("channel")) for f in policy.findings(item)}
    assert ("media_count", "T") in found and ("hashtag_count", "T") in found
    assert ("media_count", "M") not in found and ("hashtag_count", "M") not in found
    limits = {"media_count", "hashtag_count"}
    assert all(f.blocks for f in policy.findings(item) if f.rule in limits)
