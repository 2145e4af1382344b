"""Notify fixtures: a fake chat service, destinations on it, and the things worth telling
(an item in review, a failed post, an overdue inbox message, an alert, a broken channel)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.utils import timezone

from koers.alerts.models import AlertEvent, AlertRule, RuleKind
from koers.engagement.models import InboxItem, Origin
from koers.listening.models import Mention
from koers.networks.testing.chat import FakeChatReceiver
from koers.notify import actions
from koers.notify.models import ALL_KINDS
from koers.publishing import actions as publishing
from koers.publishing.models import Channel, Network

_ids = count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.BASE_URL = "https://koers.gemeente.example"


@pytest.fixture
def chat():
    with FakeChatReceiver() as fake:
        yield fake


@pytest.fixture
def destination(acme, anna, chat):
    """``destination(kind="slack", events=ALL_KINDS, name=...)``, made an hour ago."""

    def make(kind="slack", events=None, name=None, url=None):
        made = actions.create_destination(
            acme, anna, name=name or f"Kanaal {next(_ids)}", kind=kind,
            url=url or f"{chat.url}/{kind}/T0/B{next(_ids)}/secret",
            events=list(ALL_KINDS if events is None else events),
        )  # fmt: skip
        made.created_at = timezone.now() - timedelta(hours=1)
        made.save(update_fields=["created_at"])
        return made

    return make


@pytest.fixture
def channel(acme, anna) -> Channel:
    return publishing.connect_channel(
        acme, anna, network=Network.WEBHOOK, name="Intranet",
        endpoint="https://intranet.example/hook", secret="s",
    )  # fmt: skip


@pytest.fixture
def submitted(acme, dirk, channel):
    """``submitted(title)``: an item Dirk (contributor) submitted for approval."""

    def make(title="Fietsdag zaterdag"):
        item = publishing.save_item(
            acme, dirk, title=title, text=f"{title}: kom langs!", channel_texts={channel.pk: ""}
        )
        return publishing.submit_item(item, dirk)

    return make


@pytest.fixture
def inbox_item(acme):
    """``inbox_item(due=..., assignee=None)``: an open inbox message."""

    def make(*, due=None, assignee=None, text="Waarom is het zwembad dicht?"):
        n = next(_ids)
        now = timezone.now()
        mention = Mention.objects.create(
            workspace=acme, network="mastodon", remote_id=f"n{n}",
            url=f"https://social.example/@jan/{n}", author_handle="@jan@social.example",
            text=text, text_hash=f"{n:016x}", lang="nl", sentiment="neutral",
            published_at=now - timedelta(hours=5), ingested_at=now - timedelta(hours=5),
        )  # fmt: skip
        return InboxItem.objects.create(
            workspace=acme, mention=mention, origin=Origin.ADDRESSED,
            received_at=mention.published_at, due_at=due or now - timedelta(hours=1),
            assignee=assignee,
        )  # fmt: skip

    return make


@pytest.fixture
def alert(acme, anna):
    """``alert()``: a keyword alert that fired just now."""

    def make(name="Zwembad"):
        rule = AlertRule.objects.create(
            workspace=acme, name=f"{name} {next(_ids)}", kind=RuleKind.KEYWORD, query="zwembad"
        )
        now = timezone.now()
        return AlertEvent.objects.create(
            workspace=acme, rule=rule, kind=RuleKind.KEYWORD, window_key=f"k{next(_ids)}",
            window_start=now - timedelta(hours=1), window_end=now,
            figures={"match_count": 3}, mention_ids=[],
        )  # fmt: skip

    return make


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
