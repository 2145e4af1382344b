"""Publishing fixtures: channels on the local fake servers, and a helper to plan posts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from koers.networks.testing.webhook import FakeWebhookReceiver
from koers.publishing import actions
from koers.publishing.models import Channel, ContentItem, Network

HOOK_SECRET = "hook-secret-for-tests"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The cast's passwords are hashed on every test: the fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def receiver():
    with FakeWebhookReceiver(secret=HOOK_SECRET.encode()) as fake:
        yield fake


@pytest.fixture
def hook(acme, anna, receiver) -> Channel:
    return actions.connect_channel(
        acme,
        anna,
        network=Network.WEBHOOK,
        name="Intranet",
        endpoint=receiver.url + "/hook",
        secret=HOOK_SECRET,
    )


@pytest.fixture
def plan(acme, anna):
    """``plan(channels, text=..., at=aware datetime)``: an approved, scheduled item."""

    def make(
        channels: list[Channel],
        *,
        text: str = "Nieuwe fietsen in de winkel!",
        at: datetime | None = None,
        approve: bool = True,
        **fields,
    ) -> ContentItem:
        when = timezone.localtime(at or timezone.now() + timedelta(hours=1), acme_zone(acme))
        item = actions.save_item(
            acme,
            anna,
            title=fields.pop("title", text[:40]),
            text=text,
            day=when.date(),
            at=when.time().replace(second=0, microsecond=0),
            channel_texts={c.pk: "" for c in channels},
            **fields,
        )
        if approve:
            item = actions.approve_item(item, anna)
        item.refresh_from_db()
        return item

    return make


def acme_zone(workspace):
    from zoneinfo import ZoneInfo

    return ZoneInfo(workspace.time_zone)
