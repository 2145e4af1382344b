"""Daily rollups (topic × local day × sentiment): the overview and share of voice read them, so
they must always equal the hourly cells summed per local day in the workspace's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from koers.listening import actions
from koers.listening.models import DailyRollup, Mention, RollupZone
from koers.listening.pipeline import Pipeline, forget_posts
from koers.listening.rollups import (
    daily_cells,
    daily_recount,
    daily_rollups_ready,
    rebuild_rollups,
    recount,
    rollup_cells,
)
from koers.listening.tests.conftest import make_post

pytestmark = pytest.mark.django_db

# 23:30 UTC is already the next day in Amsterdam (and still the same day in New York).
LATE = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)


def _ingest(acme):
    return Pipeline(acme).ingest(
        [
            make_post("Acme is geweldig", lang="nl", created_at=LATE),
            make_post("Acme is slecht en kapot", lang="nl", created_at=LATE),
            make_post(
                "Acme en Gazelle", lang="nl", created_at=datetime(2026, 11, 19, 8, tzinfo=UTC)
            ),
        ]
    )


def test_daily_cells_follow_ingest_corrections_and_deletions(acme, anna, acme_topics):
    daily_rollups_ready(acme)  # the days exist before the mentions arrive
    _ingest(acme)
    zone = ZoneInfo(acme.time_zone)
    assert daily_cells(acme) == daily_recount(acme, zone)
    assert sum(daily_cells(acme).values()) == sum(recount(acme).values()) == 4
    late_day = LATE.astimezone(zone).date()
    assert {day for (_t, day, _s) in daily_cells(acme)} >= {late_day}

    mention = Mention.objects.filter(workspace=acme, text="Acme is geweldig").get()
    actions.correct_sentiment(mention, anna, "negative")
    assert daily_cells(acme) == daily_recount(acme, zone)

    forget_posts(acme, "mastodon", [mention.remote_id])
    assert daily_cells(acme) == daily_recount(acme, zone)
    assert sum(daily_cells(acme).values()) == 3
    assert rollup_cells(acme) == recount(acme)


def test_a_new_time_zone_rebuilds_the_days_before_they_are_read(acme, acme_topics):
    daily_rollups_ready(acme)
    _ingest(acme)
    acme.time_zone = "America/New_York"
    acme.save(update_fields=["time_zone"])

    daily_rollups_ready(acme)

    assert RollupZone.objects.get(workspace=acme).zone == "America/New_York"
    assert daily_cells(acme) == daily_recount(acme, ZoneInfo("America/New_York"))
    assert {day for (_t, day, _s) in daily_cells(acme)} == {
        LATE.date(),
        date(2026, 11, 19),
    }


def test_a_new_time_zone_is_counted_again_in_the_background_not_by_a_page(
    acme, anna, acme_topics, client_for, django_capture_on_commit_callbacks
):
    """At a million mentions counting the days again takes a minute: the settings page
    queues it, the listening pages read the days as they are until the task has run."""
    from django_tasks_db.models import DBTaskResult

    from koers.listening.tasks import count_days_again

    daily_rollups_ready(acme)
    _ingest(acme)
    amsterdam = daily_cells(acme)
    client = client_for(anna)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace-settings", args=[acme.slug]),
            {
                "name": acme.name,
                "time_zone": "America/New_York",
                "language": "nl",
                "kind": acme.kind,
            },
            follow=True,
        )
    assert "opnieuw geteld in de nieuwe tijdzone" in response.content.decode()
    queued = DBTaskResult.objects.filter(task_path__endswith="count_days_again")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [acme.pk]

    assert client.get(reverse("listening:index", args=[acme.slug])).status_code == 200
    assert RollupZone.objects.get(workspace=acme).zone == "Europe/Amsterdam"  # not in the page
    assert daily_cells(acme) == amsterdam

    assert count_days_again.call(acme.pk) is True
    assert RollupZone.objects.get(workspace=acme).zone == "America/New_York"
    assert daily_cells(acme) == daily_recount(acme, ZoneInfo("America/New_York"))
    assert daily_cells(acme) != amsterdam
    assert count_days_again.call(acme.pk) is False  # a second run finds them counted


def test_saving_other_settings_queues_no_count(acme, anna, client_for):
    from django_tasks_db.models import DBTaskResult

    daily_rollups_ready(acme)
    response = client_for(anna).post(
        reverse("workspace-settings", args=[acme.slug]),
        {"name": "Acme Fietsen", "time_zone": acme.time_zone, "language": "en", "kind": acme.kind},
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.name == "Acme Fietsen"
    assert not DBTaskResult.objects.filter(task_path__endswith="count_days_again").exists()


def test_a_workspace_without_days_is_counted_when_a_page_first_reads_them(
    acme, anna, acme_topics, client_for
):
    _ingest(acme)
    RollupZone.objects.filter(workspace=acme).delete()
    DailyRollup.objects.filter(workspace=acme).delete()

    assert client_for(anna).get(reverse("listening:index", args=[acme.slug])).status_code == 200

    assert RollupZone.objects.get(workspace=acme).zone == acme.time_zone
    assert daily_cells(acme) == daily_recount(acme, ZoneInfo(acme.time_zone)) != {}


def test_rebuilding_the_rollups_rebuilds_the_days(acme, acme_topics):
    _ingest(acme)
    DailyRollup.objects.filter(workspace=acme).update(count=99)

    rebuild_rollups(acme)

    assert daily_cells(acme) == daily_recount(acme, ZoneInfo(acme.time_zone))


def test_the_overview_reads_its_totals_from_the_daily_rollups(client_for, anna, acme, acme_topics):
    from django.utils import timezone

    now = timezone.now()
    Pipeline(acme).ingest([make_post("Acme top", lang="nl", created_at=now)] * 1)
    rebuild_rollups(acme)
    # Make the days say something the hourly cells don't: the page must show the days.
    DailyRollup.objects.filter(workspace=acme, topic=acme_topics["brand"]).update(count=7)

    response = client_for(anna).get(reverse("listening:index", args=[acme.slug]))

    rows = {topic.name: total for topic, total, _split in response.context["rows"]}
    assert rows["Acme"] == 7
