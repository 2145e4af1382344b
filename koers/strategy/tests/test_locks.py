"""Locks from the rules: Technology after People/Objectives/Strategy; Kerkhofs 4–8 after "go"."""

from __future__ import annotations

from datetime import date

from koers.core.models import Membership, Role
from koers.strategy import actions
from koers.strategy.models import Channel, CycleStatus, KerkhofsStep
from koers.strategy.tests.conftest import ALL_CRITERIA, complete_steps_1_to_3, url

CHANNEL = {"network": "Mastodon", "purpose": "Nieuws", "posts_per_week": "5"}
GO = {"decision": "go", "decided_on": "2026-02-01", "rationale": "Genoeg bereik en budget."}
GO_WITH_CRITERIA = {**GO, "criteria": ALL_CRITERIA}
NO_GO = {"decision": "no_go", "decided_on": "2026-02-01", "rationale": "Doelgroep is offline."}


def test_technology_is_locked_with_the_reasons_until_people_objectives_strategy(
    client_for, anna, cycle
):
    client = client_for(anna)
    page = client.get(url("technology", cycle)).content.decode()
    assert "Technologie kies je als laatste: maak eerst Mensen af." in page
    assert "Voeg een Technographics-profiel van de doelgroep toe." in page
    assert 'name="network"' not in page

    response = client.post(url("technology", cycle), CHANNEL)
    assert response.status_code == 403
    assert "Technologie kies je als laatste" in response.content.decode()
    assert not Channel.objects.exists()


def test_technology_waits_for_go_even_when_post_is_complete(client_for, anna, ready_cycle):
    client = client_for(anna)
    page = client.get(url("technology", ready_cycle)).content.decode()
    assert "Technologie gaat open na een ‘go’ op het uitstapmoment" in page
    assert 'name="network"' not in page
    response = client.post(url("technology", ready_cycle), CHANNEL)
    assert response.status_code == 403
    assert "Technologie gaat open na een ‘go’" in response.content.decode()
    assert not Channel.objects.exists()


def test_technology_opens_once_post_is_complete_and_go(client_for, anna, go_cycle):
    client = client_for(anna)
    assert 'name="network"' in client.get(url("technology", go_cycle)).content.decode()
    assert client.post(url("technology", go_cycle), CHANNEL).status_code == 302
    assert Channel.objects.get(cycle=go_cycle).network == "Mastodon"


def test_the_action_refuses_a_channel_before_go(anna, ready_cycle):
    import pytest

    with pytest.raises(actions.StepLocked) as locked:
        actions.add_channel(ready_cycle, anna, network="Mastodon", posts_per_week=5)
    assert [r.code for r in locked.value.reasons] == ["technology_before_go"]
    assert not Channel.objects.exists()


def test_steps_4_to_8_are_locked_before_go(client_for, anna, cycle):
    client = client_for(anna)
    page = client.get(url("kerkhofs", cycle)).content.decode()
    assert "Stap 4–8 gaan open na een go" in page
    response = client.post(
        url("kerkhofs", cycle),
        {"media_plan-status": "done", "media_plan-owner": "Anna", "media_plan-notes": ""},
    )
    assert response.status_code == 403
    assert KerkhofsStep.objects.get(cycle=cycle, step="media_plan").status == "todo"


def test_steps_1_to_3_can_be_saved_before_the_decision(client_for, bram, cycle):
    response = client_for(bram).post(
        url("decision", cycle),
        {"problem-status": "done", "problem-owner": "Bram", "problem-notes": "Te traag"},
    )
    assert response.status_code == 302
    step = KerkhofsStep.objects.get(cycle=cycle, step="problem")
    assert (step.status, step.owner, step.notes) == ("done", "Bram", "Te traag")


def test_go_opens_steps_4_to_8_and_records_who_decided(client_for, anna, ready_cycle):
    cycle = ready_cycle
    complete_steps_1_to_3(cycle, anna)
    client = client_for(anna)
    assert client.post(url("decision", cycle), GO_WITH_CRITERIA).status_code == 302
    cycle.refresh_from_db()
    assert (cycle.decision, cycle.decided_on, cycle.decided_by) == ("go", date(2026, 2, 1), anna)
    assert sorted(cycle.go_criteria) == sorted(ALL_CRITERIA)
    response = client.post(
        url("kerkhofs", cycle),
        {"media_plan-status": "in_progress", "media_plan-owner": "", "media_plan-notes": ""},
    )
    assert response.status_code == 302


def test_go_no_go_is_decided_by_an_admin_not_an_editor(client_for, bram, cycle):
    client = client_for(bram)
    page = client.get(url("decision", cycle)).content.decode()
    assert 'name="rationale"' not in page
    assert client.post(url("decision", cycle), GO).status_code == 403
    cycle.refresh_from_db()
    assert cycle.decision == ""


def test_an_admin_may_decide(client_for, carla, anna, ready_cycle, acme):
    complete_steps_1_to_3(ready_cycle, anna)
    Membership.objects.create(workspace=acme, user=carla, role=Role.ADMIN)
    assert client_for(carla).post(url("decision", ready_cycle), GO_WITH_CRITERIA).status_code == 302


def test_no_go_closes_the_cycle_with_a_report_and_refuses_every_change(client_for, anna, cycle):
    client = client_for(anna)
    response = client.post(url("decision", cycle), NO_GO)
    assert response["Location"] == url("overview", cycle)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED_NO_GO

    page = client.get(url("overview", cycle)).content.decode()
    assert "Doelgroep is offline." in page
    assert "Het besluit was no-go: deze cyclus is afgesloten." in page

    for name, args, data in (
        ("kerkhofs", (), {"strategic_framework-status": "done"}),
        ("people", (), {"audience_description": "later"}),
        ("decision", (), GO),
    ):
        assert client.post(url(name, cycle, *args), data).status_code == 403
    cycle.refresh_from_db()
    assert cycle.decision == "no_go"


def test_action_refuses_a_locked_step_too(anna, cycle):
    import pytest

    step = KerkhofsStep.objects.get(cycle=cycle, step="project_management")
    with pytest.raises(actions.StepLocked) as locked:
        actions.update_kerkhofs_step(step, anna, status="done", notes="", owner="")
    assert locked.value.reasons[0].code == "go_no_go_missing"


def test_steps_1_to_3_and_the_decision_are_saved_together(client_for, anna, ready_cycle):
    cycle = ready_cycle
    data = {**GO_WITH_CRITERIA, "problem-status": "done", "problem-owner": "Anna",
            "problem-notes": "Te traag", "target_group-status": "done",
            "target_group-owner": "Bram", "target_group-notes": "Veel vragen",
            "online_behaviour-status": "done", "online_behaviour-owner": "",
            "online_behaviour-notes": ""}  # fmt: skip
    assert client_for(anna).post(url("decision", cycle), data).status_code == 302
    steps = dict(KerkhofsStep.objects.filter(cycle=cycle).values_list("step", "owner"))
    assert (steps["problem"], steps["target_group"]) == ("Anna", "Bram")
    cycle.refresh_from_db()
    assert cycle.decision == "go"


def test_an_incomplete_decision_saves_no_step_either(client_for, anna, cycle):
    data = {"decision": "go", "problem-status": "done", "problem-owner": "Anna",
            "problem-notes": ""}  # fmt: skip
    response = client_for(anna).post(url("decision", cycle), data)
    assert response.status_code == 400
    assert KerkhofsStep.objects.get(cycle=cycle, step="problem").owner == ""
    cycle.refresh_from_db()
    assert cycle.decision == ""


def test_saving_the_steps_again_keeps_who_decided(client_for, anna, bram, ready_cycle, acme):
    cycle = ready_cycle
    complete_steps_1_to_3(cycle, anna)
    Membership.objects.filter(workspace=acme, user=bram).update(role=Role.ADMIN)
    assert client_for(anna).post(url("decision", cycle), GO_WITH_CRITERIA).status_code == 302
    again = {**GO_WITH_CRITERIA, "problem-status": "done", "problem-owner": "",
             "problem-notes": "Te traag"}  # fmt: skip
    assert client_for(bram).post(url("decision", cycle), again).status_code == 302
    cycle.refresh_from_db()
    assert cycle.decided_by == anna
