"""Funnel targets, the Communicatieroos and the listening-maturity self-assessment."""

from __future__ import annotations

from koers.strategy.models import FunnelStage, Roos, RoosPetal
from koers.strategy.tests.conftest import url


def funnel_post(rows):
    data = {"stage-TOTAL_FORMS": str(len(rows)), "stage-INITIAL_FORMS": "0"}
    for i, (name, count) in enumerate(rows):
        data[f"stage-{i}-name"] = name
        data[f"stage-{i}-count"] = "" if count is None else str(count)
    return data


def test_funnel_stage_names_are_editable_and_conversions_are_shown(client_for, anna, cycle):
    client = client_for(anna)
    rows = [("Bereik", 10000), ("Volgers", 2500), ("Deelnemers", 500), ("", None)]
    assert client.post(url("funnel", cycle), funnel_post(rows)).status_code == 302
    stages = list(FunnelStage.objects.filter(cycle=cycle).values_list("name", "count"))
    assert stages == [("Bereik", 10000), ("Volgers", 2500), ("Deelnemers", 500)]
    page = client.get(url("funnel", cycle)).content.decode()
    assert "25,0%" in page  # step: 2500 / 10000
    assert "20,0%" in page  # step: 500 / 2500
    assert "5,0%" in page  # cumulative: 500 / 10000
    assert 'class="funnel-shape"' in page


def test_funnel_warns_when_counts_increase(client_for, anna, cycle):
    client = client_for(anna)
    client.post(url("funnel", cycle), funnel_post([("Bereik", 100), ("Volgers", 300)]))
    page = client.get(url("funnel", cycle)).content.decode()
    assert "Volgers (300) is groter dan Bereik (100)" in page


def test_a_count_needs_a_stage_name(client_for, anna, cycle):
    response = client_for(anna).post(url("funnel", cycle), funnel_post([("", 5)]))
    assert response.status_code == 200
    assert FunnelStage.objects.filter(cycle=cycle).count() == 6  # unchanged defaults


def petal_post(prefix, active=True):
    data = {
        f"{prefix}-activities": "Vragen beantwoorden",
        f"{prefix}-channels": "Facebook",
        f"{prefix}-owner": "KCC",
        f"{prefix}-effort_hours_per_week": "12",
    }
    if active:
        data[f"{prefix}-active"] = "on"
    return data


CENTRE = {"roles": "Webredactie", "processes": "Rooster", "guidelines": "Richtlijn"}


def test_a_petal_can_not_be_active_before_organiseren_is_filled(client_for, anna, cycle):
    client = client_for(anna)
    response = client.post(
        url("roos", cycle), {**petal_post("reageren"), **petal_post("zenden", active=False)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Organiseren heeft rollen, processen en richtlijnen nodig" in page
    assert "Dit blad kan nog niet actief zijn." in page
    # Nothing is saved, not even the petal that was fine, and the page doesn't claim "active".
    assert not RoosPetal.objects.filter(cycle=cycle).exclude(activities="").exists()
    assert 'class="badge badge-done">actief' not in page
    assert 'name="reageren-active" checked' not in page
    assert "Vragen beantwoorden" in page  # the input is kept for another try


def test_organiseren_and_an_active_petal_are_saved_together(client_for, anna, cycle):
    client = client_for(anna)
    response = client.post(url("roos", cycle), {**CENTRE, **petal_post("reageren")})
    assert response.status_code == 302
    petal = RoosPetal.objects.get(cycle=cycle, petal="reageren")
    assert petal.active and petal.owner == "KCC"
    assert Roos.objects.get(cycle=cycle).roles == "Webredactie"


def test_every_petal_typed_in_is_kept_by_one_save(client_for, anna, cycle):
    data = {**petal_post("zenden", active=False), **petal_post("luisteren", active=False)}
    data["luisteren-owner"] = "Webcare"
    assert client_for(anna).post(url("roos", cycle), data).status_code == 302
    owners = dict(RoosPetal.objects.filter(cycle=cycle).values_list("petal", "owner"))
    assert (owners["zenden"], owners["luisteren"]) == ("KCC", "Webcare")


def test_an_invalid_petal_saves_nothing_and_is_marked(client_for, anna, cycle):
    data = {**CENTRE, **petal_post("zenden", active=False)}
    data["zenden-effort_hours_per_week"] = "veel"
    response = client_for(anna).post(url("roos", cycle), data)
    assert response.status_code == 400
    assert 'class="error" role="alert"' in response.content.decode()
    assert Roos.objects.get(cycle=cycle).roles == ""


def test_an_inactive_petal_can_be_planned_before_organiseren(client_for, anna, cycle):
    response = client_for(anna).post(url("roos", cycle), petal_post("zenden", active=False))
    assert response.status_code == 302
    assert RoosPetal.objects.get(cycle=cycle, petal="zenden").activities == "Vragen beantwoorden"


def test_maturity_stage_is_computed_with_what_lifts_it_to_the_next_stage(client_for, anna, cycle):
    client = client_for(anna)
    checked = ["alerts_brand", "alerts_reader", "own_accounts_daily", "response_times_agreed",
               "escalation_procedure", "market_topics"]  # fmt: skip
    client.post(url("maturity", cycle), {"checked": checked})
    cycle.refresh_from_db()
    assert cycle.maturity_checked == sorted(checked)
    page = client.get(url("maturity", cycle)).content.decode()
    assert "Eigen accounts monitoren en risicobeheersing" in page
    # Stage 3 needs share-of-voice tracking; the koers feature that helps is named.
    assert "Het share of voice ten opzichte van benoemde concurrenten" in page
    assert "Luisteren: share of voice per merkenset" in page


def test_unknown_maturity_items_are_refused(client_for, anna, cycle):
    response = client_for(anna).post(url("maturity", cycle), {"checked": ["made_up"]})
    assert response.status_code == 200
    cycle.refresh_from_db()
    assert cycle.maturity_checked == []
