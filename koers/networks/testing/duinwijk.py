"""Gemeente Duinwijk on the fakes: the accounts, posts and messages ``koers demo`` shows.

One description, read by both sides so they agree: :func:`seed_meta` and
:func:`seed_linkedin` put it into a fake Graph API / fake LinkedIn (``python -m
koers.networks.testing`` does), and the demo (``koers.publishing.demo``,
``koers.engagement.demo``) makes its channels, published deliveries and inbox items from the
same ids, tokens and texts. With ``KOERS_META_URL``/``KOERS_LINKEDIN_URL`` pointing at those
fakes, what koers shows exists on the "network": the Facebook post a comment is under, the
Instagram comment that mentions the account, the WhatsApp conversations (one inside the
24-hour window, one outside).

The ids are shaped like Meta's and LinkedIn's (digits, ``page_post`` ids, ``wamid.`` and
``urn:li:share:``); the tokens are fixed strings of a fake server, not credentials.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from koers.networks.testing.linkedin import FakeLinkedIn
from koers.networks.testing.meta import FakePage, FakeToken, _stamp
from koers.networks.testing.meta_inbox import FakeMetaInbox

HOUR = 3600.0

PAGE_NAME = "Gemeente Duinwijk"
PAGE_ID = "104000000000101"
PAGE_TOKEN = "EAApage-duinwijk-demo"  # noqa: S105 - the fake's fixed token
IG_USER_ID = "17841400000000101"
IG_USERNAME = "gemeenteduinwijk"
WHATSAPP_NUMBER_ID = "106540000000101"
WHATSAPP_ACCOUNT_ID = "102290000000101"  # the WhatsApp Business Account (webhook entry id)
WHATSAPP_DISPLAY_NUMBER = "31201234567"
WHATSAPP_TOKEN = "EAAsystem-duinwijk-demo"  # noqa: S105 - the fake's fixed system-user token

LINKEDIN_ORG_ID = "10000101"
LINKEDIN_ORG_NAME = "Gemeente Duinwijk"
LINKEDIN_TOKEN = "linkedin-duinwijk-demo"  # noqa: S105 - the fake's fixed token


@dataclass(frozen=True)
class Post:
    """A post published before the demo starts (``age`` seconds ago)."""

    remote_id: str
    title: str
    text: str
    age: float
    link: str = ""
    images: int = 0  # an Instagram carousel's photos


FACEBOOK_POST = Post(
    f"{PAGE_ID}_900000000000001",
    "Fietsbrug drie weken dicht",
    "Vanaf maandag werken we aan de fietsbrug over de Havenweg. Drie weken lang fiets en loop "
    "je om. Lees wat dat voor jou betekent.",
    age=30 * HOUR,
    link="https://duinwijk.example/fietsbrug",
)
INSTAGRAM_POST = Post(
    "17900000000000101",
    "Terugblik kerstmarkt",
    "Zo mooi was de kerstmarkt op het Dorpsplein! Swipe voor de foto's van het ijsbaantje, de "
    "koren en de lichtjes. #MooiDuinwijk #kerstmarkt",
    age=50 * HOUR,
    images=3,
)
LINKEDIN_POSTS = (
    Post(
        "urn:li:share:7200000000000000101",
        "Vacature beleidsadviseur duurzaamheid",
        "Wil jij Duinwijk helpen om in 2035 energieneutraal te zijn? We zoeken een "
        "beleidsadviseur duurzaamheid (36 uur). Reageer vóór 20 januari.",
        age=4 * 24 * HOUR,
        link="https://duinwijk.example/werken",
    ),
    Post(
        "urn:li:share:7200000000000000102",
        "Duinwijk wint prijs voor burgerparticipatie",
        "Trots: het buurtbudget van Duinwijk won de landelijke prijs voor burgerparticipatie. "
        "Dank aan alle bewoners die meedachten en meebeslisten.",
        age=9 * 24 * HOUR,
    ),
)


@dataclass(frozen=True)
class Comment:
    """Someone's comment under one of the posts above (``age`` seconds ago)."""

    comment_id: str
    post_id: str
    sender_id: str
    name: str
    text: str
    age: float


FACEBOOK_COMMENTS = (
    Comment(
        "900000000000001_800000000000001",
        FACEBOOK_POST.remote_id,
        "5000000000000001",
        "Jeroen Bakker",
        "Hoe lang is de fietsbrug precies dicht? Mijn dochter fietst er elke dag over naar school.",
        age=5 * HOUR,
    ),
    Comment(
        "900000000000001_800000000000002",
        FACEBOOK_POST.remote_id,
        "5000000000000002",
        "Marloes de Wit",
        "Is er tijdens de werkzaamheden een veilige omleiding voor mensen in een rolstoel?",
        age=2 * HOUR,
    ),
    Comment(
        "900000000000001_800000000000003",
        FACEBOOK_POST.remote_id,
        "5000000000000003",
        "Gerrit Mulder",
        "Eindelijk! Die brug was echt aan vervanging toe. Goed bezig.",
        age=26 * HOUR,
    ),
)
INSTAGRAM_COMMENT = Comment(
    "17800000000000101",
    INSTAGRAM_POST.remote_id,
    "17841400000009901",
    "lisa.vandam",
    "Wat een sfeer! Komt het ijsbaantje volgend jaar ook weer terug?",
    age=4 * HOUR,
)
#: A comment elsewhere on Instagram that @mentions the account (a ``mentions`` change).
INSTAGRAM_MENTION = Comment(
    "17800000000000102",
    "17900000000009901",  # a post of the surf club, not ours
    "17841400000009902",
    "surfclub_duinwijk",
    f"@{IG_USERNAME} de prullenbakken bij strandopgang 3 puilen weer uit, het afval waait zo "
    "de duinen in. Kan daar iemand naar kijken?",
    age=1.5 * HOUR,
)


@dataclass(frozen=True)
class Message:
    """A direct message: Messenger (``sender_id`` page-scoped) or WhatsApp (phone number)."""

    message_id: str
    sender_id: str
    name: str
    text: str
    age: float


MESSENGER_MESSAGE = Message(
    "m_duinwijk-demo-0001",
    "6100000000000001",
    "",
    "Hoi, ik ben mijn rijbewijs kwijt. Moet ik eerst aangifte doen voordat ik een nieuw "
    "rijbewijs aanvraag?",
    age=1 * HOUR,
)
#: Inside the 24-hour customer-service window: koers may answer.
WHATSAPP_OPEN = Message(
    "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUREVU1PMDAwMDAwMDAwMDAxAA==",
    "31612345678",
    "Henk Jansen",
    "Goedemiddag, de groene container aan de Duinstraat 12 is vandaag niet geleegd. Kunnen "
    "jullie nog langskomen?",
    age=2 * HOUR,
)
#: Outside the window (30 hours ago): WhatsApp and koers refuse a free reply.
WHATSAPP_CLOSED = Message(
    "wamid.HBgLMzE2ODc2NTQzMjEVAgASGBQzQUREVU1PMDAwMDAwMDAwMDAyAA==",
    "31687654321",
    "Ayşe Yılmaz",
    "Kan ik zaterdag ook terecht in de Stadswinkel om mijn paspoort op te halen?",
    age=30 * HOUR,
)


def seed_meta(graph: FakeMetaInbox, now: float | None = None) -> FakePage:
    """Put Gemeente Duinwijk's Page, Instagram account, WhatsApp number, posts, comments and
    conversations into ``graph`` (times relative to ``now``)."""
    now = time.time() if now is None else now
    page = FakePage(
        PAGE_ID,
        PAGE_NAME,
        PAGE_TOKEN,
        instagram_id=IG_USER_ID,
        instagram_username=IG_USERNAME,
    )
    graph.pages[PAGE_ID] = page
    graph.tokens[PAGE_TOKEN] = FakeToken("page", PAGE_ID)
    graph.tokens[WHATSAPP_TOKEN] = FakeToken("system", WHATSAPP_NUMBER_ID)
    graph.wa_numbers.add(WHATSAPP_NUMBER_ID)
    page.posts.append(
        {
            "id": FACEBOOK_POST.remote_id,
            "message": FACEBOOK_POST.text,
            "created": now - FACEBOOK_POST.age,
            "permalink_url": f"https://www.facebook.com/{FACEBOOK_POST.remote_id}",
            "attachments_count": 0,
            "link": FACEBOOK_POST.link,
        }
    )
    graph.ig_media[IG_USER_ID] = [
        {
            "id": INSTAGRAM_POST.remote_id,
            "caption": INSTAGRAM_POST.text,
            "created": now - INSTAGRAM_POST.age,
            "permalink": f"https://www.instagram.com/p/{INSTAGRAM_POST.remote_id}",
            "media_type": "CAROUSEL_ALBUM",
        }
    ]
    for comment in FACEBOOK_COMMENTS:
        graph.replies.setdefault(comment.post_id, []).append(
            {
                "id": comment.comment_id,
                "message": comment.text,
                "created": now - comment.age,
                "from": {"id": comment.sender_id, "name": comment.name},
            }
        )
    graph.replies.setdefault(INSTAGRAM_POST.remote_id, []).append(
        {
            "id": INSTAGRAM_COMMENT.comment_id,
            "text": INSTAGRAM_COMMENT.text,
            "username": INSTAGRAM_COMMENT.name,
            "created": now - INSTAGRAM_COMMENT.age,
            "from": {"id": INSTAGRAM_COMMENT.sender_id},
        }
    )
    graph.mentioned_comments[INSTAGRAM_MENTION.comment_id] = {
        "id": INSTAGRAM_MENTION.comment_id,
        "text": INSTAGRAM_MENTION.text,
        "username": INSTAGRAM_MENTION.name,
        "timestamp": _stamp(now - INSTAGRAM_MENTION.age),
    }
    graph.last_user_message[(PAGE_ID, MESSENGER_MESSAGE.sender_id)] = now - MESSENGER_MESSAGE.age
    for message in (WHATSAPP_OPEN, WHATSAPP_CLOSED):
        graph.last_user_message[(WHATSAPP_NUMBER_ID, message.sender_id)] = now - message.age
    return page


def seed_linkedin(linkedin: FakeLinkedIn, now: float | None = None) -> str:
    """Gemeente Duinwijk's organisation page, administered by the fake's member, with the
    posts the demo shows as published; its token is :data:`LINKEDIN_TOKEN`."""
    now = time.time() if now is None else now
    urn = f"urn:li:organization:{LINKEDIN_ORG_ID}"
    linkedin.organizations[LINKEDIN_ORG_ID] = {
        "id": int(LINKEDIN_ORG_ID),
        "localizedName": LINKEDIN_ORG_NAME,
        "vanityName": "gemeente-duinwijk",
    }
    linkedin.followers[urn] = 1850
    linkedin.administered.append(LINKEDIN_ORG_ID)
    linkedin.tokens[LINKEDIN_TOKEN] = {
        "state": "ok",
        "scopes": set(linkedin.tokens[linkedin.token]["scopes"]),
    }
    for post in LINKEDIN_POSTS:
        stamp = int((now - post.age) * 1000)
        linkedin.posts[post.remote_id] = {
            "author": urn,
            "commentary": post.text,
            "id": post.remote_id,
            "createdAt": stamp,
            "publishedAt": stamp,
            "lastModifiedAt": stamp,
        }
        linkedin.comments[post.remote_id] = []
    return LINKEDIN_ORG_ID
