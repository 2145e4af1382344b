"""Listening maturity (Bartholomew): current stage and what to do next."""

from __future__ import annotations

import pytest

from koers.strategy.rules import LISTENING_KPIS, ListeningUse, seen_items
from koers.strategy.rules.maturity import (
    MATURITY_STAGES,
    SHARE_OF_VOICE_ITEM,
    ChecklistItem,
    MaturityStage,
    assess_maturity,
)


def ids(stage_number: int) -> set[str]:
    return {i.id for i in MATURITY_STAGES[stage_number - 1].checklist}


def test_five_stages_each_with_a_bilingual_checklist_and_feature() -> None:
    assert [s.number for s in MATURITY_STAGES] == [1, 2, 3, 4, 5]
    for stage in MATURITY_STAGES:
        assert stage.name["en"] and stage.name["nl"]
        assert len(stage.checklist) >= 2
        for item in stage.checklist:
            assert item.text["en"] and item.text["nl"] and item.feature["nl"]
    assert SHARE_OF_VOICE_ITEM in ids(3)


def test_nothing_ticked_is_stage_zero_and_stage_one_is_next() -> None:
    result = assess_maturity(set())
    assert result.current_stage == 0
    assert result.next_stage is MATURITY_STAGES[0]
    assert {i.id for i in result.to_do} == ids(1)


def test_current_stage_is_the_highest_with_all_lower_stages_complete() -> None:
    result = assess_maturity(ids(1) | ids(2))
    assert result.current_stage == 2
    assert result.next_stage is not None and result.next_stage.number == 3
    assert {i.id for i in result.to_do} == ids(3)


def test_a_gap_in_a_lower_stage_caps_the_stage() -> None:
    checked = ids(1) | (ids(2) - {"escalation_procedure"}) | ids(3) | ids(4)
    result = assess_maturity(checked)
    assert result.current_stage == 1
    assert [i.id for i in result.to_do] == ["escalation_procedure"]


def test_stage_three_needs_share_of_voice_tracking() -> None:
    result = assess_maturity(ids(1) | ids(2) | (ids(3) - {SHARE_OF_VOICE_ITEM}))
    assert result.current_stage == 2
    assert [i.id for i in result.to_do] == [SHARE_OF_VOICE_ITEM]
    assert "share of voice" in result.to_do[0].feature["en"]


def test_share_of_voice_is_required_even_from_an_edited_checklist() -> None:
    stages = (
        MaturityStage(1, {"en": "a", "nl": "a"}, (ChecklistItem("x", {}, {}),)),
        MaturityStage(2, {"en": "b", "nl": "b"}, (ChecklistItem("y", {}, {}),)),
        MaturityStage(3, {"en": "c", "nl": "c"}, (ChecklistItem("z", {}, {}),)),
    )
    assert assess_maturity({"x", "y", "z"}, stages).current_stage == 2
    assert assess_maturity({"x", "y", "z", SHARE_OF_VOICE_ITEM}, stages).current_stage == 3


def test_everything_ticked_is_stage_five_with_nothing_next() -> None:
    everything = set().union(*(ids(n) for n in range(1, 6)))
    result = assess_maturity(everything | {"retired_item"})
    assert result.current_stage == 5
    assert result.next_stage is None
    assert result.to_do == ()
    assert result.unknown_items == {"retired_item"}


# What koers sees of the real use pre-fills the checklist (rules.seen_items).


@pytest.mark.parametrize(
    ("use", "seen"),
    [
        (ListeningUse(), []),
        (ListeningUse(keyword_alerts=2), ["alerts_brand"]),
        (ListeningUse(alerts_with_recipients=1), ["alerts_reader"]),
        (ListeningUse(own_accounts=3), ["own_accounts_daily"]),
        (ListeningUse(policy_response_times=True, policy_escalation=True),
         ["response_times_agreed", "escalation_procedure"]),
        (ListeningUse(market_topics=1), ["market_topics"]),
        (ListeningUse(sov_brand_topics=1), []),  # share of voice needs a competitor too
        (ListeningUse(sov_brand_topics=1, sov_competitor_topics=2), ["share_of_voice_tracked"]),
        (ListeningUse(sentiment_corrections=5), ["sentiment_checked"]),
        (ListeningUse(report_schedules=1), ["monthly_report"]),
        (ListeningUse(listening_kpis=2, listening_kpis_with_target=1), ["linked_to_objectives"]),
        (ListeningUse(listening_kpis=2, listening_kpis_with_target=2),
         ["linked_to_objectives", "kpi_targets"]),
        (ListeningUse(evaluated_objectives=1), ["cycle_evaluated"]),
    ],
)  # fmt: skip
def test_what_koers_sees_ticks_the_matching_items(use: ListeningUse, seen: list[str]) -> None:
    found = seen_items(use)
    assert sorted(found) == sorted(seen)
    assert all(text["en"] and text["nl"] for text in found.values())


def test_seen_items_lift_the_stage_like_ticks() -> None:
    use = ListeningUse(keyword_alerts=1, alerts_with_recipients=1, own_accounts=1,
                       policy_response_times=True, policy_escalation=True)  # fmt: skip
    assert assess_maturity(set(seen_items(use))).current_stage == 2
    assert seen_items(ListeningUse(market_topics=4))["market_topics"]["nl"] == (
        "Gevolgde onderwerpen naast de eigen organisatie: 4."
    )


def test_every_item_points_at_a_page_and_the_api_item_at_the_api() -> None:
    items = {i.id: i for s in MATURITY_STAGES for i in s.checklist}
    assert all(item.page for item in items.values())
    assert items["feeds_product"].page == "api"
    assert "API" in items["feeds_product"].feature["en"]
    assert {"share_of_voice", "net_sentiment"} <= LISTENING_KPIS
