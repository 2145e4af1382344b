"""SMART check per letter (DOMAIN.md §8) and the worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from koers.strategy.rules.groundswell import GROUNDSWELL_OBJECTIVES, Objective
from koers.strategy.rules.levels import LEVELS, Level
from koers.strategy.rules.smart import EXAMPLE_OBJECTIVES, SmartObjective, SmartStatus, check_smart

COMPLETE = SmartObjective(
    title="Answer questions fast",
    metric="median response time",
    channel="Mastodon",
    target_group="customers with a question",
    target=4,
    unit="hours",
    baseline=10,
    baseline_date=date(2026, 1, 15),
    owner="bram",
    start=date(2026, 2, 1),
    deadline=date(2026, 5, 31),
    kpi_ids=("response_time",),
    groundswell=Objective.SUPPORTING,
)


def replace(**changes: object) -> SmartObjective:
    return SmartObjective(**{**COMPLETE.__dict__, **changes})


def test_a_complete_objective_passes_every_letter() -> None:
    result = check_smart(COMPLETE)
    assert [c.letter for c in result.letters] == ["S", "M", "A", "R", "T"]
    assert all(c.status is SmartStatus.PASSED for c in result.letters)
    assert result.passed


def test_specific_needs_metric_channel_and_target_group() -> None:
    result = check_smart(replace(channel="  ", target_group=None))
    assert result["S"].status is SmartStatus.MISSING
    assert result["S"].reason.message["en"] == "Set the channel and target group."
    assert result["S"].reason.message["nl"] == "Vul in: kanaal en doelgroep."
    assert result.missing == ("S",)


def test_measurable_needs_numeric_target_unit_and_dated_baseline() -> None:
    result = check_smart(replace(target=None, baseline_date=None))
    assert result["M"].status is SmartStatus.MISSING
    assert "numeric target" in result["M"].reason.message["en"]
    assert "baseline date" in result["M"].reason.message["en"]
    assert "datum van de nulmeting" in result["M"].reason.message["nl"]


def test_a_boolean_or_infinite_target_is_not_numeric() -> None:
    assert check_smart(replace(target=True))["M"].status is SmartStatus.MISSING
    assert check_smart(replace(target=float("inf")))["M"].status is SmartStatus.MISSING


def test_decimal_targets_are_numeric() -> None:
    assert check_smart(replace(target=Decimal("4.5")))["M"].status is SmartStatus.PASSED


def test_baseline_measured_after_the_start_is_a_warning() -> None:
    result = check_smart(replace(baseline_date=date(2026, 3, 1)))
    assert result["M"].status is SmartStatus.WARNING
    assert result.passed  # warnings don't make an objective incomplete


def test_achievable_needs_an_owner() -> None:
    result = check_smart(replace(owner=""))
    assert result["A"].status is SmartStatus.MISSING


def test_realistic_warns_when_target_grows_beyond_the_factor() -> None:
    result = check_smart(replace(baseline=100, target=400))
    assert result["R"].status is SmartStatus.WARNING
    assert result["R"].reason.code == "smart_r_too_high"
    assert "4.0×" in result["R"].reason.message["en"]


def test_realistic_accepts_growth_up_to_the_factor() -> None:
    assert check_smart(replace(baseline=100, target=300))["R"].status is SmartStatus.PASSED


def test_realistic_factor_is_configurable() -> None:
    objective = replace(baseline=100, target=400)
    assert check_smart(objective, max_growth_factor=5)["R"].status is SmartStatus.PASSED


def test_realistic_judges_reductions_the_same_way() -> None:
    # Response time from 10 h to 2 h is a 5× reduction.
    assert check_smart(replace(baseline=10, target=2))["R"].reason.code == "smart_r_too_low"
    assert check_smart(replace(baseline=10, target=4))["R"].status is SmartStatus.PASSED
    assert check_smart(replace(baseline=10, target=0))["R"].status is SmartStatus.WARNING


def test_realistic_warns_when_target_equals_baseline() -> None:
    assert check_smart(replace(baseline=4, target=4))["R"].reason.code == "smart_r_equal"


def test_realistic_from_zero_baseline_passes_with_a_note() -> None:
    result = check_smart(replace(baseline=0, target=500))
    assert result["R"].status is SmartStatus.PASSED
    assert result["R"].reason.code == "smart_r_zero_baseline"


def test_realistic_is_missing_without_numbers() -> None:
    assert check_smart(replace(baseline=None))["R"].status is SmartStatus.MISSING


@pytest.mark.parametrize(
    ("start", "deadline", "code"),
    [
        (None, date(2026, 5, 31), "smart_t_missing"),
        (date(2026, 2, 1), None, "smart_t_missing"),
        (date(2026, 2, 1), date(2026, 2, 1), "smart_t_order"),
        (date(2026, 2, 1), date(2026, 1, 1), "smart_t_order"),
    ],
)
def test_time_bound_needs_a_deadline_after_the_start(
    start: date | None, deadline: date | None, code: str
) -> None:
    result = check_smart(replace(start=start, deadline=deadline))
    assert result["T"].status is SmartStatus.MISSING
    assert result["T"].reason.code == code


def test_an_empty_objective_misses_every_letter() -> None:
    assert check_smart(SmartObjective(title="Be great")).missing == ("S", "M", "A", "R", "T")


def test_five_groundswell_objectives_with_dutch_names_and_functions() -> None:
    assert [GROUNDSWELL_OBJECTIVES[o].name["nl"] for o in Objective] == [
        "Luisteren",
        "Praten",
        "Activeren",
        "Ondersteunen",
        "Omarmen",
    ]
    assert GROUNDSWELL_OBJECTIVES[Objective.ENERGIZING].business_function["en"] == "Sales"
    for info in GROUNDSWELL_OBJECTIVES.values():
        assert info.example_metrics and info.meaning["nl"]


def test_four_measurement_levels_in_order() -> None:
    assert list(Level) == [Level.EXPOSURE, Level.ENGAGEMENT, Level.INFLUENCE, Level.ACTION]
    assert LEVELS[Level.INFLUENCE]["name"]["nl"] == "Beïnvloeding"


def test_seed_examples_are_bilingual_and_name_kpis() -> None:
    assert len(EXAMPLE_OBJECTIVES) >= 2
    for example in EXAMPLE_OBJECTIVES:
        assert example.text["en"] and example.text["nl"]
        assert example.kpi_ids
    assert any("influencers" in e.text["en"] for e in EXAMPLE_OBJECTIVES)
    assert any("binnen 4 uur" in e.text["nl"] for e in EXAMPLE_OBJECTIVES)
