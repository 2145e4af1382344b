"""The drill-down behind share of voice reads the newest mentions without a DISTINCT sort of
every mention in the period, lists a mention in two counted topics once, and keeps its page
under a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koers.listening.models import HourlyRollup, Mention, MentionTopic, Topic
from koers.measurement import periods
from koers.measurement.sources import mentions_behind

pytestmark = pytest.mark.django_db
OCTOBER = periods.parse("2026-10")


@pytest.fixture
def counted(acme):
    brand = Topic.objects.create(workspace=acme, name="Duinwijk", kind="brand", query="duinwijk")
    rival = Topic.objects.create(workspace=acme, name="Zeestad", kind="competitor", query="zee")
    other = Topic.objects.create(workspace=acme, name="Actie", kind="campaign", query="actie")
    start = datetime(2026, 10, 10, 9, tzinfo=UTC)
    for n in range(30):
        at = start + timedelta(hours=n)
        mention = Mention.objects.create(
            workspace=acme, network="mastodon", remote_id=f"m{n}", text=f"Vermelding {n}",
            text_hash=f"{n:016x}", lang="nl", sentiment="neutral", published_at=at,
        )  # fmt: skip
        topics = [brand, rival] if n % 2 else [other] if n % 3 == 0 else [brand]
        for topic in topics:
            MentionTopic.objects.create(
                workspace=acme, mention=mention, topic=topic, published_at=at
            )
    return brand


def test_each_counted_mention_is_listed_once_newest_first(acme, counted):
    with CaptureQueriesContext(connection) as captured:
        found = mentions_behind(acme, OCTOBER, limit=50)

    texts = [ref.text for ref in found]
    expected = [f"Vermelding {n}" for n in reversed(range(30)) if n % 2 or n % 3]
    assert texts == expected
    assert not any("DISTINCT" in q["sql"].upper() for q in captured.captured_queries)
    assert found[0].topics == ("Duinwijk", "Zeestad")


def test_the_drill_down_page_stays_under_its_query_ceiling(
    acme, anna, client_for, counted, django_assert_max_num_queries
):
    client = client_for(anna)
    page = reverse("measurement:mentions", args=[acme.slug])
    client.get(page, {"period": "2026-10"})
    with django_assert_max_num_queries(12):
        response = client.get(page, {"period": "2026-10"})
    assert response.status_code == 200
    assert "Vermelding 29" in response.content.decode()


def test_share_of_voice_reads_the_daily_rollups_not_the_hourly_cells(acme, counted):
    from koers.listening.models import DailyRollup
    from koers.listening.rollups import daily_rollups_ready
    from koers.measurement.sources import mention_totals

    HourlyRollup.objects.create(
        workspace=acme, topic=counted, hour=datetime(2026, 10, 10, 9, tzinfo=UTC),
        network="mastodon", lang="nl", sentiment="positive", count=5,
    )  # fmt: skip
    daily_rollups_ready(acme)
    assert mention_totals(acme, OCTOBER).brand == 5
    # Days that say something else than the hours: the dashboard shows the days.
    DailyRollup.objects.filter(workspace=acme, topic=counted).update(count=40)

    assert mention_totals(acme, OCTOBER).brand == 40
