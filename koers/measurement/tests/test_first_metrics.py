"""A new post shows in Measure minutes after it is published: first metrics from a frequent job,
the report counting it from the deliveries, and "figures as of" in the workspace's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from koers.core.scheduler import REGISTRY
from koers.measurement import collect, report, tasks
from koers.measurement.models import MeasuredPost
from koers.measurement.periods import parse
from koers.measurement.tests.conftest import add_post
from koers.measurement.tests.test_collection import channel, published
from koers.networks.base import OutgoingPost
from koers.networks.mastodon import MastodonPublisher
from koers.networks.testing.mastodon import FakeMastodon
from koers.publishing.models import Network

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 20, 12, tzinfo=UTC)


@pytest.fixture
def mastodon_server():
    with FakeMastodon() as fake:
        yield fake


def _post_on(server, text: str, key: str) -> str:
    status = MastodonPublisher(server.url, server.token).publish(OutgoingPost(text=text), key)
    return status.remote_id


def test_a_post_published_minutes_ago_gets_its_first_metrics_from_the_frequent_job(
    acme, mastodon_server
):
    remote_id = _post_on(mastodon_server, "Zwemles in de zomer", "key-fresh")
    mastodon_server.set_counts(remote_id, favourites=5, reblogs=1, replies=0)
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, remote_id, at=NOW - timedelta(minutes=4))

    result = collect.collect_fresh(NOW)

    post = MeasuredPost.objects.get(workspace=acme, remote_id=remote_id)
    assert (result.new_posts, result.post_snapshots) == (1, 1)
    assert post.metrics_at == NOW and post.likes == 5 and post.engagements == 6


def test_the_frequent_job_leaves_older_and_already_measured_posts_to_the_hourly_round(
    acme, mastodon_server
):
    old_id = _post_on(mastodon_server, "Oud bericht", "key-old")
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, old_id, at=NOW - timedelta(hours=3))
    new_id = _post_on(mastodon_server, "Nieuw bericht", "key-new")
    published(acme, chan, new_id, at=NOW - timedelta(minutes=10))
    collect.collect_fresh(NOW)
    later = NOW + timedelta(minutes=5)

    result = collect.collect_fresh(later)

    assert not MeasuredPost.objects.filter(remote_id=old_id).exists()
    assert MeasuredPost.objects.get(remote_id=new_id).metrics_at == NOW  # not measured again
    assert (result.new_posts, result.post_snapshots, result.account_snapshots) == (0, 0, 0)


def test_the_first_metrics_job_runs_every_few_minutes():
    jobs = [job for job in REGISTRY.values() if job.task is tasks.collect_first_metrics]
    assert len(jobs) == 1 and jobs[0].every <= timedelta(minutes=5)


def test_the_report_counts_a_just_published_post_before_its_first_metrics(acme, mastodon_server):
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, "just-now", at=datetime(2026, 10, 20, 9, tzinfo=UTC))
    add_post(acme, "history", datetime(2026, 10, 5, 9, tzinfo=UTC), likes=3)  # no delivery

    html = report.render_html(acme, parse("2026-10"), "en")

    assert not MeasuredPost.objects.filter(remote_id="just-now").exists()
    assert "2 posts were published in this period." in html


def test_a_published_post_with_metrics_is_counted_once(acme, mastodon_server):
    remote_id = _post_on(mastodon_server, "Eén bericht", "key-once")
    chan = channel(acme, Network.MASTODON, "Mastodon", mastodon_server.url, mastodon_server.token)
    published(acme, chan, remote_id, at=NOW - timedelta(minutes=4))
    collect.collect_fresh(NOW)

    html = report.render_html(acme, parse("2026-10"), "nl")

    assert MeasuredPost.objects.filter(remote_id=remote_id).exists()
    assert "In deze periode is 1 bericht gepubliceerd." in html


def test_dashboard_and_report_say_as_of_when_figures_were_collected_in_local_time(
    acme, anna, client_for
):
    post = add_post(acme, "p1", datetime(2026, 10, 5, 9, tzinfo=UTC), likes=3)
    MeasuredPost.objects.filter(pk=post.pk).update(
        metrics_at=datetime(2026, 10, 20, 11, 5, tzinfo=UTC)
    )
    url = reverse("measurement:index", args=[acme.slug])

    dutch = client_for(anna).get(url, {"period": "2026-10"}, HTTP_ACCEPT_LANGUAGE="nl")
    english_report = report.render_html(acme, parse("2026-10"), "en")
    dutch_report = report.render_html(acme, parse("2026-10"), "nl")

    # 11:05 UTC is 13:05 in Amsterdam (summer time until 25 October)
    assert "Cijfers van 20 oktober 2026 13:05 (Europe/Amsterdam)." in dutch.content.decode()
    assert "Figures as of 20 October 2026 13:05 (Europe/Amsterdam)." in english_report
    assert "Cijfers van 20 oktober 2026 13:05 (Europe/Amsterdam)." in dutch_report


def test_before_any_collection_the_dashboard_says_no_figures_yet(acme, anna, client_for):
    url = reverse("measurement:index", args=[acme.slug])
    html = report.render_html(acme, parse("2026-10"), "en")
    text = client_for(anna).get(url, {"period": "2026-10"}).content.decode()
    assert "No figures collected from the networks yet." in html
    assert "figures-as-of" in text
