"""Inbox fixtures: Acme's own accounts and mentions made to measure."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

import pytest

from koers.engagement import actions
from koers.engagement.tests import metahooks
from koers.listening.models import Mention
from koers.networks.testing.meta_inbox import FakeMetaInbox
from koers.publishing import actions as publishing_actions
from koers.publishing.connect import Account
from koers.publishing.models import Channel

_numbers = count(1)
NOON = datetime(2026, 11, 18, 11, 0, tzinfo=UTC)  # a Wednesday, 12:00 in Amsterdam


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_mention(workspace, text: str = "Wanneer wordt het afval opgehaald?", **fields) -> Mention:
    number = next(_numbers)
    values = {
        "network": "mastodon",
        "remote_id": f"https://voorbeeld.social/users/jan/statuses/{number}",
        "url": f"https://voorbeeld.social/@jan/{number}",
        "author_handle": "@jan@voorbeeld.social",
        "author_name": "Jan",
        "text": text,
        "text_hash": f"{number:016x}",
        "lang": "nl",
        "sentiment": "neutral",
        "published_at": NOON,
    }
    values.update(fields)
    values.setdefault("ingested_at", values["published_at"])
    return Mention.objects.create(workspace=workspace, **values)


@pytest.fixture
def mention():
    return make_mention


def own_channel(workspace, network: str = "mastodon", **fields) -> Channel:
    values = {
        "name": f"{network} eigen account",
        "endpoint": "https://mastodon.nl",
        "handle": "",
        "account": "@acme@mastodon.nl" if network == "mastodon" else "",
        "is_demo": True,
    }
    values.update(fields)
    channel = Channel(workspace=workspace, network=network, **values)
    channel.set_secret("not-used")
    channel.save()
    return channel


@pytest.fixture
def acme_accounts(acme):
    """Acme's Mastodon account @acme@mastodon.nl and Bluesky account acme.nl."""
    return {
        "mastodon": own_channel(acme),
        "bluesky": own_channel(
            acme, "bluesky", name="Bluesky", endpoint="https://bsky.social", handle="acme.nl"
        ),
    }


@pytest.fixture
def toot_item(acme, anna, mastodon_server):
    """A citizen's question on the channel's own instance, in Acme's inbox."""
    status = mastodon_server.add_remote_status(
        "Wanneer gaat de milieustraat weer open?", acct="jan"
    )
    mention = make_mention(
        acme, "Wanneer gaat de milieustraat weer open?", remote_id=status["uri"], url=status["url"]
    )
    item, _created = actions.add_manually(mention, anna)
    item.status_id = status["id"]
    return item


# ---------------------------------------------------------------------------------------------
# Meta: the fake Graph API, its Page (with an Instagram account) and Acme's channels on it
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def graph(settings):
    with FakeMetaInbox() as fake:
        fake.fetch_media = False
        settings.KOERS_META_URL = fake.url
        yield fake


@pytest.fixture
def page(graph):
    return graph.add_page("Gemeente Zonnedal", instagram="zonnedal")


@pytest.fixture
def app(acme, anna, graph):
    return publishing_actions.save_network_app(
        acme,
        anna,
        provider="meta",
        client_id=graph.client_id,
        client_secret=metahooks.SECRET,
        extra_secrets={"verify_token": "verify-me-please"},
    )


@pytest.fixture
def channels(acme, anna, graph, page, app):
    common = {"endpoint": graph.url, "access_token": page.token}
    facebook, instagram = publishing_actions.connect_oauth_channels(
        acme,
        anna,
        [
            Account(
                "facebook", page.page_id, page.name, "", extra={"page_id": page.page_id}, **common
            ),
            Account(
                "instagram",
                page.instagram_id,
                "Zonnedal",
                page.instagram_username,
                extra={"ig_user_id": page.instagram_id, "page_id": page.page_id},
                **common,
            ),
        ],
    )
    return facebook, instagram


@pytest.fixture
def whatsapp(acme, graph):
    number, token = graph.add_whatsapp_number()
    channel = Channel(
        workspace=acme,
        network="whatsapp",
        name="Klantenservice",
        endpoint=graph.url,
        handle="",
        account_id=number,
        extra={"phone_number_id": number},
    )
    channel.set_secret(token)
    channel.save()
    return channel
