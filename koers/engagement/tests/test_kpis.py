"""Response rate and response time from the inbox, through the KPI layer and ``koers kpi``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from koers.engagement.models import AnsweredHow, InboxItem, Status
from koers.engagement.tests.conftest import make_mention
from koers.measurement import kpis, periods

pytestmark = pytest.mark.django_db
OCTOBER = periods.parse("2026-10")
START = datetime(2026, 10, 6, 8, 0, tzinfo=UTC)


def inbox_item(workspace, received, *, status=Status.OPEN, minutes=None, **fields):
    answered = received + timedelta(minutes=minutes) if minutes is not None else None
    return InboxItem.objects.create(
        workspace=workspace, mention=make_mention(workspace, published_at=received),
        origin="addressed", received_at=received, due_at=received + timedelta(hours=4),
        status=status, answered_at=answered,
        answered_how=AnsweredHow.KOERS if answered else "", **fields,
    )  # fmt: skip


@pytest.fixture
def october_inbox(acme):
    """Five answered (10, 20, 30, 60, 240 min), two still open, one closed as spam; plus one
    answered message received in September and one of another workspace's."""
    for n, minutes in enumerate((10, 20, 30, 60, 240)):
        inbox_item(acme, START + timedelta(days=n), status=Status.ANSWERED, minutes=minutes)
    inbox_item(acme, START + timedelta(days=10))
    inbox_item(acme, START + timedelta(days=11))
    inbox_item(acme, START + timedelta(days=12), status=Status.CLOSED, close_reason="spam")
    inbox_item(acme, START - timedelta(days=20), status=Status.ANSWERED, minutes=1)
    # 22:30 UTC on 31 October is 1 November in Amsterdam: not in October.
    inbox_item(acme, datetime(2026, 10, 31, 23, 30, tzinfo=UTC), status=Status.ANSWERED, minutes=5)


def test_response_rate_is_answered_over_eligible(acme, october_inbox):
    """5 answered of 7 eligible (the spam is closed: not eligible) = 71.4%."""
    result = kpis.compute(kpis.gather(acme, OCTOBER), "response_rate")
    assert (result.numerator, result.denominator) == (5, 7)
    assert round(result.value, 1) == 71.4


def test_response_time_median_mean_and_p90(acme, october_inbox):
    inputs = kpis.gather(acme, OCTOBER)
    assert kpis.compute(inputs, "response_time", "median").value == 30 * 60
    assert kpis.compute(inputs, "response_time", "mean").value == 72 * 60
    assert kpis.compute(inputs, "response_time", "p90").value == 240 * 60


def test_an_empty_inbox_gives_no_value(acme, bolt, october_inbox):
    inputs = kpis.gather(bolt, OCTOBER)
    assert kpis.compute(inputs, "response_rate").value is None
    assert kpis.display(kpis.compute(inputs, "response_time")) == "—"


def test_koers_kpi_compute_prints_the_response_time(acme, october_inbox):
    out = StringIO()
    call_command(
        "kpi", "compute", "response_time", "--workspace", "acme", "--from", "2026-10-01",
        "--to", "2026-10-31", "--variant", "p90", "--json", stdout=out,
    )  # fmt: skip
    body = json.loads(out.getvalue())
    assert (body["value"], body["denominator"]) == (14400.0, 5.0)
