"""Author days (topic × local day × network × author): the topic page's top authors read them,
so they must always equal the links counted per local day of the mention in the workspace's
zone, also across a clock change, after Jetstream deletes, backfills and privacy erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from koers.listening import stats
from koers.listening.models import AuthorDay, Mention, RollupZone
from koers.listening.pipeline import Pipeline, backfill_topic, forget_posts
from koers.listening.rollups import (
    author_cells,
    author_recount,
    daily_rollups_ready,
    rebuild_rollups,
)
from koers.listening.tests.conftest import make_post

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# 25 October 2026: the clocks go back at 01:00 UTC (03:00 CEST → 02:00 CET), a 25-hour day.
BEFORE_MIDNIGHT = datetime(2026, 10, 24, 21, 30, tzinfo=UTC)  # 23:30 CEST, 24 October
AFTER_MIDNIGHT = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 CEST, 25 October
IN_THE_EXTRA_HOUR = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, the second time
LATE_ON_THE_DAY = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # 23:30 CET, 25 October
NEXT_DAY = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # 00:30 CET, 26 October


def _by(handle: str, when: datetime, text: str = "Acme fietsen", **extra) -> object:
    return make_post(
        text, author_handle=handle, author_name=handle.upper(), created_at=when, **extra
    )


def _counts(workspace) -> dict[tuple[str, date, str], int]:
    """(topic name, day, handle) → count, from the stored author days."""
    rows = AuthorDay.objects.filter(workspace=workspace).values_list(
        "topic__name", "day", "author_handle", "count"
    )
    return {(t, d, h): n for t, d, h, n in rows}


def test_author_days_follow_ingest_per_local_day_across_the_clock_change(acme, acme_topics):
    assert acme.time_zone == "Europe/Amsterdam"
    daily_rollups_ready(acme)  # the days exist before the mentions arrive
    Pipeline(acme).ingest(
        [
            _by("@jan", BEFORE_MIDNIGHT),
            _by("@jan", AFTER_MIDNIGHT),
            _by("@jan", IN_THE_EXTRA_HOUR, "Acme en Gazelle"),
            _by("@els", LATE_ON_THE_DAY),
            _by("@jan", NEXT_DAY),
        ]
    )

    assert _counts(acme) == {
        ("Acme", date(2026, 10, 24), "@jan"): 1,
        ("Acme", date(2026, 10, 25), "@jan"): 2,
        ("Gazelle", date(2026, 10, 25), "@jan"): 1,
        ("Acme", date(2026, 10, 25), "@els"): 1,
        ("Acme", date(2026, 10, 26), "@jan"): 1,
    }
    assert author_cells(acme) == author_recount(acme, AMSTERDAM)
    assert AuthorDay.objects.get(author_handle="@els").author_name == "@ELS"


def test_the_top_authors_of_the_25_hour_day_are_its_mentions_only(acme, acme_topics):
    daily_rollups_ready(acme)
    Pipeline(acme).ingest(
        [
            _by("@jan", BEFORE_MIDNIGHT),
            _by("@jan", AFTER_MIDNIGHT),
            _by("@jan", IN_THE_EXTRA_HOUR),
            _by("@els", LATE_ON_THE_DAY),
            _by("@els", NEXT_DAY),
            _by("@els", NEXT_DAY + timedelta(minutes=5)),
        ]
    )
    with timezone.override(AMSTERDAM):
        day = stats.period_of(1, now=LATE_ON_THE_DAY)
        assert day.end.astimezone(UTC) - day.start.astimezone(UTC) == timedelta(hours=25)
        top = stats.top_authors(acme, acme_topics["brand"], day)
        two_days = stats.top_authors(acme, acme_topics["brand"], stats.period_of(2, NEXT_DAY))

    assert [(a["author_handle"], a["name"], a["n"]) for a in top] == [
        ("@jan", "@JAN", 2),
        ("@els", "@ELS", 1),
    ]
    assert [(a["author_handle"], a["n"]) for a in two_days] == [("@els", 3), ("@jan", 2)]


def test_a_jetstream_delete_takes_the_mention_out_of_the_author_days(acme, acme_topics):
    daily_rollups_ready(acme)
    one = _by("@jan", AFTER_MIDNIGHT, network="bluesky", remote_id="at://did:plc:jan/post/1")
    two = _by("@jan", LATE_ON_THE_DAY, network="bluesky", remote_id="at://did:plc:jan/post/2")
    Pipeline(acme).ingest([one, two, _by("@els", LATE_ON_THE_DAY)])
    assert _counts(acme)[("Acme", date(2026, 10, 25), "@jan")] == 2

    assert forget_posts(acme, "bluesky", ["at://did:plc:jan/post/1"]) == 1
    assert _counts(acme)[("Acme", date(2026, 10, 25), "@jan")] == 1

    forget_posts(acme, "bluesky", ["at://did:plc:jan/post/2", "at://never/stored"])
    assert _counts(acme) == {("Acme", date(2026, 10, 25), "@els"): 1}  # the empty cell is gone
    assert author_cells(acme) == author_recount(acme, AMSTERDAM)


def test_a_backfilled_topic_counts_its_authors(acme, acme_topics):
    from koers.listening.models import Topic, TopicKind

    daily_rollups_ready(acme)
    Pipeline(acme).ingest([_by("@jan", AFTER_MIDNIGHT, "Acme en Batavus")])
    topic = Topic.objects.create(
        workspace=acme, name="Batavus", kind=TopicKind.COMPETITOR, query="batavus"
    )

    assert backfill_topic(topic) == 1
    assert backfill_topic(topic) == 0  # a second run adds nothing

    assert _counts(acme)[("Batavus", date(2026, 10, 25), "@jan")] == 1
    assert author_cells(acme) == author_recount(acme, AMSTERDAM)


def test_a_new_time_zone_counts_the_author_days_again(acme, acme_topics):
    daily_rollups_ready(acme)
    Pipeline(acme).ingest([_by("@jan", AFTER_MIDNIGHT), _by("@els", NEXT_DAY)])
    acme.time_zone = "America/New_York"
    acme.save(update_fields=["time_zone"])

    daily_rollups_ready(acme)

    assert RollupZone.objects.get(workspace=acme).zone == "America/New_York"
    assert _counts(acme) == {
        ("Acme", date(2026, 10, 24), "@jan"): 1,  # 18:30 in New York
        ("Acme", date(2026, 10, 25), "@els"): 1,
    }


def test_rebuilding_the_rollups_counts_the_author_days_again(acme, acme_topics):
    Pipeline(acme).ingest([_by("@jan", AFTER_MIDNIGHT), _by("@jan", LATE_ON_THE_DAY)])
    AuthorDay.objects.filter(workspace=acme).update(count=99, author_handle="@wrong")

    rebuild_rollups(acme)

    assert _counts(acme) == {("Acme", date(2026, 10, 25), "@jan"): 2}


def test_the_topic_page_lists_the_top_authors_from_the_author_days(
    client_for, anna, acme, acme_topics
):
    now = timezone.now()
    Pipeline(acme).ingest(
        [_by("@jan", now - timedelta(minutes=m)) for m in (1, 2, 3)]
        + [_by("@els", now - timedelta(minutes=4))]
    )
    rebuild_rollups(acme)
    url = reverse("listening:topic", args=[acme.slug, acme_topics["brand"].pk])
    response = client_for(anna).get(url)
    assert [(a["author_handle"], a["n"]) for a in response.context["authors"]] == [
        ("@jan", 3),
        ("@els", 1),
    ]

    # The page shows the author days, not a count over the links.
    AuthorDay.objects.filter(workspace=acme, author_handle="@els").update(count=5)
    response = client_for(anna).get(url)
    assert [(a["author_handle"], a["n"]) for a in response.context["authors"]] == [
        ("@els", 5),
        ("@jan", 3),
    ]
    assert "@ELS" in response.content.decode()


def test_erasing_a_person_removes_them_from_the_author_days(anna, acme, acme_topics):
    from koers.privacy.actions import erase_subject
    from koers.privacy.subjects import Subject

    daily_rollups_ready(acme)
    Pipeline(acme).ingest([_by("@jan", AFTER_MIDNIGHT), _by("@els", AFTER_MIDNIGHT)])

    erase_subject(acme, anna, Subject.parse("@jan"))

    assert not Mention.objects.filter(author_handle="@jan").exists()
    assert _counts(acme) == {("Acme", date(2026, 10, 25), "@els"): 1}


def test_retention_removes_old_handles_from_the_author_days(acme, acme_topics):
    from koers.privacy.actions import apply_retention, save_retention

    daily_rollups_ready(acme)
    Pipeline(acme).ingest([_by("@jan", AFTER_MIDNIGHT), _by("@els", NEXT_DAY)])
    save_retention(acme, None, mention_days=None, inbox_days=None, author_days=1)  # type: ignore[arg-type]

    with time_machine.travel(NEXT_DAY + timedelta(hours=12), tick=False):
        apply_retention(acme)

    assert _counts(acme) == {
        ("Acme", date(2026, 10, 25), ""): 1,  # the count stays, the handle is gone
        ("Acme", date(2026, 10, 26), "@els"): 1,
    }
