"""Listening fixtures: topics for Acme and Bolt, and a factory for incoming posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from koers.listening.models import Topic, TopicKind
from koers.networks.base import IncomingPost

_numbers = count(1)
BASE_TIME = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)


def make_post(text: str, **overrides) -> IncomingPost:
    """An IncomingPost with sensible defaults; every call gets a new remote id."""
    number = next(_numbers)
    values = {
        "network": "mastodon",
        "remote_id": f"https://social.example/statuses/{number}",
        "url": f"https://social.example/@jan/{number}",
        "author_handle": "@jan@social.example",
        "author_name": "Jan",
        "text": text,
        "lang": None,
        "created_at": BASE_TIME + timedelta(minutes=number),
    }
    values.update(overrides)
    return IncomingPost(**values)


@pytest.fixture
def post():
    return make_post


@pytest.fixture
def acme_topics(acme):
    """Acme's brand and one competitor."""
    return {
        "brand": Topic.objects.create(
            workspace=acme, name="Acme", kind=TopicKind.BRAND, query="acme OR #acmefietsen"
        ),
        "rival": Topic.objects.create(
            workspace=acme, name="Gazelle", kind=TopicKind.COMPETITOR, query="gazelle"
        ),
    }


@pytest.fixture
def bolt_topic(bolt):
    return Topic.objects.create(
        workspace=bolt, name="Bolt", kind=TopicKind.BRAND, query="bolt OR acme"
    )
