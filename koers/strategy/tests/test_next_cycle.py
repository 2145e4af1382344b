"""The next cycle takes over what still holds: each part chosen (all by default), reviewed first;
the old cycle stays exactly as it was."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import serializers
from django.urls import reverse

from koers.core.models import AuditEvent
from koers.strategy import actions
from koers.strategy.models import (
    Channel,
    Cycle,
    CycleStatus,
    GroundswellChoice,
    Influencer,
    Objective,
    Roos,
    RoosPetal,
    TechnographicsProfile,
)
from koers.strategy.tests.conftest import decide_go, url

NEXT = {"name": "Plan 2027", "period_start": "2027-01-01", "period_end": "2027-12-31"}


@pytest.fixture
def full_cycle(ready_cycle, anna):
    """Plan 2026 with every part that can be carried over filled in, and one objective
    evaluated (71 on 31 December 2026)."""
    cycle = ready_cycle
    actions.add_influencer(cycle, anna, name="Wijkagent Noord", handle="@wijkagent", reach=900)
    actions.save_roos(
        cycle, anna, organiseren={"roles": "Webredactie", "processes": "Rooster",
                                  "guidelines": "Richtlijn", "internal": "", "external": ""},
        petals={"reageren": {"activities": "Vragen", "channels": "Mastodon", "owner": "KCC",
                             "effort_hours_per_week": Decimal("8"), "active": True}},
    )  # fmt: skip
    actions.save_maturity(cycle, anna, checked=["alerts_brand", "alerts_reader"])
    decide_go(cycle, anna)
    actions.add_channel(cycle, anna, network="Mastodon", purpose="Vragen", posts_per_week=5)
    evaluated = Objective.objects.get(cycle=cycle)
    actions.record_objective_result(evaluated, anna, result=Decimal("71"), on=date(2026, 12, 31))
    actions.save_objective(
        cycle, anna, None, {"title": "Niet geëvalueerd", "baseline": Decimal("3"),
                            "baseline_date": date(2025, 11, 1), "target": Decimal("9")}, [],
    )  # fmt: skip
    return cycle


def snapshot(cycle: Cycle) -> list[str]:
    """Every row of the cycle, serialised, for "unchanged" checks."""
    rows = [
        *Influencer.objects.filter(cycle=cycle), *Objective.objects.filter(cycle=cycle),
        *Channel.objects.filter(cycle=cycle), *RoosPetal.objects.filter(cycle=cycle),
        *Roos.objects.filter(cycle=cycle), *TechnographicsProfile.objects.filter(cycle=cycle),
        *GroundswellChoice.objects.filter(cycle=cycle),
    ]  # fmt: skip
    for objective in Objective.objects.filter(cycle=cycle):
        rows.extend(objective.kpis.all())
    cycle.refresh_from_db()
    fields = [f.name for f in Cycle._meta.fields if f.name != "status"]
    return [
        serializers.serialize("json", rows),
        serializers.serialize("json", [cycle], fields=fields),
    ]


def start_next(acme, anna, carry=actions.CARRY_PARTS) -> Cycle:
    return actions.create_cycle(
        acme, anna, name="Plan 2027", period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31), carry=carry,
    )  # fmt: skip


def test_audience_and_influencers_are_carried_over(full_cycle, acme, anna):
    new = start_next(acme, anna, carry={"people"})
    assert new.audience_description == "Fietsers in de regio Utrecht."
    assert [(i.name, i.reach) for i in new.influencers.all()] == [("Wijkagent Noord", 900)]
    assert not new.objectives.exists() and not new.channels.exists()


def test_the_technographics_profile_is_carried_over(full_cycle, acme, anna):
    old = TechnographicsProfile.objects.get(cycle=full_cycle)
    new = start_next(acme, anna, carry={"technographics"})
    profile = TechnographicsProfile.objects.get(cycle=new)
    assert (profile.source, profile.benchmark_id) == ("benchmark", "netherlands-2007")
    assert profile.percentages == old.percentages
    assert profile.updated_at == old.updated_at
    assert new.audience_description == ""


def test_the_communicatieroos_is_carried_over(full_cycle, acme, anna):
    new = start_next(acme, anna, carry={"roos"})
    assert Roos.objects.get(cycle=new).roles == "Webredactie"
    petal = RoosPetal.objects.get(cycle=new, petal="reageren")
    assert (petal.owner, petal.active, petal.effort_hours_per_week) == ("KCC", True, Decimal("8"))
    assert RoosPetal.objects.filter(cycle=new).count() == len(RoosPetal.petal.field.choices)


def test_the_maturity_checklist_is_carried_over(full_cycle, acme, anna):
    new = start_next(acme, anna, carry={"maturity"})
    assert new.maturity_checked == ["alerts_brand", "alerts_reader"]


def test_the_channels_of_the_technology_step_are_carried_over(full_cycle, acme, anna):
    new = start_next(acme, anna, carry={"channels"})
    assert [(c.network, c.posts_per_week) for c in new.channels.all()] == [
        ("Mastodon", Decimal("5.0"))
    ]


def test_objectives_return_with_the_evaluated_result_as_baseline_to_review(full_cycle, acme, anna):
    new = start_next(acme, anna, carry={"objectives"})
    evaluated = new.objectives.get(title="Meer bereik")
    assert (evaluated.baseline, evaluated.baseline_date) == (Decimal("71"), date(2026, 12, 31))
    assert evaluated.target == Decimal("2000") and evaluated.needs_review
    assert (evaluated.start, evaluated.deadline, evaluated.result) == (None, None, None)
    assert [(k.kpi_id, k.target) for k in evaluated.kpis.all()] == [("reach", Decimal("2000"))]
    other = new.objectives.get(title="Niet geëvalueerd")
    assert (other.baseline, other.baseline_date) == (Decimal("3"), date(2025, 11, 1))
    assert GroundswellChoice.objects.get(cycle=new).objective == "talking"


def test_saving_a_carried_objective_clears_to_review(full_cycle, acme, anna):
    new = start_next(acme, anna, carry={"objectives"})
    objective = new.objectives.get(title="Meer bereik")
    actions.save_objective(new, anna, objective, {"target": Decimal("90")}, [])
    objective.refresh_from_db()
    assert not objective.needs_review


def test_the_old_cycle_is_unchanged_apart_from_being_archived(full_cycle, acme, anna):
    before = snapshot(full_cycle)
    new = start_next(acme, anna)
    actions.save_objective(new, anna, new.objectives.first(), {"title": "Nieuw"}, [])
    assert snapshot(full_cycle) == before
    full_cycle.refresh_from_db()
    assert full_cycle.status == CycleStatus.ARCHIVED
    event = AuditEvent.objects.filter(action="strategy.cycle_create").order_by("id").last()
    assert event is not None and event.data["carried"] == list(actions.CARRY_PARTS)


def test_starting_the_next_cycle_shows_a_review_before_anything_changes(
    client_for, anna, acme, full_cycle
):
    client = client_for(anna)
    form_page = client.get(reverse("strategy:cycle-new", args=[acme.slug])).content.decode()
    assert form_page.count('type="checkbox"') == len(actions.CARRY_PARTS)
    assert form_page.count("checked") >= len(actions.CARRY_PARTS)

    data = {**NEXT, "carry": ["people", "objectives"]}
    review = client.post(reverse("strategy:cycle-new", args=[acme.slug]), data)
    assert review.status_code == 200
    page = review.content.decode()
    assert "Wijkagent Noord" in page and "Meer bereik" in page
    assert "71" in page and "te herzien" in page
    assert "Webredactie" not in page  # the roos was not chosen
    assert Cycle.objects.filter(workspace=acme).count() == 1  # nothing started yet

    response = client.post(
        reverse("strategy:cycle-new", args=[acme.slug]), {**data, "confirm": "1"}
    )
    new = Cycle.objects.get(workspace=acme, status=CycleStatus.ACTIVE)
    assert response.status_code == 302
    assert new.influencers.count() == 1 and new.objectives.count() == 2
    assert not new.channels.exists() and new.maturity_checked == []


def test_objectives_to_review_are_marked_on_the_objectives_page(client_for, anna, acme, full_cycle):
    new = start_next(acme, anna)
    page = client_for(anna).get(url("objectives", new)).content.decode()
    assert page.count("te herzien") == 2


def test_an_empty_next_cycle_form_marks_each_field_with_one_summary(
    client_for, anna, acme, full_cycle
):
    response = client_for(anna).post(reverse("strategy:cycle-new", args=[acme.slug]), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="form-errors"') == 1
    assert "3 velden vragen aandacht" in page
    assert page.count('class="field has-error"') == 3
    assert Cycle.objects.filter(workspace=acme).count() == 1
