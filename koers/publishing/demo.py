"""The calendar part of ``koers demo``: channels marked as demo and a few weeks of Dutch posts.

The demo channels point at 127.0.0.1:9 (the discard port): nothing is ever sent anywhere, and
the health check skips demo channels. The Facebook Page, Instagram account, WhatsApp number
and LinkedIn page are Gemeente Duinwijk's accounts on the fakes
(:mod:`koers.networks.testing.duinwijk`): with ``KOERS_META_URL``/``KOERS_LINKEDIN_URL`` set
they point at those fakes, and their published posts carry the fakes' ids.
"""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from koers.networks.testing import duinwijk as world
from koers.publishing import actions
from koers.publishing.meta import hosts
from koers.publishing.models import (
    Channel,
    ContentItem,
    Delivery,
    DeliveryState,
    Network,
    State,
)
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
    accounts = _fake_accounts(ctx)
    count += _fake_account_posts(ctx, accounts)
    return f"{len(channels) + len(accounts)} demo channels, {count} posts in the calendar"


def _fake_accounts(ctx) -> dict[str, Channel]:  # noqa: ANN001 - DemoContext
    """Gemeente Duinwijk's Facebook Page, Instagram account, WhatsApp number and LinkedIn
    page: tokens stored encrypted and ``extra`` as the connect flows leave them."""
    meta_url = hosts().graph if settings.KOERS_META_URL else DEMO_URL
    linkedin_url = settings.KOERS_LINKEDIN_URL or DEMO_URL
    scopes = [
        *("pages_manage_posts", "pages_read_engagement", "pages_manage_engagement"),
        *("pages_messaging", "instagram_basic", "instagram_content_publish"),
        *("instagram_manage_comments", "read_insights", "instagram_manage_insights"),
    ]
    organization = f"urn:li:organization:{world.LINKEDIN_ORG_ID}"
    specs = (
        (
            Network.FACEBOOK,
            f"Facebook {world.PAGE_NAME}",
            (meta_url, world.PAGE_TOKEN, "", world.PAGE_ID),
            {"page_id": world.PAGE_ID, "scopes": scopes},
        ),
        (
            Network.INSTAGRAM,
            f"Instagram @{world.IG_USERNAME}",
            (meta_url, world.PAGE_TOKEN, world.IG_USERNAME, world.IG_USER_ID),
            {"ig_user_id": world.IG_USER_ID, "page_id": world.PAGE_ID, "scopes": scopes},
        ),
        (
            Network.WHATSAPP,
            f"WhatsApp {world.PAGE_NAME}",
            (meta_url, world.WHATSAPP_TOKEN, "", world.WHATSAPP_NUMBER_ID),
            {"phone_number_id": world.WHATSAPP_NUMBER_ID},
        ),
        (
            Network.LINKEDIN,
            f"LinkedIn {world.LINKEDIN_ORG_NAME}",
            (linkedin_url, world.LINKEDIN_TOKEN, "gemeente-duinwijk", world.LINKEDIN_ORG_ID),
            {"organization": organization, "scopes": ["w_organization_social"]},
        ),
    )
    found = {}
    for network, name, (endpoint, token, handle, account_id), extra in specs:
        channel = actions.connect_channel(
            ctx.workspace, ctx.owner, network=network, name=name, endpoint=endpoint,
            secret=token, handle=handle, is_demo=True,
        )  # fmt: skip
        channel.account_id, channel.extra = account_id, extra
        channel.account = f"@{handle}" if network == Network.INSTAGRAM else world.PAGE_NAME
        channel.save(update_fields=["account_id", "extra", "account"])
        found[str(network)] = channel
    return found


def _fake_account_posts(ctx, accounts: dict[str, Channel]) -> int:  # noqa: ANN001 - DemoContext
    """The posts already on the fakes (published, with their ids) and a few planned ones."""
    workspace, owner = ctx.workspace, ctx.owner
    now = timezone.now()
    facebook, instagram, linkedin = (accounts[n] for n in ("facebook", "instagram", "linkedin"))
    published = [
        (world.FACEBOOK_POST, facebook, "promotion"),
        (world.INSTAGRAM_POST, instagram, "interaction"),
        *((post, linkedin, "promotion") for post in world.LINKEDIN_POSTS),
    ]
    for post, channel, category in published:
        at = _office_time(timezone.localtime(now - timedelta(seconds=post.age)))
        item = _item(workspace, owner, post.title, post.text, post.link, category, at, channel)
        _add_photos(item, owner, post.images)
        _set_state(item, State.PUBLISHED, remote={channel.pk: post.remote_id})
    planned = (
        ("Winterwandeling door de duinen",
         "Zondag gaan we met de boswachter de duinen in. Vier foto's van de route: waar "
         "wandel jij het liefst? #MooiDuinwijk", "", (instagram,), 3, 4),
        ("Inspraakavond omgevingsvisie",
         "Hoe ziet Duinwijk eruit in 2040? Denk mee over de omgevingsvisie op de inspraakavond "
         "van 15 januari in het gemeentehuis.", "https://duinwijk.example/omgevingsvisie",
         (facebook, linkedin), 0, 2),
        ("Nieuwe wethouder economie",
         "De gemeenteraad heeft een nieuwe wethouder voor economie en haven benoemd. Lees het "
         "interview over haar plannen.", "https://duinwijk.example/wethouder",
         (linkedin,), 0, 5),
    )  # fmt: skip
    for title, text, link, channels, photos, days in planned:
        at = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
        at += timedelta(days=days)
        item = _item(workspace, owner, title, text, link, "promotion", at, *channels)
        _add_photos(item, owner, photos)
        _set_state(item, State.SCHEDULED)
    return len(published) + len(planned)


def _office_time(moment: datetime) -> datetime:
    """A time a municipality posts at, never later than ``moment`` (so every comment on the
    fakes stays after its post): the whole hour, or the afternoon before a night hour."""
    moment = moment.replace(minute=0, second=0, microsecond=0)
    if moment.hour < 8:
        return (moment - timedelta(days=1)).replace(hour=16)
    return moment.replace(hour=16) if moment.hour > 17 else moment


def _item(workspace, owner, title, text, link, category, at: datetime, *channels):  # noqa: ANN001, ANN202, PLR0913 - demo helper
    return actions.save_item(
        workspace, owner, title=title, text=text, link=link, category=category,
        day=at.date(), at=at.time().replace(second=0, microsecond=0),
        channel_texts={c.pk: "" for c in channels},
    )  # fmt: skip


PHOTO_COLOURS = ((34, 87, 122), (200, 120, 40), (70, 130, 70), (150, 60, 90))


def _add_photos(item: ContentItem, owner, count: int) -> None:  # noqa: ANN001 - a user
    """``count`` square JPEGs (a carousel's photos), each with its alt text."""
    for index in range(count):
        image = Image.new("RGB", (1080, 1080), PHOTO_COLOURS[index % len(PHOTO_COLOURS)])
        ImageDraw.Draw(image).ellipse((240, 240, 840, 840), fill=(245, 235, 200))
        data = io.BytesIO()
        image.save(data, "JPEG", quality=70)
        upload = SimpleUploadedFile(
            f"duinwijk-{item.pk}-{index + 1}.jpg", data.getvalue(), content_type="image/jpeg"
        )
        alt = f"{item.title}, foto {index + 1} van {count}"
        actions.add_media(item, owner, upload=upload, alt_text=alt)


def _set_state(item: ContentItem, state: str, remote: dict[int, str] | None = None) -> None:
    """Demo data only: jump to a state without the network. Published posts get the id a
    fake holds (``remote``: channel id → remote id) or else a made-up address."""
    if state == State.DRAFT:
        return
    ContentItem.objects.filter(pk=item.pk).update(state=state)
    item.history.create(from_state=State.DRAFT, to_state=state)
    if state == State.PUBLISHED:
        for delivery in item.deliveries.select_related("channel"):
            remote_id = (remote or {}).get(delivery.channel_id, "")
            Delivery.objects.filter(pk=delivery.pk).update(
                state=DeliveryState.PUBLISHED,
                published_at=item.scheduled_at,
                remote_id=remote_id,
                remote_url=_permalink(delivery.channel.network, remote_id)
                or f"{DEMO_URL}/posts/{delivery.pk}",
            )


def _permalink(network: str, remote_id: str) -> str:
    if not remote_id:
        return ""
    if network == Network.FACEBOOK:
        return f"https://www.facebook.com/{remote_id}"
    if network == Network.INSTAGRAM:
        return f"https://www.instagram.com/p/{remote_id}"
    if network == Network.LINKEDIN:
        return f"https://www.linkedin.com/feed/update/{remote_id}"
    return ""
