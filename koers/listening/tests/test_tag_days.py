"""Tag days (topic × hashtag or link × local day): the topic page's top hashtags and links read
them, so they must always equal the topic's mentions counted per local day of the mention
(each value once per mention), after ingest, an import, Jetstream deletes, backfills, erasure
and a new time zone; and the page must show what a count of the mentions shows."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koers.listening import actions, rules, stats
from koers.listening.importing import read_posts
from koers.listening.models import HASHTAG, LINK, TAG_LENGTH, MentionTopic, TagDay, Topic
from koers.listening.pipeline import Pipeline, backfill_topic, forget_posts
from koers.listening.rollups import daily_rollups_ready, rebuild_rollups, tag_cells, tag_recount
from koers.listening.tests.conftest import make_post

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BEFORE_MIDNIGHT = datetime(2026, 10, 24, 21, 30, tzinfo=UTC)  # 23:30 CEST, 24 October
AFTER_MIDNIGHT = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 CEST, 25 October
IN_THE_EXTRA_HOUR = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET (clocks went back)


def _counts(workspace) -> dict[tuple[str, str, date, str], int]:
    """(topic name, kind, day, value) → count, from the stored tag days."""
    rows = TagDay.objects.filter(workspace=workspace).values_list(
        "topic__name", "kind", "day", "value", "count"
    )
    return {(t, k, d, v): n for t, k, d, v, n in rows}


def test_tag_days_follow_ingest_per_local_day_and_count_a_value_once_per_mention(acme, acme_topics):
    daily_rollups_ready(acme)
    Pipeline(acme).ingest(
        [
            make_post("Acme #fiets #Fiets #fiets", created_at=BEFORE_MIDNIGHT),
            make_post(
                "Acme en Gazelle #fiets https://nieuws.example/1",
                created_at=AFTER_MIDNIGHT,
                links=("https://nieuws.example/1", "https://nieuws.example/1"),
            ),
            make_post("acme #regen", created_at=IN_THE_EXTRA_HOUR, hashtags=("zon",)),
        ]
    )

    assert _counts(acme) == {
        ("Acme", HASHTAG, date(2026, 10, 24), "fiets"): 1,  # three times in one post: once
        ("Acme", HASHTAG, date(2026, 10, 25), "fiets"): 1,
        ("Gazelle", HASHTAG, date(2026, 10, 25), "fiets"): 1,
        ("Acme", LINK, date(2026, 10, 25), "https://nieuws.example/1"): 1,
        ("Gazelle", LINK, date(2026, 10, 25), "https://nieuws.example/1"): 1,
        ("Acme", HASHTAG, date(2026, 10, 25), "regen"): 1,
        ("Acme", HASHTAG, date(2026, 10, 25), "zon"): 1,
    }
    assert tag_cells(acme) == tag_recount(acme, AMSTERDAM)


def test_an_import_fills_the_tag_days_as_a_recount_would(acme, anna, acme_topics):
    daily_rollups_ready(acme)
    source = actions.file_source(acme, anna, "archive")
    rows = [
        {
            "id": f"p{i}",
            "text": f"Acme fietsen #tag{i % 3} https://nieuws.example/{i % 2}",
            "created_at": (AFTER_MIDNIGHT + timedelta(hours=i)).isoformat(),
            "author": "@jan@social.example",
            "network": "mastodon",
            "links": [f"https://nieuws.example/{i % 2}"],
        }
        for i in range(30)
    ]
    lines = "".join(json.dumps(r) + "\n" for r in rows).encode()

    report = actions.import_posts(acme, anna, source, read_posts(io.BytesIO(lines), "jsonl"))

    assert report.stored == 30
    assert tag_cells(acme) == tag_recount(acme, AMSTERDAM)
    assert sum(n for (_t, kind, _d, _v), n in tag_cells(acme).items() if kind == LINK) == 30
    assert sum(n for (_t, kind, _d, _v), n in tag_cells(acme).items() if kind == HASHTAG) == 30


def test_a_jetstream_delete_takes_the_mention_out_of_the_tag_days(acme, acme_topics):
    daily_rollups_ready(acme)
    one = make_post(
        "Acme #fiets", created_at=AFTER_MIDNIGHT, network="bluesky", remote_id="at://did:plc:j/1"
    )
    two = make_post(
        "Acme #fiets #regen",
        created_at=AFTER_MIDNIGHT,
        network="bluesky",
        remote_id="at://did:plc:j/2",
        links=("https://nieuws.example/1",),
    )
    Pipeline(acme).ingest([one, two])
    assert _counts(acme)[("Acme", HASHTAG, date(2026, 10, 25), "fiets")] == 2

    assert forget_posts(acme, "bluesky", ["at://did:plc:j/2", "at://never/stored"]) == 1

    assert _counts(acme) == {("Acme", HASHTAG, date(2026, 10, 25), "fiets"): 1}  # empty: gone
    assert tag_cells(acme) == tag_recount(acme, AMSTERDAM)
    forget_posts(acme, "bluesky", ["at://did:plc:j/1"])
    assert _counts(acme) == {}


def test_a_backfilled_topic_counts_its_hashtags_and_links(acme, acme_topics):
    from koers.listening.models import TopicKind

    daily_rollups_ready(acme)
    Pipeline(acme).ingest(
        [
            make_post(
                "Acme en Batavus #fiets",
                created_at=AFTER_MIDNIGHT,
                links=("https://nieuws.example/9",),
            )
        ]
    )
    topic = Topic.objects.create(
        workspace=acme, name="Batavus", kind=TopicKind.COMPETITOR, query="batavus"
    )

    assert backfill_topic(topic) == 1
    assert backfill_topic(topic) == 0  # a second run adds nothing

    assert _counts(acme)[("Batavus", HASHTAG, date(2026, 10, 25), "fiets")] == 1
    assert _counts(acme)[("Batavus", LINK, date(2026, 10, 25), "https://nieuws.example/9")] == 1
    assert tag_cells(acme) == tag_recount(acme, AMSTERDAM)


def test_a_new_time_zone_or_a_rebuild_counts_the_tag_days_again(acme, acme_topics):
    daily_rollups_ready(acme)
    Pipeline(acme).ingest([make_post("Acme #fiets", created_at=AFTER_MIDNIGHT)])
    acme.time_zone = "America/New_York"
    acme.save(update_fields=["time_zone"])

    daily_rollups_ready(acme)

    assert _counts(acme) == {("Acme", HASHTAG, date(2026, 10, 24), "fiets"): 1}  # 18:30 there
    TagDay.objects.filter(workspace=acme).update(count=7, value="wrong")
    rebuild_rollups(acme)
    assert _counts(acme) == {("Acme", HASHTAG, date(2026, 10, 24), "fiets"): 1}


def test_the_database_recount_equals_the_python_count_of_awkward_lists(acme, acme_topics):
    """The rebuild unnests the JSON lists in the database; it must count exactly what
    ``tags_of`` counts: each value once per mention after the cut, no empty or null values,
    per local day at the clock change, a mention in two topics in both."""
    from koers.listening.models import Mention

    daily_rollups_ready(acme)
    long = "https://nieuws.example/" + "b" * 600
    Pipeline(acme).ingest(
        [
            make_post("Acme en Gazelle #fiets #Fiets #fiets", created_at=BEFORE_MIDNIGHT),
            make_post("Acme #fiets", created_at=AFTER_MIDNIGHT, links=(long, long + "x")),
            make_post("Acme #fiets #zondag", created_at=IN_THE_EXTRA_HOUR),
            make_post("Gazelle #ŝtraat", created_at=IN_THE_EXTRA_HOUR),
        ]
    )
    odd = Mention.objects.filter(workspace=acme, text="Acme #fiets #zondag").get()
    odd.hashtags = ["zondag", "", None, "zondag", "fiets"]
    odd.save(update_fields=["hashtags"])
    expected = tag_recount(acme, AMSTERDAM)
    assert expected[(acme_topics["brand"].pk, LINK, date(2026, 10, 25), long[:TAG_LENGTH])] == 1
    assert expected[(acme_topics["brand"].pk, HASHTAG, date(2026, 10, 25), "zondag")] == 1
    TagDay.objects.filter(workspace=acme).update(count=9)

    rebuild_rollups(acme)

    assert tag_cells(acme) == expected
    rival = acme_topics["rival"].pk
    assert expected[(rival, HASHTAG, date(2026, 10, 24), "fiets")] == 1  # in both topics
    assert expected[(rival, HASHTAG, date(2026, 10, 25), "ŝtraat")] == 1
    assert expected[(acme_topics["brand"].pk, HASHTAG, date(2026, 10, 25), "fiets")] == 2
    assert len(expected) == 6


def test_erasing_a_person_removes_their_mentions_from_the_tag_days(anna, acme, acme_topics):
    from koers.privacy.actions import erase_subject
    from koers.privacy.subjects import Subject

    daily_rollups_ready(acme)
    Pipeline(acme).ingest(
        [
            make_post("Acme #geheim", created_at=AFTER_MIDNIGHT, author_handle="@jan"),
            make_post("Acme #fiets", created_at=AFTER_MIDNIGHT, author_handle="@els"),
        ]
    )

    erase_subject(acme, anna, Subject.parse("@jan"))

    assert _counts(acme) == {("Acme", HASHTAG, date(2026, 10, 25), "fiets"): 1}


def test_a_very_long_link_is_counted_cut_to_the_stored_length(acme, acme_topics):
    daily_rollups_ready(acme)
    long = "https://nieuws.example/" + "a" * 600
    Pipeline(acme).ingest([make_post("Acme", created_at=AFTER_MIDNIGHT, links=(long,))])

    assert _counts(acme) == {("Acme", LINK, date(2026, 10, 25), long[:TAG_LENGTH]): 1}
    assert tag_cells(acme) == tag_recount(acme, AMSTERDAM)


def test_the_topic_page_shows_the_same_top_hashtags_and_links_as_a_count_of_its_mentions(
    client_for, anna, acme, acme_topics
):
    daily_rollups_ready(acme)  # (else the first read counts the days: a recount)
    now = timezone.now()
    posts = [
        make_post(
            f"Acme #tag{i % 4} #tag{i % 7}",
            created_at=now - timedelta(hours=i),
            links=(f"https://nieuws.example/{i % 5}",),
        )
        for i in range(60)
    ]
    Pipeline(acme).ingest(posts)
    brand = acme_topics["brand"]
    period = stats.period_of(30)
    links = MentionTopic.objects.filter(
        topic=brand, published_at__gte=period.start, published_at__lt=period.end
    ).values_list("mention__hashtags", "mention__links")
    expected_tags = rules.top_counts(r[0] for r in links)
    expected_links = rules.top_counts(r[1] for r in links)

    url = reverse("listening:topic", args=[acme.slug, brand.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client_for(anna).get(url)

    assert response.context["hashtags"] == expected_tags
    assert response.context["links"] == expected_links
    assert response.context["hashtags"][0] == ("tag0", 15 + 9 - 3)  # #tag0 twice in a post: once
    # The page reads the tag days, never the mentions' hashtags or links.
    read = [q["sql"] for q in captured.captured_queries]
    assert [sql for sql in read if '"hashtags"' in sql or '"links"' in sql] == []

    TagDay.objects.filter(workspace=acme, kind=HASHTAG, value="tag6").update(count=1000)
    assert client_for(anna).get(url).context["hashtags"][0][0] == "tag6"


def test_rising_terms_read_only_the_newest_texts_of_each_period(acme, acme_topics, monkeypatch):
    monkeypatch.setattr(stats, "RISING_SAMPLE", 5)
    now = timezone.now()
    period = stats.period_of(7)
    new = [make_post("Acme nieuwbouw", created_at=now - timedelta(minutes=i)) for i in range(5)]
    old = [make_post("Acme parkeren", created_at=now - timedelta(hours=5 + i)) for i in range(5)]
    Pipeline(acme).ingest(new + old)

    insights = stats.topic_insights(acme, acme_topics["brand"], period)

    assert [t.term for t in insights["rising"]] == ["nieuwbouw"]  # the older five: not read
