"""Groundswell objectives and SMART objectives with baseline, target, owner and KPIs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from koers.strategy import actions, rules
from koers.strategy.models import GroundswellChoice, Objective
from koers.strategy.tests.conftest import url

FULL = {
    "title": "Sneller antwoorden",
    "groundswell": "supporting",
    "level": "engagement",
    "metric": "vragen beantwoord binnen 4 uur",
    "channel": "Facebook",
    "target_group": "inwoners",
    "unit": "%",
    "baseline": "40",
    "baseline_date": "2025-12-01",
    "target": "80",
    "start": "2026-01-01",
    "deadline": "2026-06-30",
    "owner": "Teamleider KCC",
    "kpi-TOTAL_FORMS": "2",
    "kpi-INITIAL_FORMS": "0",
    "kpi-0-kpi": "response_time:p90",
    "kpi-0-target": "7200",
    "kpi-1-kpi": "",
    "kpi-1-target": "",
}


def test_objective_is_saved_with_kpi_id_variant_and_target(client_for, bram, cycle):
    response = client_for(bram).post(url("objective-new", cycle), FULL)
    assert response.status_code == 302
    objective = Objective.objects.get(cycle=cycle)
    assert objective.baseline == Decimal("40")
    assert objective.owner == "Teamleider KCC"
    kpi = objective.kpis.get()
    assert (kpi.kpi_id, kpi.variant, kpi.target) == ("response_time", "p90", Decimal("7200"))


def test_smart_check_shows_each_letter_as_passed_warning_or_missing_with_the_reason(
    client_for, anna, cycle
):
    actions.save_objective(
        cycle,
        anna,
        None,
        {
            "title": "Te ambitieus",
            "metric": "bereik",
            "channel": "",
            "target_group": "forensen",
            "unit": "accounts",
            "baseline": Decimal("100"),
            "baseline_date": date(2025, 12, 1),
            "target": Decimal("1000"),
            "owner": "",
        },
        [{"kpi_id": "reach", "variant": "", "target": None}],
    )
    page = client_for(anna).get(url("objectives", cycle)).content.decode()
    assert '<tr class="smart-missing">' in page and "Vul in: kanaal." in page  # S
    assert page.count('<tr class="smart-passed">') == 1  # M
    assert "Wijs een eigenaar aan die verantwoordelijk is." in page  # A missing
    assert '<tr class="smart-warning">' in page and "10,0× de nulmeting" in page  # R warning
    assert "Vul een startdatum en een deadline in." in page  # T missing


def test_an_objective_without_a_kpi_keeps_the_objectives_step_incomplete(client_for, anna, cycle):
    data = dict(FULL, **{"kpi-0-kpi": "", "kpi-0-target": ""})
    client = client_for(anna)
    client.post(url("objective-new", cycle), data)
    page = client.get(url("objectives", cycle)).content.decode()
    assert "Doelstelling ‘Sneller antwoorden’ heeft geen KPI." in page


def test_kpi_target_without_a_kpi_is_refused(client_for, anna, cycle):
    data = dict(FULL, **{"kpi-0-kpi": ""})
    response = client_for(anna).post(url("objective-new", cycle), data)
    assert response.status_code == 200
    assert not Objective.objects.exists()


def test_example_objective_is_one_click_away_and_opens_for_editing(client_for, anna, cycle):
    response = client_for(anna).post(url("objective-example", cycle, 0))
    objective = Objective.objects.get(cycle=cycle)
    assert response["Location"] == url("objective-edit", cycle, objective.pk)
    assert objective.title == rules.EXAMPLE_OBJECTIVES[0].text["nl"]
    assert objective.groundswell == "supporting"
    assert [k.kpi_id for k in objective.kpis.all()] == ["response_rate", "response_time"]


def test_unknown_example_is_404(client_for, anna, cycle):
    assert client_for(anna).post(url("objective-example", cycle, 99)).status_code == 404


def test_one_primary_groundswell_objective_with_business_function_and_secondary_warning(
    client_for, anna, cycle
):
    client = client_for(anna)
    client.post(url("objectives", cycle), {"supporting": "primary", "listening": "secondary"})
    roles = dict(GroundswellChoice.objects.filter(cycle=cycle).values_list("objective", "role"))
    assert roles == {"supporting": "primary", "listening": "secondary"}
    page = client.get(url("objectives", cycle)).content.decode()
    assert "Ondersteunen · Klantenservice" in page
    assert 'class="reasons warning"' in page  # the secondary objective spreads the effort


def test_two_primaries_give_a_warning_not_an_error(client_for, anna, cycle):
    client = client_for(anna)
    client.post(url("objectives", cycle), {"supporting": "primary", "talking": "primary"})
    page = client.get(url("objectives", cycle)).content.decode()
    assert "2 primaire doelstellingen: kies er één" in page


def test_deleting_an_objective_removes_its_kpis(client_for, anna, cycle):
    client = client_for(anna)
    client.post(url("objective-new", cycle), FULL)
    objective = Objective.objects.get()
    client.post(url("objective-delete", cycle, objective.pk))
    assert not Objective.objects.exists()


def test_an_example_objective_comes_with_its_baseline_target_and_kpi_targets(
    client_for, anna, cycle
):
    client_for(anna).post(url("objective-example", cycle, 0))
    objective = Objective.objects.get(cycle=cycle)
    assert (objective.baseline, objective.target, objective.unit) == (
        Decimal("60"), Decimal("90"), "%",
    )  # fmt: skip
    assert objective.metric == "vragen beantwoord binnen 4 uur"
    assert [(k.kpi_id, k.target, k.unit) for k in objective.kpis.all()] == [
        ("response_rate", Decimal("90"), "percent"),
        ("response_time", Decimal("14400"), "seconds"),
    ]


def test_every_example_fills_baseline_and_target(client_for, anna, cycle):
    client = client_for(anna)
    for index in range(len(rules.EXAMPLE_OBJECTIVES)):
        client.post(url("objective-example", cycle, index))
    for objective in Objective.objects.filter(cycle=cycle):
        assert objective.baseline is not None and objective.target is not None, objective.title


def test_a_kpi_target_is_stored_and_shown_with_the_unit_of_the_catalogue(client_for, anna, cycle):
    client = client_for(anna)
    assert client.post(url("objective-new", cycle), FULL).status_code == 302
    objective = Objective.objects.get(cycle=cycle)
    assert [(k.kpi_id, k.target, k.unit) for k in objective.kpis.all()] == [
        ("response_time", Decimal("7200"), "seconds")
    ]
    assert "→ 7200 seconden" in client.get(url("objectives", cycle)).content.decode()
    edit = client.get(url("objective-edit", cycle, objective.pk)).content.decode()
    assert '<span class="unit">seconden</span>' in edit
    assert "Reactietijd — Mediaan (seconden; " in edit  # the choice names the unit too
    assert "7200 seconden" in client.get(url("plan-html", cycle)).content.decode()
    assert "→ 7200 seconden" in client.get(url("plan-md", cycle)).content.decode()


def test_an_objective_without_a_unit_takes_the_unit_of_its_first_kpi(client_for, anna, cycle):
    client_for(anna).post(url("objective-new", cycle), {**FULL, "unit": ""})
    assert Objective.objects.get(cycle=cycle).unit == "seconden"
