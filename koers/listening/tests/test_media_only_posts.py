"""Posts without text but with media or a link card are mentions too: a Mastodon video with
alt text, a Bluesky reply that is only a GIF card. Shapes as the networks send them."""

from __future__ import annotations

import pytest

from koers.listening.models import Mention, Topic
from koers.listening.pipeline import Pipeline
from koers.networks.jetstream import event_to_post
from koers.networks.mastodon import status_to_incoming

pytestmark = pytest.mark.django_db

MASTODON_VIDEO = {
    "id": "113520843512345678",
    "created_at": "2026-11-20T09:15:00.000Z",
    "in_reply_to_id": None,
    "in_reply_to_account_id": None,
    "sensitive": False,
    "spoiler_text": "",
    "visibility": "public",
    "language": None,
    "uri": "https://mastodon.social/users/fietsfan/statuses/113520843512345678",
    "url": "https://mastodon.social/@fietsfan/113520843512345678",
    "replies_count": 0,
    "reblogs_count": 1,
    "favourites_count": 4,
    "edited_at": None,
    "content": "",
    "reblog": None,
    "account": {
        "id": "109",
        "username": "fietsfan",
        "acct": "fietsfan",
        "display_name": "Fietsfan",
        "url": "https://mastodon.social/@fietsfan",
    },
    "media_attachments": [
        {
            "id": "113520840000000001",
            "type": "video",
            "url": "https://files.mastodon.social/media_attachments/files/113/520/840/original/a.mp4",
            "preview_url": "https://files.mastodon.social/media_attachments/files/113/520/840/small/a.png",
            "remote_url": None,
            "meta": {"original": {"width": 360, "height": 640, "duration": 12.5}},
            "description": "Een Acme e-bike rijdt over de boulevard van Scheveningen",
            "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
        }
    ],
    "mentions": [],
    "tags": [],
    "emojis": [],
    "card": None,
    "poll": None,
}

BLUESKY_GIF_REPLY = {
    "did": "did:plc:w4xbfzo7kqfes5zb7r6qv3rw",
    "time_us": 1764000000123456,
    "kind": "commit",
    "commit": {
        "rev": "3lcgmzdnl5s2t",
        "operation": "create",
        "collection": "app.bsky.feed.post",
        "rkey": "3lcgmzdkfbc2t",
        "record": {
            "$type": "app.bsky.feed.post",
            "createdAt": "2026-11-20T09:16:00.000Z",
            "embed": {
                "$type": "app.bsky.embed.external",
                "external": {
                    "description": "Alt: a cat nodding enthusiastically",
                    "thumb": {
                        "$type": "blob",
                        "ref": {"$link": "bafkreibme22gw2h7y2eunmbiohzubm3wqyh3s4mfpzhu3lrhdpmc"},
                        "mimeType": "image/jpeg",
                        "size": 38210,
                    },
                    "title": "Acme Yes GIF",
                    "uri": "https://media.tenor.com/fA8hd9tT7LMAAAAC/acme-yes.gif?hh=280&ww=498",
                },
            },
            "langs": ["en"],
            "reply": {
                "parent": {
                    "cid": "bafyreihqqy3ljmvbs5vp7sm6lthhtv7k3fd35dptkn2xzpfbsbdnrjv3ue",
                    "uri": "at://did:plc:acme/app.bsky.feed.post/3lcglp5hgdk2c",
                },
                "root": {
                    "cid": "bafyreihqqy3ljmvbs5vp7sm6lthhtv7k3fd35dptkn2xzpfbsbdnrjv3ue",
                    "uri": "at://did:plc:acme/app.bsky.feed.post/3lcglp5hgdk2c",
                },
            },
            "text": "",
        },
        "cid": "bafyreid7gyhxoz4vxfm2d2hw4sqkfzs4vbjzzjlyrwoyguxr4qgd6a6xnq",
    },
}


@pytest.fixture
def acme_topic(acme):
    return Topic.objects.create(workspace=acme, name="Acme", kind="brand", query="acme")


def test_a_mastodon_video_without_text_is_stored_with_its_alt_text(acme, acme_topic):
    report = Pipeline(acme).ingest([status_to_incoming(MASTODON_VIDEO, "mastodon.social")])

    assert (report.stored, report.failed) == (1, 0)
    mention = Mention.objects.get()
    assert mention.text == "Een Acme e-bike rijdt over de boulevard van Scheveningen"
    assert mention.url == "https://mastodon.social/@fietsfan/113520843512345678"


def test_a_mastodon_link_card_keeps_its_title_as_text_and_its_address_as_a_link(acme, acme_topic):
    status = {
        **MASTODON_VIDEO,
        "media_attachments": [],
        "card": {
            "url": "https://www.acme.example/nieuws/e-bike-2027",
            "title": "Acme presenteert de e-bike van 2027",
            "description": "",
            "type": "link",
        },
    }

    Pipeline(acme).ingest([status_to_incoming(status, "mastodon.social")])

    mention = Mention.objects.get()
    assert mention.text == "Acme presenteert de e-bike van 2027"
    assert mention.links == ["https://www.acme.example/nieuws/e-bike-2027"]


def test_a_bluesky_reply_that_is_only_a_gif_card_is_stored_with_the_card(acme, acme_topic):
    post = event_to_post(BLUESKY_GIF_REPLY)

    report = Pipeline(acme).ingest([post])

    assert (report.stored, report.failed) == (1, 0)
    mention = Mention.objects.get()
    assert mention.text == "Acme Yes GIF"
    assert mention.links == ["https://media.tenor.com/fA8hd9tT7LMAAAAC/acme-yes.gif?hh=280&ww=498"]
    assert mention.reply_to == "at://did:plc:acme/app.bsky.feed.post/3lcglp5hgdk2c"
