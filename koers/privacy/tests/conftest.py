"""Privacy fixtures: a citizen (Jan) whose posts, inbox messages, alert and influencer row are
spread over Acme's apps, beside another person (Els) whose data must survive."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from koers.alerts.models import AlertEvent, AlertRule, RuleKind
from koers.engagement.models import InboxItem, Note, Reply, ReplyState, Status
from koers.listening.models import HourlyRollup, Mention, MentionTopic, Topic
from koers.publishing.models import Channel
from koers.strategy.models import Cycle, Influencer

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
_numbers = count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_mention(
    workspace,
    *,
    handle="@jan@voorbeeld.social",
    name="Jan Jansen",
    text="Hallo",
    days_ago=1,
    topic=None,
    **fields,
) -> Mention:
    number = next(_numbers)
    published = NOW - timedelta(days=days_ago)
    mention = Mention.objects.create(
        workspace=workspace,
        network="mastodon",
        remote_id=f"https://voorbeeld.social/statuses/{number}",
        url=f"https://voorbeeld.social/@x/{number}",
        author_handle=handle,
        author_name=name,
        text=text,
        text_hash=f"{number:016x}",
        lang="nl",
        sentiment="neutral",
        published_at=published,
        ingested_at=published,
        **fields,
    )
    if topic is not None:
        MentionTopic.objects.create(
            workspace=workspace, mention=mention, topic=topic, published_at=published
        )
        cell, _ = HourlyRollup.objects.get_or_create(
            workspace=workspace,
            topic=topic,
            network="mastodon",
            lang="nl",
            sentiment="neutral",
            hour=published.replace(minute=0, second=0, microsecond=0),
        )
        cell.count += 1
        cell.save(update_fields=["count"])
    return mention


def make_inbox_item(mention, *, status=Status.ANSWERED, note="Jan belde ook al", reply="Dank!"):
    item = InboxItem.objects.create(
        workspace=mention.workspace,
        mention=mention,
        origin="manual",
        received_at=mention.published_at,
        due_at=mention.published_at + timedelta(hours=4),
        status=status,
        answered_at=mention.published_at + timedelta(hours=1)
        if status == Status.ANSWERED
        else None,
    )
    Note.objects.create(workspace=mention.workspace, item=item, text=note)
    channel = Channel.objects.filter(workspace=mention.workspace).first()
    if channel is None:
        channel = Channel(
            workspace=mention.workspace,
            network="mastodon",
            name="Eigen",
            endpoint="https://mastodon.nl",
            is_demo=True,
        )
        channel.set_secret("not-used")
        channel.save()
    Reply.objects.create(
        workspace=mention.workspace,
        item=item,
        channel=channel,
        text=reply,
        in_reply_to=mention.remote_id,
        state=ReplyState.SENT,
    )
    return item


@pytest.fixture
def topic(acme):
    return Topic.objects.create(workspace=acme, name="Acme", kind="brand", query="acme")


@pytest.fixture
def jan(acme, topic):
    """Jan's data in Acme: two posts (one in the inbox), a post by Els naming him, a keyword
    alert quoting his post, and an influencer row."""
    post = make_mention(acme, text="Mijn fiets van Acme is kapot", topic=topic, days_ago=40)
    asked = make_mention(acme, text="Wanneer is Acme open?", topic=topic, days_ago=40)
    item = make_inbox_item(asked)
    named = make_mention(
        acme,
        handle="@els@voorbeeld.social",
        name="Els",
        topic=topic,
        text="Ik ben het eens met @jan@voorbeeld.social over Acme",
        mentioned=["jan@voorbeeld.social"],
    )
    rule = AlertRule.objects.create(
        workspace=acme, name="Kapot", kind=RuleKind.KEYWORD, query="kapot"
    )
    event = AlertEvent.objects.create(
        workspace=acme,
        rule=rule,
        kind=RuleKind.KEYWORD,
        window_key="k1",
        window_start=NOW - timedelta(days=40),
        window_end=NOW - timedelta(days=39),
        mention_ids=[post.pk, named.pk],
        figures={"match_count": 2},
    )
    cycle = Cycle.objects.create(
        workspace=acme, name="2026", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    influencer = Influencer.objects.create(
        workspace=acme,
        cycle=cycle,
        name="Jan Jansen",
        handle="@jan@voorbeeld.social",
        network="Mastodon",
        reach=300,
    )
    return {
        "post": post,
        "asked": asked,
        "item": item,
        "named": named,
        "event": event,
        "influencer": influencer,
    }


@pytest.fixture
def els(acme, topic):
    """Another person's post and inbox message: erasing Jan must leave them alone."""
    post = make_mention(
        acme,
        handle="@els@voorbeeld.social",
        name="Els",
        text="Acme is top",
        topic=topic,
        days_ago=2,
    )
    return {"post": post, "item": make_inbox_item(post, note="Els is tevreden")}
