from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from koers.core import scheduler
from koers.core.models import Heartbeat, PeriodicJob


@task
def sample_job() -> None:
    """A do-nothing task for the scheduler tests."""


@pytest.fixture
def only_sample_job(monkeypatch):
    monkeypatch.setattr(
        scheduler,
        "REGISTRY",
        {"sample": scheduler.Periodic("sample", timedelta(minutes=5), sample_job)},
    )


def test_a_due_job_is_enqueued_once_even_when_two_schedulers_tick(db, only_sample_job):
    now = timezone.now()
    first = scheduler.tick(now=now, claimed_by="worker-a")
    second = scheduler.tick(now=now, claimed_by="worker-b")
    assert first == ["sample"]
    assert second == []
    assert DBTaskResult.objects.filter(task_path__endswith="sample_job").count() == 1
    assert PeriodicJob.objects.get(name="sample").last_claimed_by == "worker-a"


def test_a_job_runs_again_after_its_interval(db, only_sample_job):
    now = timezone.now()
    scheduler.tick(now=now)
    assert scheduler.tick(now=now + timedelta(minutes=4)) == []
    assert scheduler.tick(now=now + timedelta(minutes=5)) == ["sample"]


def test_tick_records_the_scheduler_heartbeat(db, only_sample_job):
    scheduler.tick(claimed_by="w1")
    assert Heartbeat.objects.get(name="scheduler").detail == "w1"


def test_healthz_is_unhealthy_without_heartbeats_and_healthy_with_fresh_ones(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": True}
    assert response.json()["worker"]["ok"] is False
    scheduler.beat("worker")
    scheduler.beat("scheduler")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["ok"] is True


def test_stale_heartbeat_counts_as_down(client, db, settings):
    old = timezone.now() - timedelta(seconds=settings.KOERS_HEARTBEAT_MAX_AGE + 5)
    scheduler.beat("worker", now=old)
    scheduler.beat("scheduler")
    body = client.get(reverse("healthz")).json()
    assert body["worker"]["ok"] is False
    assert body["scheduler"]["ok"] is True


def test_the_worker_heartbeat_job_is_registered(db):
    scheduler.load_task_modules()
    assert "koers.core.tasks.worker_heartbeat" in scheduler.REGISTRY


def test_healthz_calls_the_worker_down_after_three_missed_beats_not_two_minutes(client, db):
    from koers.core.queues import HEARTBEAT_SECONDS

    a_minute_and_more = timezone.now() - timedelta(seconds=3 * HEARTBEAT_SECONDS + 5)
    scheduler.beat("worker", now=a_minute_and_more)
    scheduler.beat("scheduler")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["worker"]["ok"] is False
    scheduler.beat("worker", now=timezone.now() - timedelta(seconds=HEARTBEAT_SECONDS + 5))
    assert client.get(reverse("healthz")).status_code == 200  # one late beat is no outage
