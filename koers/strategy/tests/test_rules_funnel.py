"""Social Media Funnel: conversions and warnings."""

from __future__ import annotations

import pytest

from koers.strategy.rules.funnel import DEFAULT_FUNNEL_STAGES, FunnelStage, analyse_funnel


def test_default_funnel_has_the_six_domain_stages() -> None:
    assert [s.name["en"] for s in DEFAULT_FUNNEL_STAGES] == [
        "Audience",
        "Fans/Friends",
        "Subscribers",
        "Prospects",
        "Customers",
        "Loyalists/Advocates",
    ]


def test_step_and_cumulative_conversion_are_hand_computed() -> None:
    result = analyse_funnel([10_000, 2_000, 500, 100, 20, 5])
    assert [r.step_conversion for r in result.rows] == [0.2, 0.25, 0.2, 0.2, 0.25, None]
    assert [r.cumulative_conversion for r in result.rows] == [
        1.0,
        0.2,
        0.05,
        0.01,
        0.002,
        0.0005,
    ]
    assert result.warnings == ()


def test_zero_denominators_give_no_value() -> None:
    result = analyse_funnel([0, 0, 0, 0, 0, 0])
    assert all(r.step_conversion is None for r in result.rows)
    assert all(r.cumulative_conversion is None for r in result.rows)


def test_zero_in_the_middle_only_blanks_the_next_step() -> None:
    result = analyse_funnel([100, 10, 0, 0, 0, 0])
    assert result.rows[1].step_conversion == 0.0
    assert result.rows[2].step_conversion is None
    assert result.rows[2].cumulative_conversion == 0.0


def test_missing_counts_give_no_value_but_keep_the_rest() -> None:
    result = analyse_funnel([100, None, 10, 5, 1, 1])
    assert result.rows[0].step_conversion is None
    assert result.rows[1].cumulative_conversion is None
    assert result.rows[2].step_conversion == 0.5


def test_counts_increasing_down_the_funnel_are_warned_about() -> None:
    result = analyse_funnel([100, 150, 10, None, 20, 5])
    assert [w.code for w in result.warnings] == ["funnel_increase", "funnel_increase"]
    assert result.warnings[0].message["en"].startswith("Fans/Friends (150) is larger than Audience")
    # the gap (None) is skipped: Customers is compared with Subscribers
    assert "Klanten (20) is groter dan Abonnees (10)" in result.warnings[1].message["nl"]


def test_stage_names_are_configurable() -> None:
    stages = (
        FunnelStage({"en": "Visitors", "nl": "Bezoekers"}),
        FunnelStage({"en": "Buyers", "nl": "Kopers"}, revenue_allowed=True),
    )
    result = analyse_funnel([50, 60], stages)
    assert result.rows[0].step_conversion == 1.2
    assert "Kopers (60) is groter dan Bezoekers (50)" in result.warnings[0].message["nl"]


def test_revenue_before_customers_is_warned_about() -> None:
    result = analyse_funnel([100, 50, 20, 10, 5, 2], revenue=[0, 0, 0, 250.0, 1000.0, 400.0])
    assert [w.code for w in result.warnings] == ["funnel_early_revenue"]
    assert "Prospects" in result.warnings[0].message["en"]


def test_wrong_number_of_counts_or_negative_counts_are_programming_errors() -> None:
    with pytest.raises(ValueError):
        analyse_funnel([1, 2, 3])
    with pytest.raises(ValueError):
        analyse_funnel([10, -1, 0, 0, 0, 0])
