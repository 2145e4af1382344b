"""The inbox part of ``koers demo``: citizens' questions to Gemeente Duinwijk's own accounts.

The messages go through the real listening import and the real triage classifier (they
mention the demo channels' accounts); then a few are answered, closed, assigned or annotated
through the inbox actions, so the list shows every state: open, overdue, answered, closed.

Facebook comments, an Instagram comment and mention, a Messenger message and WhatsApp
messages arrive the way Meta sends them: webhook payloads (the ids and texts of
:mod:`koers.networks.testing.duinwijk`, what the fake Graph API holds) stored as
:class:`MetaEvent` rows and processed by :mod:`koers.engagement.meta`. The Instagram mention
carries only ids: its text is read from the Graph API with the account's token, so it needs
the fake (``KOERS_META_URL``); without it the demo leaves the mention out.
"""

from __future__ import annotations

import time as clock
from datetime import time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from koers.engagement import actions, meta, triage
from koers.engagement.models import InboxItem, MetaEvent, MetaEventState, Reply, ReplyState
from koers.listening import actions as listening_actions
from koers.listening.models import Mention, Source, SourceKind
from koers.networks.base import IncomingPost
from koers.networks.testing import duinwijk as world
from koers.publishing.models import Channel

MASTODON_ACCOUNT = "@duinwijk@mastodon.nl"
BLUESKY = "@duinwijk.nl"

# (hours ago, network, author, name, text, what happens)
MESSAGES = [
    (100, "bluesky", "@sanne41.bsky.social", "Sanne V.",
     f"{BLUESKY} Ik heb een gat in de stoep in Duinwijk gemeld via de app, melding 48213, maar "
     "nog steeds geen reactie. Er is al iemand over gestruikeld!", "overdue"),
    (98, "mastodon", "@kees88@mastodon.social", "Kees B.",
     f"{MASTODON_ACCOUNT} Waarom duurt mijn aanvraag voor een parkeervergunning in Duinwijk zo "
     "lang? Al vijf weken niets gehoord, slechte service.", "overdue-assigned"),
    (97, "bluesky", "@lotte7.bsky.social", "Lotte D.",
     f"{BLUESKY} Wanneer wordt het grofvuil in de Duinstraat in Duinwijk opgehaald? Het staat "
     "al een week buiten.", "answered-koers"),
    (96, "mastodon", "@fatima12@mastodon.nl", "Fatima E.",
     f"{MASTODON_ACCOUNT} Waar kan ik in Duinwijk mijn verlopen paspoort inleveren?",
     "answered-elsewhere"),
    (95, "bluesky", "@daan203.bsky.social", "Daan K.",
     f"Dank {BLUESKY} voor het snelle opruimen van de omgewaaide boom in Duinwijk! Top werk.",
     "closed-thanks"),
    (94, "mastodon", "@growth4u@mstdn.io", "Growth4U",
     f"{MASTODON_ACCOUNT} Duinwijk, koop nu 10.000 echte volgers voor maar 9 euro!!!",
     "closed-spam"),
    (30, "mastodon", "@noor55@social.vlaanderen", "Noor P.",
     f"{MASTODON_ACCOUNT} Wat zijn de openingsuren van het onthaal in Duinwijk tijdens de "
     "feestdagen?", "answered-koers"),
    (6, "bluesky", "@pieter77.bsky.social", "Pieter J.",
     f"{BLUESKY} De lantaarnpaal bij de Zeeweg in Duinwijk is al drie dagen kapot. Het is 's "
     "avonds echt donker en onveilig.", "open-assigned"),
    (3, "mastodon", "@emma3@toot.community", "Emma S.",
     f"{MASTODON_ACCOUNT} Gaat het strandfeest in Duinwijk zaterdag nog door ondanks de storm?",
     "open-note"),
    (1, "bluesky", "@mo310.bsky.social", "Mo A.",
     f"{BLUESKY} Rijdt de bus in Duinwijk echt niet meer door de Kerkstraat? Mijn moeder is "
     "slecht ter been.", "open"),
    (0.3, "mastodon", "@yara19@mastodon.nl", "Yara L.",
     f"{MASTODON_ACCOUNT} Wanneer gaat het zwembad in Duinwijk weer open na de renovatie?",
     "open"),
]  # fmt: skip

NOTES = {
    "open-note": "Navragen bij evenementen (Marieke); antwoord na het weerbericht van 14:00.",
    "overdue-assigned": "Vergunningen heeft een achterstand; vraag om het zaaknummer.",
}
REPLIES = {
    "answered-koers": "Goede vraag! Het grofvuil wordt donderdag opgehaald. Excuses voor het "
    "wachten.",
}


def _import(ctx, source: Source) -> list[Mention]:  # noqa: ANN001 - DemoContext
    now = timezone.now()
    posts = [
        IncomingPost(
            network=network,
            remote_id=f"demo-inbox-{index}",
            url="",
            author_handle=author,
            author_name=name,
            text=text,
            lang="nl",
            created_at=now - timedelta(hours=hours),
        )
        for index, (hours, network, author, name, text, _what) in enumerate(MESSAGES)
    ]
    pairs = ((f"inbox {i}", post) for i, post in enumerate(posts, start=1))
    listening_actions.import_posts(ctx.workspace, ctx.owner, source, pairs)
    return list(
        Mention.objects.filter(workspace=ctx.workspace, remote_id__startswith="demo-inbox-")
    )


def build(ctx) -> str:  # noqa: ANN001 - koers.core.demo.DemoContext
    workspace, owner = ctx.workspace, ctx.owner
    # The demo channels point nowhere, so no health check reports their account: say it here.
    Channel.objects.filter(workspace=workspace, network="mastodon", is_demo=True).update(
        account=MASTODON_ACCOUNT
    )
    actions.update_settings(
        workspace, owner, target_minutes=240, use_office_hours=True,
        office_days=[0, 1, 2, 3, 4], office_start=time(8, 30), office_end=time(17),
    )  # fmt: skip
    source = listening_actions.create_source(
        workspace, owner, name="Eigen accounts (demo)", kind=SourceKind.FILE
    )
    mentions = _import(ctx, source)
    triage.triage_batch(mentions, timezone.now())
    what = {f"demo-inbox-{i}": m[5] for i, m in enumerate(MESSAGES)}
    items = InboxItem.objects.filter(workspace=workspace).select_related("mention", "workspace")
    for item in items:
        _act(item, what[item.mention.remote_id], owner)
    count = items.count()
    stored, waiting = _meta_messages(ctx)
    summary = f"inbox: {count} messages (open, overdue, answered and closed)"
    if stored:
        summary += f", {stored} from Facebook, Instagram and WhatsApp"
    if waiting:
        summary += f" ({waiting} waiting for the fake Graph API)"
    return summary


def _meta_payloads(now: float) -> list[dict[str, Any]]:
    """Webhook deliveries as Meta sends them (Page ``feed`` and ``messaging``, Instagram
    ``comments``, WhatsApp Cloud API ``messages``)."""
    page: list[dict[str, Any]] = [
        {
            "object": "page",
            "entry": [
                {
                    "id": world.PAGE_ID,
                    "time": int(now),
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "from": {"id": c.sender_id, "name": c.name},
                                "item": "comment",
                                "comment_id": c.comment_id,
                                "post_id": c.post_id,
                                "verb": "add",
                                "created_time": int(now - c.age),
                                "message": c.text,
                                "parent_id": c.post_id,
                            },
                        }
                    ],
                }
            ],
        }
        for c in world.FACEBOOK_COMMENTS
    ]
    comment = world.INSTAGRAM_COMMENT
    instagram = {
        "object": "instagram",
        "entry": [
            {
                "id": world.IG_USER_ID,
                "time": int(now),
                "changes": [
                    {
                        "field": "comments",
                        "value": {
                            "from": {"id": comment.sender_id, "username": comment.name},
                            "media": {"id": comment.post_id, "media_product_type": "FEED"},
                            "id": comment.comment_id,
                            "text": comment.text,
                        },
                    }
                ],
            }
        ],
    }
    message = world.MESSENGER_MESSAGE
    messenger = {
        "object": "page",
        "entry": [
            {
                "id": world.PAGE_ID,
                "time": int(now),
                "messaging": [
                    {
                        "sender": {"id": message.sender_id},
                        "recipient": {"id": world.PAGE_ID},
                        "timestamp": int((now - message.age) * 1000),
                        "message": {"mid": message.message_id, "text": message.text},
                    }
                ],
            }
        ],
    }
    whatsapp = [
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": world.WHATSAPP_ACCOUNT_ID,
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": world.WHATSAPP_DISPLAY_NUMBER,
                                    "phone_number_id": world.WHATSAPP_NUMBER_ID,
                                },
                                "contacts": [{"profile": {"name": m.name}, "wa_id": m.sender_id}],
                                "messages": [
                                    {
                                        "from": m.sender_id,
                                        "id": m.message_id,
                                        "timestamp": str(int(now - m.age)),
                                        "type": "text",
                                        "text": {"body": m.text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
        for m in (world.WHATSAPP_CLOSED, world.WHATSAPP_OPEN)
    ]
    return [*page, instagram, messenger, *whatsapp]


def _mention_payload(now: float) -> dict[str, Any]:
    mention = world.INSTAGRAM_MENTION
    return {
        "object": "instagram",
        "entry": [
            {
                "id": world.IG_USER_ID,
                "time": int(now),
                "changes": [
                    {
                        "field": "mentions",
                        "value": {"media_id": mention.post_id, "comment_id": mention.comment_id},
                    }
                ],
            }
        ],
    }


def _meta_messages(ctx) -> tuple[int, int]:  # noqa: ANN001 - DemoContext
    """Store and process the Meta deliveries; returns (items stored, events still waiting)."""
    # Events are kept by their stable key across workspaces: a rebuilt demo (--reset) sends
    # the same deliveries again, so the earlier ones of the demo accounts go first.
    accounts = (world.PAGE_ID, world.IG_USER_ID, world.WHATSAPP_ACCOUNT_ID)
    MetaEvent.objects.filter(account_id__in=accounts).delete()
    now = clock.time()
    payloads = _meta_payloads(now)
    if settings.KOERS_META_URL:
        payloads.append(_mention_payload(now))
    new = [pk for payload in payloads for pk in meta.store(payload)]
    for pk in new:
        meta.process(pk)
    waiting = MetaEvent.objects.filter(pk__in=new).exclude(state=MetaEventState.DONE).count()
    items = InboxItem.objects.filter(
        workspace=ctx.workspace, mention__network__in=("facebook", "instagram", "whatsapp")
    ).select_related("mention")
    for item in items:
        _act_meta(item, ctx.owner)
    return items.count(), waiting


def _act_meta(item: InboxItem, owner) -> None:  # noqa: ANN001 - a user
    if item.mention.remote_id == world.FACEBOOK_COMMENTS[2].comment_id:
        actions.close(item, owner, reason="no_question", note="Compliment, doorgestuurd aan het "
                      "projectteam fietsbrug.")  # fmt: skip
    elif item.mention.remote_id == world.FACEBOOK_COMMENTS[1].comment_id:
        actions.assign(item, owner, owner)
        actions.add_note(item, owner, "Navragen bij verkeer: is de omleiding rolstoelvriendelijk?")


def _act(item: InboxItem, what: str, owner) -> None:  # noqa: ANN001 - a user
    if what in ("overdue-assigned", "open-assigned", "open-note"):
        actions.assign(item, owner, owner)
    if what in NOTES:
        actions.add_note(item, owner, NOTES[what])
    if what == "answered-elsewhere":
        actions.mark_answered_elsewhere(item, owner, at=item.received_at + timedelta(hours=2))
    elif what == "answered-koers":
        at = item.received_at + timedelta(minutes=95)
        channel = Channel.objects.filter(
            workspace=item.workspace, network=item.mention.network
        ).first()
        Reply.objects.create(
            workspace=item.workspace, item=item, channel=channel, text=REPLIES[what],
            in_reply_to=item.mention.remote_id, state=ReplyState.SENT, published_at=at,
            created_by=owner, attempts=1,
        )  # fmt: skip
        actions.mark_replied(item.pk, at, owner)
    elif what == "closed-thanks":
        actions.close(item, owner, reason="no_question", note="Bedankje, doorgestuurd aan team.")
    elif what == "closed-spam":
        actions.close(item, owner, reason="spam")
