"""The go/no-go gate: "go" only after steps 1–3 and the checklist; Technology and steps 4–8
stay locked until then — refused by the actions, not only hidden in the pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from koers.core.models import AuditEvent
from koers.strategy import actions
from koers.strategy.models import Channel, KerkhofsStep
from koers.strategy.tests.conftest import ALL_CRITERIA, complete_steps_1_to_3, url

GO = {"decision": "go", "decided_on": "2026-02-01", "rationale": "Genoeg bereik en budget.",
      "criteria": ALL_CRITERIA}  # fmt: skip
STEPS_DONE = {
    "problem-status": "done", "problem-owner": "", "problem-notes": "Te traag antwoord.",
    "target_group-status": "done", "target_group-owner": "", "target_group-notes": "",
    "online_behaviour-status": "done", "online_behaviour-owner": "",
    "online_behaviour-notes": "",
}  # fmt: skip


def steps(cycle) -> dict[str, tuple[str, str]]:
    return {s.step: (s.status, s.notes) for s in KerkhofsStep.objects.filter(cycle=cycle)}


def test_go_too_early_is_refused_with_the_reasons_and_nothing_is_saved(client_for, anna, cycle):
    before = steps(cycle)
    audit_before = AuditEvent.objects.count()
    response = client_for(anna).post(
        url("decision", cycle), {**GO, "problem-status": "done", "problem-owner": "Anna",
                                 "problem-notes": "Te traag"}
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "‘Go’ kan nog niet worden vastgelegd" in page
    assert "Stap 2 (Doelgroep en doelstelling) is nog niet afgerond." in page
    assert "Nog geen enkele doelstelling is SMART" in page
    cycle.refresh_from_db()
    assert (cycle.decision, cycle.go_criteria) == ("", [])
    assert steps(cycle) == before  # step 1, posted with the go, rolled back with it
    assert AuditEvent.objects.count() == audit_before


def test_go_without_every_criterion_is_refused_even_when_steps_are_done(
    client_for, anna, ready_cycle
):
    complete_steps_1_to_3(ready_cycle, anna)
    data = {**GO, "criteria": ALL_CRITERIA[:3]}
    response = client_for(anna).post(url("decision", ready_cycle), data)
    assert response.status_code == 400
    assert "Vink het criterium ‘Er is capaciteit" in response.content.decode()
    ready_cycle.refresh_from_db()
    assert ready_cycle.decision == ""


def test_steps_1_to_3_and_the_checklist_together_allow_go_in_one_save(
    client_for, anna, ready_cycle
):
    response = client_for(anna).post(url("decision", ready_cycle), {**GO, **STEPS_DONE})
    assert response.status_code == 302
    ready_cycle.refresh_from_db()
    assert ready_cycle.decision == "go"
    assert ready_cycle.go_criteria == ALL_CRITERIA
    assert steps(ready_cycle)["problem"] == ("done", "Te traag antwoord.")
    page = client_for(anna).get(url("technology", ready_cycle)).content.decode()
    assert 'name="network"' in page


def test_the_english_page_gives_the_reason_in_english(client_for, anna, cycle):
    client = client_for(anna)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(url("decision", cycle), GO)
    assert response.status_code == 400
    page = response.content.decode()
    assert "“Go” can't be recorded yet" in page
    assert "Step 1 (Problem and focus) is not complete yet." in page


def test_a_no_go_needs_no_checklist(client_for, anna, cycle):
    data = {"decision": "no_go", "decided_on": "2026-02-01", "rationale": "Offline doelgroep."}
    assert client_for(anna).post(url("decision", cycle), data).status_code == 302
    cycle.refresh_from_db()
    assert cycle.decision == "no_go"


def test_the_action_refuses_go_too_whoever_calls_it(anna, cycle):
    with pytest.raises(actions.GoRefused) as refused:
        actions.record_go_no_go(
            cycle, anna, decision="go", decided_on=date(2026, 2, 1), rationale="x",
            criteria=ALL_CRITERIA,
        )  # fmt: skip
    assert "go_step_not_done" in [r.code for r in refused.value.reasons]
    cycle.refresh_from_db()
    assert cycle.decision == ""


def test_channels_can_not_be_changed_or_removed_before_go(client_for, anna, go_cycle):
    channel = actions.add_channel(go_cycle, anna, network="Mastodon", posts_per_week=5)
    # Reopen the decision by hand (as an older cycle might be): the lock follows the record.
    type(go_cycle).objects.filter(pk=go_cycle.pk).update(decision="")
    client = client_for(anna)
    update = url("channel-update", go_cycle, channel.pk)
    response = client.post(update, {f"c{channel.pk}-network": "Bluesky"})
    assert response.status_code == 403
    assert "Technologie gaat open na een ‘go’" in response.content.decode()
    assert client.post(url("channel-remove", go_cycle, channel.pk)).status_code == 403
    channel.refresh_from_db()
    assert channel.network == "Mastodon"


def test_a_channel_row_is_autosaved_with_budget_and_hours(client_for, anna, go_cycle):
    channel = actions.add_channel(go_cycle, anna, network="Mastodon", posts_per_week=5)
    prefix = f"c{channel.pk}"
    data = {f"{prefix}-network": "Mastodon", f"{prefix}-purpose": "Vragen",
            f"{prefix}-posts_per_week": "4", f"{prefix}-budget": "1200",
            f"{prefix}-hours_per_week": "6"}  # fmt: skip
    response = client_for(anna).post(
        url("channel-update", go_cycle, channel.pk), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Automatisch opgeslagen" in response.content.decode()
    channel.refresh_from_db()
    assert (channel.posts_per_week, channel.budget, channel.hours_per_week) == (4, 1200, 6)
    bad = {**data, f"{prefix}-budget": "veel"}
    response = client_for(anna).post(
        url("channel-update", go_cycle, channel.pk), bad, HTTP_HX_REQUEST="true"
    )
    assert "Nog niet opgeslagen" in response.content.decode()
    channel.refresh_from_db()
    assert channel.budget == 1200
    assert Channel.objects.count() == 1


def test_the_recorded_criteria_are_ticked_when_the_page_is_shown_again(client_for, anna, go_cycle):
    page = client_for(anna).get(url("decision", go_cycle)).content.decode()
    for criterion in ALL_CRITERIA:
        assert re.search(rf'value="{criterion}" id="id_criteria_\d" checked', page), criterion
    # saving the page as shown keeps the go
    data = {**GO, **STEPS_DONE}
    assert client_for(anna).post(url("decision", go_cycle), data).status_code == 302
    go_cycle.refresh_from_db()
    assert go_cycle.decision == "go"
