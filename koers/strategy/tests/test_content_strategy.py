"""Content strategy in the cycle: target audiences with a priority, key messages as rows posts
can be tagged with, costs and ROI, the early-revenue warning and the 1 % rule on the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from koers.core.models import AuditEvent
from koers.strategy import actions
from koers.strategy.models import Audience, CycleCosts, FunnelStage, KeyMessage, ResultValues
from koers.strategy.tests.conftest import url


def test_an_editor_adds_and_removes_target_audiences_with_a_priority(client_for, anna, cycle):
    client = client_for(anna)
    for name, priority in (("Ouderen", 2), ("Gezinnen", 1)):
        response = client.post(
            url("audience-add", cycle), {"name": name, "priority": priority, "description": "x"}
        )
        assert response.status_code == 302
    assert list(cycle.audiences.values_list("name", "priority")) == [
        ("Gezinnen", 1),
        ("Ouderen", 2),
    ]
    page = client.get(url("people", cycle)).content.decode()
    assert "Doelgroepen" in page and "Gezinnen" in page
    ouderen = Audience.objects.get(name="Ouderen")
    assert client.post(url("audience-remove", cycle, ouderen.pk)).status_code == 302
    assert list(cycle.audiences.values_list("name", flat=True)) == ["Gezinnen"]
    assert AuditEvent.objects.filter(action="strategy.audience_remove").count() == 1


def test_an_audience_needs_a_name_and_a_priority_of_at_least_one(client_for, anna, cycle):
    response = client_for(anna).post(url("audience-add", cycle), {"name": "", "priority": 0})
    assert response.status_code == 400
    assert not Audience.objects.filter(cycle=cycle).exists()


def test_a_viewer_cannot_add_an_audience_and_an_outsider_gets_404(client_for, cycle, vera, carla):
    data = {"name": "X", "priority": 1}
    assert client_for(vera).post(url("audience-add", cycle), data).status_code == 403
    assert client_for(carla).post(url("audience-add", cycle), data).status_code == 404
    assert not Audience.objects.exists()


def test_audiences_alone_complete_the_audience_of_people(anna, cycle):
    from koers.strategy import status

    assert status.post_plan(cycle).audience_description == ""
    actions.add_audience(cycle, anna, name="Forensen", priority=1)
    assert status.post_plan(cycle).audience_description == "Forensen"


def test_key_message_rows_follow_the_lines_and_keep_their_posts(anna, cycle):
    fields = {"current_relationship": "", "target_relationship": "", "ambassadors": ""}
    actions.update_strategy(cycle, anna, key_messages="Fiets vaker\nVeilig op weg", **fields)
    first = KeyMessage.objects.get(cycle=cycle, text="Fiets vaker")
    assert list(cycle.key_message_rows.values_list("text", "position")) == [
        ("Fiets vaker", 0),
        ("Veilig op weg", 1),
    ]
    actions.update_strategy(cycle, anna, key_messages="Nieuw\nFiets vaker", **fields)
    assert list(cycle.key_message_rows.values_list("text", flat=True)) == ["Nieuw", "Fiets vaker"]
    assert KeyMessage.objects.get(cycle=cycle, text="Fiets vaker").pk == first.pk  # kept


def test_next_cycle_takes_over_the_audiences(anna, cycle, acme):
    actions.add_audience(cycle, anna, name="Forensen", priority=1, description="met de trein")
    new = actions.create_cycle(
        acme, anna, name="2027", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31),
        carry=["people"],
    )  # fmt: skip
    assert list(new.audiences.values_list("name", "priority", "description")) == [
        ("Forensen", 1, "met de trein")
    ]


def test_costs_page_saves_the_inputs_and_shows_not_known_until_they_are_there(
    client_for, anna, duinwijk
):
    CycleCosts.objects.filter(cycle=duinwijk).delete()
    client = client_for(anna)
    page = client.get(url("roi", duinwijk)).content.decode()
    assert "onbekend" in page and "Geen uurtarief" in page
    assert "0,0%" not in page  # never a fake 0 %
    data = {
        "cost-hourly_rate": "60", "cost-tool_budget": "0", "cost-ad_budget": "1000",
        "value-lead": "", "value-saved_call": "6,50", "value-visit": "0,60",
    }  # fmt: skip
    response = client.post(url("roi", duinwijk), data)
    assert response.status_code == 302
    costs = CycleCosts.objects.get(cycle=duinwijk)
    assert (costs.hourly_rate, costs.tool_budget, costs.ad_budget) == (60, 0, 1000)
    assert ResultValues.objects.get(workspace=duinwijk.workspace).saved_call == Decimal("6.50")
    page = client.get(url("roi", duinwijk)).content.decode()
    assert "Geen uurtarief" not in page
    assert 'class="num roi-figure">-' in page  # a negative ROI for the municipality


def test_costs_refuse_a_word_where_a_number_belongs(client_for, anna, cycle):
    response = client_for(anna).post(url("roi", cycle), {"cost-hourly_rate": "veel"})
    assert response.status_code == 400
    assert not CycleCosts.objects.filter(cycle=cycle).exists()


def test_revenue_before_customers_is_warned_on_the_funnel_page(client_for, anna, cycle):
    data = {"stage-TOTAL_FORMS": "3", "stage-INITIAL_FORMS": "0"}
    for i, (name, count, revenue) in enumerate(
        [("Bereik", 1000, ""), ("Prospects", 100, "500"), ("Klanten", 10, "2000")]
    ):
        data |= {f"stage-{i}-name": name, f"stage-{i}-count": count,
                 f"stage-{i}-expected_revenue": revenue}  # fmt: skip
    client = client_for(anna)
    assert client.post(url("funnel", cycle), data).status_code == 302
    stages = FunnelStage.objects.filter(cycle=cycle)
    revenue = list(stages.values_list("expected_revenue", flat=True))
    assert revenue == [None, Decimal("500"), Decimal("2000")]
    page = client.get(url("funnel", cycle)).content.decode()
    assert "Er is omzet geboekt bij Prospects, terwijl er nog geen klanten zijn." in page
    assert "Klanten, terwijl" not in page  # revenue at Customers is fine


def test_funnel_and_technographics_pages_show_the_one_percent_rule(client_for, anna, duinwijk):
    client = client_for(anna)
    funnel = client.get(url("funnel", duinwijk)).content.decode()
    assert "De 1%-regel" in funnel
    assert "Van de 48.000 mensen" in funnel and "<strong>480 iets maken</strong>" in funnel
    techno = client.get(url("technographics", duinwijk)).content.decode()
    assert "De 1%-regel" in techno and "Creators" in techno


def test_objectives_page_shows_groundswell_example_metrics(client_for, anna, cycle):
    page = client_for(anna).get(url("objectives", cycle)).content.decode()
    assert "Voorbeelden van meetpunten: Bereik, Weergaven, Reacties" in page


def test_roos_page_draws_the_rose_with_state_owner_and_hours(client_for, anna, duinwijk):
    page = client_for(anna).get(url("roos", duinwijk)).content.decode()
    assert 'class="roos-chart"' in page
    assert page.count('data-state="active"') == 4
    assert "Teamleider KCC" in page and "24 uur/week" in page
    assert url("roi", duinwijk) in page
