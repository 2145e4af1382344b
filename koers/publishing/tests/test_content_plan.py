"""Content strategy in the calendar: posts tagged with an audience and a key message, and the
weekly panel (content mix against its target, posts per channel against the Technology plan)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from koers.publishing import actions
from koers.publishing.models import ContentItem
from koers.publishing.rules import PlannedPost, weekly_plan
from koers.strategy import actions as strategy_actions
from koers.strategy.models import Audience, KeyMessage
from koers.strategy.models import Channel as StrategyChannel

MON = date(2026, 3, 2)
NEXT = date(2026, 3, 9)
MASTODON = frozenset({"mastodon", "gemeente op mastodon"})
HOOK = frozenset({"webhook", "intranet"})


def p(day: date, category: str, *channels: frozenset[str]) -> PlannedPost:
    return PlannedPost(day, category, channels)


@pytest.mark.parametrize(
    ("posts", "mix", "channels"),
    [
        # Two promotions, one curated in week 1 against 20/40/40; Mastodon planned 2, got 3.
        ([p(MON, "promotion", MASTODON), p(date(2026, 3, 4), "promotion", MASTODON),
          p(date(2026, 3, 8), "curated", MASTODON, HOOK)],
         [(2, 66.7, 46.7), (1, 33.3, -6.7), (0, 0.0, -40.0)],
         [("Mastodon", 2.0, 3, "over"), ("Instagram", 3.0, 0, "short"),
          ("Intranet", None, 1, "unplanned")]),
        # A week without posts: shares unknown (not 0 %), every planned channel short.
        ([], [(0, None, None)] * 3,
         [("Mastodon", 2.0, 0, "short"), ("Instagram", 3.0, 0, "short"),
          ("Intranet", None, 0, "unplanned")]),
    ],
)  # fmt: skip
def test_weekly_plan_table(posts, mix, channels) -> None:
    (week, _next) = weekly_plan(
        posts,
        [MON, NEXT],
        {"promotion": 20, "curated": 40, "interaction": 40},
        [("Mastodon", 2.0), ("Instagram", 3.0), ("Intranet", None)],
    )
    got_mix = [
        (m.count, None if m.share is None else round(m.share, 1),
         None if m.off_by is None else round(m.off_by, 1))
        for m in week.mix
    ]  # fmt: skip
    assert got_mix == mix
    assert [(c.name, c.planned, c.scheduled, c.status) for c in week.channels] == channels


def test_posts_outside_the_weeks_and_half_posts_per_week() -> None:
    weeks = weekly_plan(
        [p(date(2026, 3, 16), "promotion", MASTODON), p(NEXT, "interaction", MASTODON)],
        [MON, NEXT],
        {"promotion": 20, "curated": 40, "interaction": 40},
        [("mastodon", 1.5)],
    )
    assert [w.total for w in weeks] == [0, 1]
    assert weeks[1].channels[0].status == "ok"  # 1 against 1.5: within half a post


@pytest.mark.parametrize(
    ("plan_name", "matches"),
    [("Mastodon", True), ("Mastodon (social.duinwijk.nl)", True), ("mastodonia", False),
     ("Gemeente op Mastodon", True), ("Bluesky", False), ("Intranet", False)],
)  # fmt: skip
def test_a_plan_channel_matches_by_network_or_name(plan_name, matches) -> None:
    (week,) = weekly_plan([p(MON, "promotion", MASTODON)], [MON], {}, [(plan_name, 1.0)])
    assert week.channels[0].scheduled == (1 if matches else 0)


@pytest.fixture
def strategy(acme, anna):
    cycle = strategy_actions.create_cycle(
        acme, anna, name="2026", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    strategy_actions.add_audience(cycle, anna, name="Forensen", priority=1)
    strategy_actions.update_strategy(
        cycle, anna, key_messages="Fiets vaker", current_relationship="",
        target_relationship="", ambassadors="",
    )  # fmt: skip
    StrategyChannel.objects.create(
        workspace=acme, cycle=cycle, network="Webhook", posts_per_week=Decimal("2")
    )
    return cycle


def url(name: str, *args) -> str:
    return reverse(f"publishing:{name}", args=["acme", *args])


def test_a_post_is_saved_with_an_audience_and_a_key_message(client_for, anna, hook, strategy):
    audience = Audience.objects.get(name="Forensen")
    message = KeyMessage.objects.get(text="Fiets vaker")
    response = client_for(anna).post(
        url("item-new"),
        {"title": "Fietsdag", "text": "Kom fietsen", "category": "interaction",
         "audience": audience.pk, "key_message": message.pk, "channels": [hook.pk],
         "day": "2026-03-03", "at": "10:00"},
    )  # fmt: skip
    assert response.status_code == 302
    item = ContentItem.objects.get(title="Fietsdag")
    assert (item.audience, item.key_message) == (audience, message)
    page = client_for(anna).get(url("item", item.pk)).content.decode()
    assert "Forensen" in page and "Fiets vaker" in page


def test_another_workspaces_key_message_is_refused(client_for, carla, anna, strategy, acme):
    message = KeyMessage.objects.get(text="Fiets vaker")
    from koers.core.actions import create_workspace

    other = create_workspace(carla, name="Carla's", slug="carla")
    response = client_for(carla).post(
        reverse("publishing:item-new", args=[other.slug]),
        {"title": "X", "text": "x", "category": "promotion", "key_message": message.pk},
    )
    assert response.status_code == 200  # the form again, with the error
    assert list(response.context["form"].errors) == ["key_message"]
    assert not ContentItem.objects.filter(title="X").exists()


def test_the_calendar_shows_the_week_mix_and_the_channel_plan(
    client_for, anna, acme, hook, strategy
):
    for day, category in ((date(2026, 3, 3), "promotion"), (date(2026, 3, 4), "interaction")):
        actions.save_item(
            acme, anna, title=category, text=category, category=category, day=day,
            at=time(10, 0), channel_texts={hook.pk: ""},
        )  # fmt: skip
    page = client_for(anna).get(url("index"), {"date": "2026-03-03"}).content.decode()
    assert "Contentplan per week" in page
    assert "50% <small>(1)</small>" in page  # promotion and interaction each half of week 1
    assert 'data-channel-status="ok"' in page  # 2 posts to the webhook channel, plan 2/week
    assert "plan 2/week" in page
