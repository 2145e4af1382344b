"""Kerkhofs' steps each carry their own content and links: the framework (4), campaigns (5),
the media plan from Technology (6), a project lead who is a member (7), the calendar and KPIs
(8); steps 2 and 3 link People, the objectives and the Technographics profile."""

from __future__ import annotations

import importlib

from django.apps import apps

from koers.publishing.models import Campaign
from koers.strategy import actions
from koers.strategy.models import KerkhofsStep
from koers.strategy.tests.conftest import url

FRAMEWORK = {
    "strategic_framework-status": "done", "strategic_framework-owner": "Anna",
    "strategic_framework-approach": "co_development",
    "strategic_framework-partners": "top_customers",
    "strategic_framework-notes": "Samen met topklanten de fiets van morgen.",
}  # fmt: skip


def step(cycle, name: str) -> KerkhofsStep:
    return KerkhofsStep.objects.get(cycle=cycle, step=name)


def test_the_framework_stores_approach_and_partners_and_shows_the_primary_objective(
    client_for, anna, go_cycle
):
    client = client_for(anna)
    page = client.get(url("kerkhofs", go_cycle)).content.decode()
    assert "Primaire Groundswell-doelstelling" in page and "Praten" in page
    assert "Kies de aanpak" in page  # what step 4 still lacks
    assert client.post(url("kerkhofs", go_cycle), FRAMEWORK).status_code == 302
    framework = step(go_cycle, "strategic_framework")
    assert (framework.approach, framework.partners) == ("co_development", "top_customers")
    page = client.get(url("kerkhofs", go_cycle)).content.decode()
    assert "Kies de aanpak" not in page


def test_an_unknown_approach_is_refused_at_its_field(client_for, anna, go_cycle):
    response = client_for(anna).post(
        url("kerkhofs", go_cycle), {**FRAMEWORK, "strategic_framework-approach": "shouting"}
    )
    assert response.status_code == 400
    assert step(go_cycle, "strategic_framework").approach == ""


def test_campaigns_are_linked_only_from_the_own_workspace(client_for, anna, go_cycle, bolt):
    own = Campaign.objects.create(workspace=go_cycle.workspace, name="Fietsweek", slug="fw")
    other = Campaign.objects.create(workspace=bolt, name="Geheim", slug="geheim")
    client = client_for(anna)
    page = client.get(url("kerkhofs", go_cycle)).content.decode()
    assert "Fietsweek" in page and "Geheim" not in page
    data = {"integration-status": "done", "integration-owner": "", "integration-notes": ""}
    response = client.post(url("kerkhofs", go_cycle), {**data, "integration-campaigns": [other.pk]})
    assert response.status_code == 400
    assert not step(go_cycle, "integration").campaigns.exists()
    response = client.post(url("kerkhofs", go_cycle), {**data, "integration-campaigns": [own.pk]})
    assert response.status_code == 302
    assert list(step(go_cycle, "integration").campaigns.all()) == [own]


def test_the_project_lead_is_a_member_not_a_text(client_for, anna, bram, carla, go_cycle):
    client = client_for(anna)
    page = client.get(url("kerkhofs", go_cycle)).content.decode()
    assert 'name="project_management-lead"' in page
    assert 'name="project_management-owner"' not in page
    data = {"project_management-status": "in_progress", "project_management-notes": ""}
    response = client.post(url("kerkhofs", go_cycle), {**data, "project_management-lead": carla.pk})
    assert response.status_code == 400  # Carla is not in Acme
    assert step(go_cycle, "project_management").lead is None
    response = client.post(url("kerkhofs", go_cycle), {**data, "project_management-lead": bram.pk})
    assert response.status_code == 302
    assert step(go_cycle, "project_management").lead == bram


def test_the_action_refuses_a_lead_from_outside_the_workspace(anna, carla, go_cycle):
    import pytest

    with pytest.raises(actions.NotAMember):
        actions.update_kerkhofs_step(
            step(go_cycle, "project_management"), anna, status="done", notes="", owner="",
            lead=carla,
        )  # fmt: skip
    assert step(go_cycle, "project_management").lead is None


def test_the_media_plan_shows_the_technology_channels_with_totals(client_for, anna, go_cycle):
    actions.add_channel(go_cycle, anna, network="Mastodon", posts_per_week=5, budget=1000,
                        hours_per_week=4)  # fmt: skip
    actions.add_channel(go_cycle, anna, network="Bluesky", posts_per_week=2)
    page = client_for(anna).get(url("kerkhofs", go_cycle)).content.decode()
    assert "Bluesky: vul budget en uren per week in." in page
    assert '<th scope="row">Totaal</th><td class="num">7,0</td>' in page  # 5 + 2 per week


def test_step_8_links_the_calendar_and_the_kpis(client_for, anna, go_cycle):
    page = client_for(anna).get(url("kerkhofs", go_cycle)).content.decode()
    assert "0 berichten gepland in de periode van de cyclus." in page
    assert "/w/acme/calendar/" in page and "/w/acme/measure/objectives/" in page
    assert "Bereik" in page  # the KPI of the cycle's objective


def test_steps_2_and_3_link_people_objectives_and_the_profile(client_for, anna, ready_cycle):
    page = client_for(anna).get(url("decision", ready_cycle)).content.decode()
    assert "Fietsers in de regio Utrecht." in page  # People, not retyped
    assert "1 doelstelling, 1 SMART." in page
    assert "Social media is een middel, geen doel." in page
    assert url("technographics", ready_cycle) in page
    assert "Online volwassenen Nederland, 2007" in page  # the profile's benchmark


def test_the_migration_makes_a_matching_owner_text_the_project_lead(anna, bram, cycle):
    record = step(cycle, "project_management")
    KerkhofsStep.objects.filter(pk=record.pk).update(owner=" BRAM ", notes="Oude notitie")
    other = step(cycle, "problem")
    KerkhofsStep.objects.filter(pk=other.pk).update(owner="bram", notes="Blijft")
    migration = importlib.import_module(
        "koers.strategy.migrations.0004_kerkhofs_step_substance_go_criteria_policy"
    )
    migration.owner_text_to_lead(apps, None)
    record.refresh_from_db()
    other.refresh_from_db()
    assert (record.lead, record.owner, record.notes) == (bram, " BRAM ", "Oude notitie")
    assert other.lead is None and other.notes == "Blijft"  # only step 7 gets a lead


def test_the_migration_leaves_an_unknown_owner_as_text(anna, cycle):
    KerkhofsStep.objects.filter(cycle=cycle, step="project_management").update(owner="Teamleider")
    migration = importlib.import_module(
        "koers.strategy.migrations.0004_kerkhofs_step_substance_go_criteria_policy"
    )
    migration.owner_text_to_lead(apps, None)
    record = step(cycle, "project_management")
    assert (record.lead, record.owner) == (None, "Teamleider")
