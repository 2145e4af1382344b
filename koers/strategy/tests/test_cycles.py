"""Strategy cycles: one active per workspace, earlier ones read-only, baselines carried over."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from koers.core.models import AuditEvent
from koers.strategy import actions
from koers.strategy.models import Cycle, CycleStatus, KerkhofsStep
from koers.strategy.tests.conftest import url


def test_strategy_index_offers_to_start_the_first_cycle(client_for, anna, acme):
    response = client_for(anna).get(reverse("strategy:index", args=[acme.slug]))
    assert response.status_code == 200
    assert b'name="period_start"' in response.content


def test_editor_starts_a_cycle_and_lands_on_the_people_step(client_for, bram, acme):
    response = client_for(bram).post(
        reverse("strategy:cycle-new", args=[acme.slug]),
        {"name": "Plan 2026", "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    cycle = Cycle.objects.get(workspace=acme)
    assert response.status_code == 302
    assert response["Location"] == url("people", cycle)
    assert cycle.status == CycleStatus.ACTIVE
    assert KerkhofsStep.objects.filter(cycle=cycle).count() == 8
    assert cycle.funnel_stages.count() == 6
    assert AuditEvent.objects.filter(workspace=acme, action="strategy.cycle_create").count() == 1


def test_period_must_end_after_it_starts(client_for, anna, acme):
    response = client_for(anna).post(
        reverse("strategy:cycle-new", args=[acme.slug]),
        {"name": "Plan", "period_start": "2026-06-01", "period_end": "2026-01-01"},
    )
    assert response.status_code == 200
    assert not Cycle.objects.exists()


def test_an_archived_cycle_can_be_read_but_not_changed(client_for, cycle, anna, acme):
    actions.create_cycle(
        acme, anna, name="Plan 2027", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    client = client_for(anna)
    assert client.get(url("people", cycle)).status_code == 200
    response = client.post(url("people", cycle), {"audience_description": "Nieuw"})
    assert response.status_code == 403
    cycle.refresh_from_db()
    assert cycle.audience_description == ""


def test_cycles_page_compares_the_active_and_earlier_cycles(client_for, duinwijk, anna, acme):
    response = client_for(anna).get(reverse("strategy:cycles", args=[acme.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Webcare op orde 2025" in text
    assert "Duinwijk in gesprek 2026" in text


@pytest.mark.parametrize("step", ["people", "objectives", "strategy", "decision", "plan"])
def test_each_wizard_step_shows_the_progress_of_all_steps(client_for, anna, cycle, step):
    response = client_for(anna).get(url(step, cycle))
    assert response.status_code == 200
    assert response.content.count(b'<span class="num">') == 11
    assert b'aria-current="step"' in response.content


def test_save_and_continue_goes_to_the_next_step_and_keeps_what_was_saved(client_for, anna, cycle):
    client = client_for(anna)
    response = client.post(
        url("people", cycle), {"audience_description": "Forensen", "continue": ""}
    )
    assert response["Location"] == url("technographics", cycle)
    cycle.refresh_from_db()
    assert cycle.audience_description == "Forensen"
    response = client.post(url("people", cycle), {"audience_description": "Forensen 2"})
    assert response["Location"] == url("people", cycle)


def test_overview_shows_completeness_of_each_model(client_for, anna, cycle):
    response = client_for(anna).get(url("overview", cycle))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('class="badge badge-todo"') + text.count("badge badge-locked") == 10


def test_the_demo_cycle_is_complete_apart_from_unfinished_kerkhofs_steps(duinwijk):
    from koers.strategy import status

    report = status.cycle_report(duinwijk)
    rows = {row.key: row.done for row in status.completeness(report)}
    assert rows == {
        "people": True,
        "technographics": True,
        "objectives": True,
        "strategy": True,
        "decision": True,
        "technology": True,
        "kerkhofs": False,  # steps 7 and 8 run during the cycle
        "funnel": True,
        "roos": True,
        "maturity": True,
    }
    assert duinwijk.decision == "go"
    assert report.maturity.current_stage == 2


def test_overview_of_a_full_cycle_uses_a_fixed_number_of_queries(
    client_for, anna, duinwijk, django_assert_max_num_queries
):
    client = client_for(anna)
    # 25 for the cycle; 7 more count what koers sees for the listening maturity (topics,
    # accounts, alerts, corrections, reports, KPIs, the policy) and the calendar of step 8.
    with django_assert_max_num_queries(33):
        assert client.get(url("overview", duinwijk)).status_code == 200
    with django_assert_max_num_queries(33):
        assert client.get(url("objectives", duinwijk)).status_code == 200


def test_a_changed_field_is_autosaved_and_answered_with_a_small_fragment(client_for, anna, cycle):
    response = client_for(anna).post(
        url("strategy", cycle),
        {"current_relationship": "Wij zenden", "target_relationship": "", "key_messages": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Automatisch opgeslagen om" in response.content.decode()
    assert "<html" not in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.current_relationship == "Wij zenden"


def test_an_evaluated_result_is_recorded_through_an_action_with_an_audit_row(cycle, anna):
    objective = actions.save_objective(cycle, anna, None, {"title": "Bereik"}, [])
    actions.record_objective_result(objective, anna, result=Decimal("1234.5"), on=date(2026, 12, 1))
    objective.refresh_from_db()
    assert (objective.result, objective.result_date) == (Decimal("1234.5"), date(2026, 12, 1))
    assert AuditEvent.objects.filter(action="strategy.objective_result").count() == 1
