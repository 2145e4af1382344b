"""The calendar part of ``koers demo``: channels marked as demo and a few weeks of Dutch posts.

The demo channels point at 127.0.0.1:9 (the discard port): nothing is ever sent anywhere, and
the health check skips demo channels.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from koers.publishing import actions
from koers.publishing.models import ContentItem, Delivery, DeliveryState, Network, State
from koers.strategy.models import Objective

DEMO_URL = "http://127.0.0.1:9"
# Not a credential: demo channels never connect anywhere.
DEMO_SECRET = "demo-not-a-secret"  # noqa: S105

POSTS = [
    (
        "promotion",
        "Afvalkalender 2027 staat online",
        "De afvalkalender voor 2027 staat online. Bekijk wanneer jouw container wordt geleegd.",
        "https://duinwijk.example/afval",
    ),
    (
        "interaction",
        "Vraag: welk speelveld eerst?",
        "Welk speelveld moet als eerste een opknapbeurt krijgen? Laat het ons weten! #Duinwijk",
        "",
    ),
    (
        "curated",
        "Tips van het Voedingscentrum",
        "Tips van het Voedingscentrum om voedselverspilling te beperken tijdens de feestdagen.",
        "https://www.voedingscentrum.nl/",
    ),
    (
        "promotion",
        "Inloopavond nieuwe fietsbrug",
        "Donderdag inloopavond over de nieuwe fietsbrug in het gemeentehuis, 19.00–21.00 uur.",
        "https://duinwijk.example/fietsbrug",
    ),
    (
        "interaction",
        "Foto van de week",
        "Deel je mooiste winterfoto van Duinwijk met #MooiDuinwijk — de mooiste komt op de site.",
        "",
    ),
    (
        "curated",
        "KNMI: gladheid verwacht",
        "Het KNMI verwacht vannacht gladheid. Let op onderweg en neem de tijd.",
        "https://www.knmi.nl/",
    ),
    (
        "promotion",
        "Nieuwe openingstijden Stadswinkel",
        "Vanaf 1 januari is de Stadswinkel ook op dinsdagavond open.",
        "https://duinwijk.example/stadswinkel",
    ),
    (
        "interaction",
        "Wat vind jij van de kerstmarkt?",
        "Was je op de kerstmarkt? Wat vond je ervan? We horen het graag.",
        "",
    ),
    (
        "curated",
        "Veiligheidsregio: vuurwerktips",
        "Veilig het nieuwe jaar in: tips van de Veiligheidsregio voor oud en nieuw.",
        "https://www.veiligheidsregio.example/",
    ),
    (
        "promotion",
        "Nieuwjaarsreceptie",
        "Iedereen is welkom op de nieuwjaarsreceptie van de gemeente, 6 januari vanaf 16.00 uur.",
        "https://duinwijk.example/receptie",
    ),
]
STATES = [
    State.PUBLISHED,
    State.PUBLISHED,
    State.PUBLISHED,
    State.SCHEDULED,
    State.SCHEDULED,
    State.APPROVED,
    State.IN_REVIEW,
    State.DRAFT,
    State.SCHEDULED,
    State.DRAFT,
]


def build(ctx) -> str:  # noqa: ANN001 - koers.core.demo.DemoContext
    workspace, owner, rng = ctx.workspace, ctx.owner, ctx.rng
    channels = [
        actions.connect_channel(
            workspace,
            owner,
            network=Network.MASTODON,
            name="Mastodon @duinwijk",
            endpoint=DEMO_URL,
            secret=DEMO_SECRET,
            is_demo=True,
        ),
        actions.connect_channel(
            workspace,
            owner,
            network=Network.BLUESKY,
            name="Bluesky duinwijk.nl",
            endpoint=DEMO_URL,
            handle="duinwijk.nl",
            secret=DEMO_SECRET,
            is_demo=True,
        ),
        actions.connect_channel(
            workspace,
            owner,
            network=Network.X,
            name="X @duinwijk",
            endpoint=DEMO_URL,
            handle="duinwijk",
            secret=DEMO_SECRET,
            is_demo=True,
        ),
        actions.connect_channel(
            workspace,
            owner,
            network=Network.WEBHOOK,
            name="Intranet",
            endpoint=DEMO_URL + "/hook",
            secret=DEMO_SECRET,
            is_demo=True,
        ),
    ]
    campaign = actions.create_campaign(workspace, owner, name="Winter in Duinwijk", slug="winter")
    # Interaction posts serve the strategy's objectives (the strategy demo part runs first).
    objectives = list(
        Objective.objects.filter(workspace=workspace, cycle__status="active").order_by("pk")
    )
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday() + 7)
    count = 0
    for week in range(4):
        for index, (category, title, text, link) in enumerate(POSTS):
            day = start + timedelta(days=week * 7 + index % 7)
            state = STATES[index] if day >= today else State.PUBLISHED
            if day >= today and state == State.PUBLISHED:
                state = State.SCHEDULED
            chosen = rng.sample(channels, k=rng.randint(1, 3))
            item = actions.save_item(
                workspace,
                owner,
                title=title,
                text=text,
                link=link,
                category=category,
                campaign=campaign if index % 2 == 0 else None,
                objective=objectives[index % len(objectives)]
                if objectives and category == "interaction"
                else None,
                day=day,
                at=time(rng.choice([8, 9, 12, 16]), rng.choice([0, 30])),
                channel_texts={c.pk: "" for c in chosen},
            )
            _set_state(item, state)
            count += 1
    x_channel = channels[2]
    # X's access level (Basic) sets its monthly post cap; press and crisis posts go out there.
    x_channel.extra = {"access_level": "basic"}
    x_channel.save(update_fields=["extra"])
    thread = actions.save_item(
        workspace,
        owner,
        title="Draad: werk aan de fietsbrug",
        text="Vanaf maandag werken we aan de fietsbrug. Wat betekent dat voor jou? Een draadje.",
        category="curated",
        day=today + timedelta(days=2),
        at=time(10, 0),
        channel_texts={x_channel.pk: ""},
        thread=[
            "De brug is drie weken dicht voor fietsers en voetgangers.",
            "Omleiding: via de Havenweg, met borden vanaf de rotonde.",
            "Vragen? Stel ze hier of via de Stadswinkel.",
        ],
    )
    _set_state(thread, State.SCHEDULED)
    count += 1
    return f"{len(channels)} demo channels, {count} posts in the calendar"


def _set_state(item: ContentItem, state: str) -> None:
    """Demo data only: jump to a state without the network (published posts get a fake URL)."""
    if state == State.DRAFT:
        return
    ContentItem.objects.filter(pk=item.pk).update(state=state)
    item.history.create(from_state=State.DRAFT, to_state=state)
    if state == State.PUBLISHED:
        for delivery in item.deliveries.all():
            Delivery.objects.filter(pk=delivery.pk).update(
                state=DeliveryState.PUBLISHED,
                published_at=item.scheduled_at,
                remote_url=f"{DEMO_URL}/posts/{delivery.pk}",
            )
