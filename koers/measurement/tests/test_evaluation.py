"""Closing a cycle: evaluate each objective, then start the next cycle with those baselines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from koers.core.models import AuditEvent, Membership, Role
from koers.measurement.models import ObjectiveEvaluation
from koers.measurement.tests.conftest import add_post
from koers.strategy import actions as strategy_actions
from koers.strategy.models import Cycle, Objective, ObjectiveKpi

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(acme, anna):
    cycle = strategy_actions.create_cycle(
        acme, anna, name="2026 H2", period_start=date(2026, 7, 1), period_end=date(2026, 12, 31)
    )
    obj = Objective.objects.create(
        workspace=acme, cycle=cycle, title="Meer applaus per bericht", baseline=Decimal("4"),
        target=Decimal("8"), start=date(2026, 10, 1), deadline=date(2026, 10, 31),
    )  # fmt: skip
    ObjectiveKpi.objects.create(workspace=acme, objective=obj, kpi_id="applause_rate")
    add_post(acme, "a", datetime(2026, 10, 3, 9, tzinfo=UTC), likes=10, replies=0, reposts=0)
    add_post(acme, "b", datetime(2026, 10, 9, 9, tzinfo=UTC), likes=8, replies=0, reposts=0)
    return obj


def evaluate_url(acme, obj):
    return reverse("measurement:evaluate-objective", args=[acme.slug, obj.pk])


def test_evaluation_page_prefills_the_measured_value_and_suggests_reached(
    acme, anna, client_for, goal
):
    """(10 + 8) / 2 = 9 likes per post ≥ target 8: reached."""
    with time_machine.travel(datetime(2026, 11, 2, 12, tzinfo=UTC), tick=False):
        response = client_for(anna).get(reverse("measurement:evaluate", args=[acme.slug]))
    (item,) = response.context["rows"]
    assert item.form.initial == {"value": 9.0, "reached": True}
    assert "Meer applaus per bericht" in response.content.decode()


def test_evaluating_writes_the_result_that_becomes_the_next_baseline(acme, bram, client_for, goal):
    client = client_for(bram)
    with time_machine.travel(datetime(2026, 11, 2, 12, tzinfo=UTC), tick=False):
        response = client.post(
            evaluate_url(acme, goal),
            {f"o{goal.pk}-value": "9", f"o{goal.pk}-reached": "on",
             f"o{goal.pk}-learnings": "Foto's van de wijk werken het best."},
        )  # fmt: skip
        assert response.status_code == 302
        page = client.get(reverse("measurement:evaluate", args=[acme.slug])).content.decode()
        assert reverse("strategy:cycle-new", args=[acme.slug]) in page
        client.post(
            reverse("strategy:cycle-new", args=[acme.slug]),
            {"name": "2027 H1", "period_start": "2027-01-01", "period_end": "2027-06-30",
             "carry": ["objectives"], "confirm": "1"},
        )  # fmt: skip
    evaluation = ObjectiveEvaluation.objects.get(objective=goal)
    assert (evaluation.value, evaluation.reached) == (9.0, True)
    assert evaluation.learnings == "Foto's van de wijk werken het best."
    goal.refresh_from_db()
    assert (goal.result, goal.result_date) == (Decimal("9.00"), date(2026, 11, 2))
    new = Cycle.objects.get(workspace=acme, status="active")
    assert new.name == "2027 H1"
    carried = new.objectives.get()
    assert (carried.baseline, carried.baseline_date) == (Decimal("9.00"), date(2026, 11, 2))
    assert list(carried.kpis.values_list("kpi_id", flat=True)) == ["applause_rate"]
    assert AuditEvent.objects.filter(action="measurement.evaluate").count() == 1


def test_viewer_cannot_evaluate_and_outsider_gets_404(acme, carla, bolt, client_for, goal):
    client = client_for(carla)
    assert client.post(evaluate_url(acme, goal), {}).status_code == 404
    assert client.get(reverse("measurement:evaluate", args=[acme.slug])).status_code == 404
    Membership.objects.create(workspace=acme, user=carla, role=Role.VIEWER)
    assert client.post(evaluate_url(acme, goal), {}).status_code == 403
    assert not ObjectiveEvaluation.objects.exists()


def test_an_objective_of_another_workspace_is_404(acme, bolt, carla, client_for, goal):
    response = client_for(carla).post(
        reverse("measurement:evaluate-objective", args=[bolt.slug, goal.pk]), {}
    )
    assert response.status_code == 404


def test_a_wrong_evaluated_value_is_marked_at_its_field_with_one_summary(
    acme, anna, client_for, goal
):
    with time_machine.travel(datetime(2026, 11, 2, 12, tzinfo=UTC), tick=False):
        response = client_for(anna).post(evaluate_url(acme, goal), {f"o{goal.pk}-value": "veel"})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="form-errors"') == 1
    assert page.count('class="field has-error"') == 1
    assert f'name="o{goal.pk}-value" value="veel"' in page
    assert not ObjectiveEvaluation.objects.exists()
