"""Workspace isolation: a stranger gets 404 on every measurement URL, exports included."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koers.measurement import actions
from koers.measurement.models import ManualMetric, ReportSchedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_things(acme, anna):
    from datetime import date

    entry = actions.record_manual_metric(
        acme, anna, metric="web_visits", day=date(2026, 10, 1), value=5
    )
    schedule = actions.create_report_schedule(
        acme, anna, recipients="pers@acme.nl", frequency="monthly", language="nl", campaign=""
    )
    return entry, schedule


def urls(slug, entry_id, schedule_id):
    get = [
        reverse("measurement:index", args=[slug]),
        reverse("measurement:catalogue", args=[slug]),
        reverse("measurement:posts", args=[slug]),
        reverse("measurement:mentions", args=[slug]),
        reverse("measurement:evaluate", args=[slug]),
        reverse("measurement:objectives", args=[slug]),
        reverse("measurement:inputs", args=[slug]),
        reverse("measurement:report", args=[slug]),
        reverse("measurement:report", args=[slug]) + "?period=2026-10&format=html",
        reverse("measurement:report", args=[slug]) + "?period=2026-10&format=csv",
        reverse("measurement:report", args=[slug]) + "?period=2026-10&format=pdf",
    ]
    post = [
        reverse("measurement:input-add", args=[slug]),
        reverse("measurement:input-import", args=[slug]),
        reverse("measurement:input-delete", args=[slug, entry_id]),
        reverse("measurement:schedule-add", args=[slug]),
        reverse("measurement:schedule-delete", args=[slug, schedule_id]),
    ]
    return get, post


def test_outsider_gets_404_on_every_measurement_url(acme, bolt, carla, client_for, acme_things):
    entry, schedule = acme_things
    client = client_for(carla)
    get, post = urls(acme.slug, entry.pk, schedule.pk)
    for url in get:
        assert client.get(url).status_code == 404, url
    for url in post:
        assert client.post(url, {}).status_code == 404, url
    assert ManualMetric.objects.filter(pk=entry.pk).exists()
    assert ReportSchedule.objects.filter(pk=schedule.pk).exists()


def test_objects_of_another_workspace_are_404_in_your_own(
    acme, bolt, carla, client_for, acme_things
):
    entry, schedule = acme_things
    client = client_for(carla)
    _get, post = urls(bolt.slug, entry.pk, schedule.pk)
    assert client.post(post[2]).status_code == 404
    assert client.post(post[4]).status_code == 404
    assert ManualMetric.objects.filter(pk=entry.pk).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(acme, client):
    response = client.get(reverse("measurement:index", args=[acme.slug]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_editor_may_delete_an_entry_but_not_in_a_workspace_they_left(
    acme, bram, client_for, acme_things
):
    entry, _schedule = acme_things
    response = client_for(bram).post(
        reverse("measurement:input-delete", args=[acme.slug, entry.pk])
    )
    assert response.status_code == 302
    assert not ManualMetric.objects.filter(pk=entry.pk).exists()
