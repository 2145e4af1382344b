"""Objective progress against the strategy app's SMART objectives, and the funnel targets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from koers.measurement import progress
from koers.measurement.formulas import ProgressStatus
from koers.measurement.tests.conftest import add_post
from koers.strategy import actions as strategy_actions
from koers.strategy.models import FunnelStage, Objective, ObjectiveKpi

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(acme, anna):
    return strategy_actions.create_cycle(
        acme, anna, name="2026 H2", period_start=date(2026, 7, 1), period_end=date(2026, 12, 31)
    )


def objective(cycle, title, kpi, *, baseline, target, variant="", start, deadline):
    obj = Objective.objects.create(
        workspace=cycle.workspace, cycle=cycle, title=title, baseline=Decimal(baseline),
        target=Decimal(target), start=start, deadline=deadline,
    )  # fmt: skip
    ObjectiveKpi.objects.create(
        workspace=cycle.workspace, objective=obj, kpi_id=kpi, variant=variant
    )
    return obj


def test_progress_compares_the_kpi_since_the_start_with_baseline_and_target(acme, cycle):
    """Applause: baseline 4, target 8 likes per post by 31 Oct, from 1 Oct. On 16 Oct half the
    time has passed (15 of 30 days): expected 0.5. Two posts with 10 and 4 likes: 7 per post,
    (7 − 4) / (8 − 4) = 0.75 ≥ 0.9 · 0.5, so on track."""
    objective(cycle, "Meer applaus", "applause_rate", baseline="4", target="8",
              start=date(2026, 10, 1), deadline=date(2026, 10, 31))  # fmt: skip
    add_post(acme, "a", datetime(2026, 10, 3, 9, tzinfo=UTC), likes=10, replies=0, reposts=0)
    add_post(acme, "b", datetime(2026, 10, 9, 9, tzinfo=UTC), likes=4, replies=0, reposts=0)
    (row,) = progress.for_workspace(acme, date(2026, 10, 16))
    assert row.value.value == 7.0
    assert row.progress.status is ProgressStatus.ON_TRACK
    assert (row.percent_done, row.percent_expected) == (75, 50)
    assert str(row.period) == "2026-10-01..2026-10-16"


def test_a_kpi_without_posts_has_no_value_and_says_why(acme, cycle):
    objective(cycle, "Gesprekken", "conversation_rate", baseline="1", target="2",
              start=date(2026, 10, 1), deadline=date(2026, 10, 31))  # fmt: skip
    (row,) = progress.for_workspace(acme, date(2026, 10, 16))
    assert row.progress.status is ProgressStatus.NO_VALUE
    assert row.display == "—"


def test_objectives_page_shows_status_and_the_rule(acme, anna, client_for, cycle):
    objective(cycle, "Meer applaus", "applause_rate", baseline="4", target="8",
              start=date(2026, 10, 1), deadline=date(2026, 10, 31))  # fmt: skip
    add_post(acme, "a", datetime(2026, 10, 3, 9, tzinfo=UTC), likes=4, replies=0, reposts=0)
    with time_machine.travel(datetime(2026, 10, 30, 12, tzinfo=UTC), tick=False):
        response = client_for(anna).get(reverse("measurement:objectives", args=[acme.slug]))
    text = response.content.decode()
    assert "Meer applaus" in text and "Applausratio" in text
    assert "Uit koers" in text  # 4 per post: no progress at all near the deadline
    assert "Op koers als de werkelijke voortgang minstens 90%" in text


def test_funnel_shows_the_strategy_stage_names_and_targets(acme, anna, client_for, cycle):
    from koers.measurement import actions

    FunnelStage.objects.filter(cycle=cycle, position=0).update(name="Inwoners", count=20000)
    FunnelStage.objects.filter(cycle=cycle, position=1).update(count=3000)
    actions.record_manual_metric(acme, anna, metric="funnel_stage", day=date(2026, 10, 2),
                                 stage=1, value=18000)  # fmt: skip
    board = (
        client_for(anna)
        .get(reverse("measurement:index", args=[acme.slug]), {"period": "2026-10"})
        .context["board"]
    )
    name, row, target, _step, cumulative = board.funnel_rows[0]
    assert (name, row.count, target, cumulative) == ("Inwoners", 18000, 20000, "100,0%")
    assert board.funnel_rows[1][2] == 3000


def test_a_second_kpi_of_an_objective_does_not_borrow_its_baseline(acme, cycle):
    """The baseline belongs to the objective's own metric (its first KPI)."""
    obj = objective(cycle, "Sneller antwoord", "response_rate", baseline="71", target="90",
                    start=date(2026, 10, 1), deadline=date(2026, 10, 31))  # fmt: skip
    ObjectiveKpi.objects.create(
        workspace=acme, objective=obj, kpi_id="response_time", variant="median",
        target=Decimal("7200"),
    )  # fmt: skip
    first, second = progress.for_workspace(acme, date(2026, 10, 16))
    assert (first.objective.baseline, first.objective.target) == (71.0, 90.0)
    assert (second.objective.baseline, second.objective.target) == (None, 7200.0)
    assert second.progress.reason == {
        "en": "A baseline and a target are needed to judge progress.",
        "nl": "Voor een oordeel over de voortgang zijn een nulmeting en een streefwaarde nodig.",
    }
