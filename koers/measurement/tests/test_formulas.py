"""KPI formulas, the catalogue, consistency checks and objective progress (hand-computed)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koers.measurement.formulas import (
    ENGAGEMENT_COMPONENTS,
    KPI_CATALOGUE,
    ProgressStatus,
    amplification_rate,
    applause_rate,
    check_consistency,
    check_reach_impressions,
    check_sentiment_total,
    check_share_of_voice_total,
    classify_progress,
    click_through_rate,
    conversation_rate,
    conversion_rate,
    engagement_rate,
    engagements,
    frequency,
    impressions,
    net_sentiment,
    present,
    reach,
    response_durations,
    response_rate,
    response_time,
    share_of_voice,
    share_of_voice_by_brand,
)
from koers.strategy.rules.levels import Level

# --- catalogue --------------------------------------------------------------------------------


def test_catalogue_has_every_kpi_of_the_domain() -> None:
    assert set(KPI_CATALOGUE) == {
        "reach",
        "impressions",
        "frequency",
        "share_of_voice",
        "engagements",
        "engagement_rate",
        "conversation_rate",
        "amplification_rate",
        "applause_rate",
        "response_rate",
        "response_time",
        "click_through_rate",
        "net_sentiment",
        "conversion_rate",
        "web_visits",  # traffic to the own site (DOMAIN.md §9, the Coca-Cola example)
    }


def test_every_kpi_has_names_a_level_a_formula_and_a_function() -> None:
    for kpi_id, kpi in KPI_CATALOGUE.items():
        assert kpi.id == kpi_id
        assert kpi.name["en"] and kpi.name["nl"]
        assert isinstance(kpi.level, Level)
        assert kpi.formula
        assert callable(kpi.compute)
    assert KPI_CATALOGUE["reach"].level is Level.EXPOSURE
    assert KPI_CATALOGUE["net_sentiment"].level is Level.INFLUENCE
    assert KPI_CATALOGUE["conversion_rate"].level is Level.ACTION
    assert KPI_CATALOGUE["engagement_rate"].denominator is not None


def test_variants_are_listed_with_the_default_first() -> None:
    assert [v.id for v in KPI_CATALOGUE["engagement_rate"].variants] == [
        "by_reach",
        "by_followers",
    ]
    assert KPI_CATALOGUE["response_time"].default_variant == "median"
    assert {v.id for v in KPI_CATALOGUE["response_time"].variants} == {"mean", "median", "p90"}
    assert KPI_CATALOGUE["net_sentiment"].default_variant == "with_neutral"
    assert [v.id for v in KPI_CATALOGUE["engagements"].variants] == list(ENGAGEMENT_COMPONENTS)
    assert KPI_CATALOGUE["reach"].default_variant is None


def test_catalogue_functions_compute_through_the_entry() -> None:
    assert KPI_CATALOGUE["click_through_rate"].compute(5, 200).value == 2.5


# --- exposure ---------------------------------------------------------------------------------


def test_reach_and_impressions_are_counts() -> None:
    assert reach(1200).value == 1200.0
    assert impressions(None).value is None


def test_frequency_is_impressions_per_reached_account() -> None:
    result = frequency(3000, 1200)
    assert result.value == 2.5
    assert (result.numerator, result.denominator) == (3000.0, 1200.0)


def test_frequency_with_zero_reach_has_no_value() -> None:
    assert frequency(3000, 0).value is None
    assert frequency(3000, 0).denominator == 0.0
    assert frequency(None, 10).value is None


def test_share_of_voice_is_brand_over_brand_and_competitors() -> None:
    result = share_of_voice(30, [50, 20])
    assert result.value == 30.0
    assert result.denominator == 100.0


def test_share_of_voice_with_no_mentions_at_all_has_no_value() -> None:
    assert share_of_voice(0, [0, 0]).value is None


def test_share_of_voice_with_a_missing_competitor_has_no_value() -> None:
    assert share_of_voice(30, [50, None]).value is None


def test_share_of_voice_by_brand_adds_up_to_100() -> None:
    shares = share_of_voice_by_brand({"ours": 1, "rival": 1, "other": 1})
    assert shares["ours"].value == pytest.approx(100 / 3)
    assert sum(s.value for s in shares.values() if s.value is not None) == pytest.approx(100)
    assert check_share_of_voice_total(s.value for s in shares.values()) == []


# --- engagement -------------------------------------------------------------------------------


COUNTS = {"reactions": 40, "comments": 12, "shares": 8, "saves": 5, "clicks": 35}


def test_engagements_default_to_reactions_comments_and_shares() -> None:
    result = engagements(COUNTS)
    assert result.value == 60.0
    assert result.variant == "default"


def test_engagement_components_are_configurable() -> None:
    assert engagements(COUNTS, "with_saves").value == 65.0
    assert engagements(COUNTS, "with_saves_and_clicks").value == 100.0
    custom = engagements(COUNTS, ["reactions", "clicks"])
    assert (custom.value, custom.variant) == (75.0, "reactions+clicks")


def test_engagements_with_a_missing_component_have_no_value() -> None:
    assert engagements({"reactions": 4, "comments": 1}).value is None
    assert engagements({**COUNTS, "shares": None}).value is None


def test_engagement_rate_by_reach() -> None:
    result = engagement_rate(60, 1200)
    assert result.value == 5.0
    assert result.variant == "by_reach"


def test_engagement_rate_by_followers() -> None:
    result = engagement_rate(60, 4800, "by_followers")
    assert result.value == 1.25
    assert result.denominator == 4800.0
    assert result.variant == "by_followers"


def test_engagement_rate_with_zero_base_has_no_value() -> None:
    assert engagement_rate(60, 0).value is None
    assert engagement_rate(0, 100).value == 0.0  # a real zero stays zero


def test_engagement_rate_rejects_unknown_variants() -> None:
    with pytest.raises(ValueError):
        engagement_rate(1, 2, "by_mood")


def test_kaushik_rates_are_per_post() -> None:
    assert conversation_rate(12, 4).value == 3.0
    assert amplification_rate(8, 4).value == 2.0
    assert applause_rate(40, 16).value == 2.5


def test_kaushik_rates_without_posts_have_no_value() -> None:
    assert conversation_rate(0, 0).value is None
    assert amplification_rate(3, 0).value is None
    assert applause_rate(None, 4).value is None


def test_response_rate() -> None:
    assert response_rate(45, 60).value == 75.0
    assert response_rate(0, 0).value is None


DURATIONS = [60.0, 120.0, 180.0, 240.0, 300.0, 360.0, 420.0, 480.0, 540.0, 3600.0]


def test_response_time_mean_median_and_p90() -> None:
    assert response_time(DURATIONS, "mean").value == 630.0
    assert response_time(DURATIONS, "median").value == 330.0  # (300 + 360) / 2
    assert response_time(DURATIONS, "p90").value == 540.0  # 9th of 10, nearest rank
    assert response_time(DURATIONS).variant == "median"
    assert response_time(DURATIONS).denominator == 10.0


def test_response_time_p90_of_few_values_is_the_largest() -> None:
    assert response_time([30.0, 10.0, 20.0], "p90").value == 30.0


def test_response_time_accepts_timedeltas() -> None:
    assert response_time([timedelta(minutes=1), timedelta(minutes=3)], "mean").value == 120.0


def test_response_time_without_replies_has_no_value() -> None:
    result = response_time([], "p90")
    assert result.value is None
    assert result.denominator == 0.0


def test_response_durations_from_timestamps() -> None:
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    pairs = [(t0, t0 + timedelta(minutes=5)), (t0, t0 + timedelta(hours=2))]
    assert response_durations(pairs) == [300.0, 7200.0]
    with pytest.raises(ValueError):
        response_durations([(t0, t0 - timedelta(seconds=1))])


def test_click_through_rate() -> None:
    assert click_through_rate(35, 1400).value == 2.5
    assert click_through_rate(35, 0).value is None


# --- influence and action ---------------------------------------------------------------------


def test_net_sentiment_with_neutral() -> None:
    result = net_sentiment(50, 30, 20)
    assert result.value == 30.0  # (50 − 20) / 100 · 100
    assert (result.numerator, result.denominator) == (30.0, 100.0)


def test_net_sentiment_without_neutral() -> None:
    assert net_sentiment(50, 30, 20, "without_neutral").value == pytest.approx(300 / 7)
    assert net_sentiment(50, None, 20, "without_neutral").value == pytest.approx(300 / 7)


def test_net_sentiment_can_be_negative() -> None:
    assert net_sentiment(10, 0, 30).value == -50.0


def test_net_sentiment_without_mentions_has_no_value() -> None:
    assert net_sentiment(0, 0, 0).value is None
    assert net_sentiment(0, 12, 0, "without_neutral").value is None
    assert net_sentiment(5, None, 2).value is None  # neutral needed in this variant


def test_conversion_rate_records_its_denominator() -> None:
    result = conversion_rate(7, 35)
    assert result.value == 20.0
    assert result.denominator == 35.0
    assert conversion_rate(7, 0).value is None


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="clicks"):
        click_through_rate(-1, 10)
    with pytest.raises(ValueError):
        engagements({"reactions": -1, "comments": 0, "shares": 0})


def test_present_rounds_half_up_and_keeps_no_value() -> None:
    assert present(2.25) == Decimal("2.3")
    assert present(100 / 3, 2) == Decimal("33.33")
    assert present(None) is None


# --- consistency ------------------------------------------------------------------------------


def test_reach_above_impressions_is_an_issue() -> None:
    issues = check_reach_impressions(1500, 1200)
    assert [i.code for i in issues] == ["reach_exceeds_impressions"]
    assert "Bereik (1500)" in issues[0].message["nl"]
    assert check_reach_impressions(1200, 1200) == []
    assert check_reach_impressions(None, 1200) == []


def test_share_of_voice_must_add_up_to_100_within_tolerance() -> None:
    assert check_share_of_voice_total([33.3, 33.3, 33.3]) == []
    issues = check_share_of_voice_total([40.0, 40.0])
    assert [i.code for i in issues] == ["share_of_voice_total"]
    assert "80.0%" in issues[0].message["en"]
    assert check_share_of_voice_total([33.3, 33.3, 33.3], tolerance=0.05) != []
    assert check_share_of_voice_total([40.0, None]) == []


def test_sentiment_parts_must_add_up_to_the_total() -> None:
    assert check_sentiment_total(50, 30, 20, 100) == []
    issues = check_sentiment_total(50, 30, 20, 110)
    assert [i.code for i in issues] == ["sentiment_total"]
    assert "110" in issues[0].message["nl"]


def test_check_consistency_combines_all_checks() -> None:
    issues = check_consistency(
        reach=10, impressions=5, shares_of_voice=[50, 20], sentiment=(1, 1, 1, 4)
    )
    assert [i.code for i in issues] == [
        "reach_exceeds_impressions",
        "share_of_voice_total",
        "sentiment_total",
    ]
    assert check_consistency() == []


# --- objective progress -----------------------------------------------------------------------

START, DEADLINE = date(2026, 1, 1), date(2026, 1, 11)  # ten days


def progress(current: float | None, today: date, **kwargs: float) -> ProgressStatus:
    options = {"baseline": 100, "target": 200, **kwargs}
    return classify_progress(
        start=START,
        deadline=DEADLINE,
        current=current,
        today=today,
        **options,
    ).status


def test_progress_halfway_in_time_and_value_is_on_track() -> None:
    result = classify_progress(
        baseline=100, target=200, start=START, deadline=DEADLINE, current=150,
        today=date(2026, 1, 6),
    )  # fmt: skip
    assert result.status is ProgressStatus.ON_TRACK
    assert (result.expected, result.actual) == (0.5, 0.5)
    assert "90%" in result.rule["en"] and "Op koers" in result.rule["nl"]


def test_progress_thresholds_at_90_and_60_percent_of_expected() -> None:
    halfway = date(2026, 1, 6)  # expected 0.5
    assert progress(145, halfway) is ProgressStatus.ON_TRACK  # 0.45 = 0.5 · 0.9
    assert progress(144, halfway) is ProgressStatus.AT_RISK
    assert progress(130, halfway) is ProgressStatus.AT_RISK  # 0.30 = 0.5 · 0.6
    assert progress(129, halfway) is ProgressStatus.OFF_TRACK


def test_progress_thresholds_are_parameters() -> None:
    halfway = date(2026, 1, 6)
    assert progress(140, halfway, on_track=0.8) is ProgressStatus.ON_TRACK
    result = classify_progress(
        baseline=0, target=10, start=START, deadline=DEADLINE, current=0, today=halfway,
        on_track=0.75, at_risk=0.5,
    )  # fmt: skip
    assert "75%" in result.rule["en"] and "50%" in result.rule["nl"]
    with pytest.raises(ValueError):
        progress(1, halfway, on_track=0.5, at_risk=0.6)


def test_progress_towards_a_lower_target_counts_the_reduction() -> None:
    # Response time 10 h → 4 h; at 7 h we're halfway.
    halfway = date(2026, 1, 6)
    assert progress(7, halfway, baseline=10, target=4) is ProgressStatus.ON_TRACK
    assert progress(9, halfway, baseline=10, target=4) is ProgressStatus.OFF_TRACK
    assert progress(12, halfway, baseline=10, target=4) is ProgressStatus.OFF_TRACK


def test_before_the_start_nothing_is_expected_yet() -> None:
    assert progress(100, date(2025, 12, 1)) is ProgressStatus.ON_TRACK
    assert progress(90, START) is ProgressStatus.ON_TRACK  # a dip on day 0 is no verdict
    assert progress(90, date(2026, 1, 2)) is ProgressStatus.OFF_TRACK


def test_after_the_deadline_the_full_target_is_expected() -> None:
    result = classify_progress(
        baseline=100, target=200, start=START, deadline=DEADLINE, current=185,
        today=date(2026, 2, 1),
    )  # fmt: skip
    assert result.expected == 1.0
    assert result.status is ProgressStatus.AT_RISK


def test_progress_has_no_value_without_a_measurement_or_a_real_target() -> None:
    today = date(2026, 1, 6)
    assert progress(None, today) is ProgressStatus.NO_VALUE
    assert progress(150, today, target=100) is ProgressStatus.NO_VALUE
    result = classify_progress(
        baseline=1, target=2, start=START, deadline=START, current=1, today=today
    )
    assert result.status is ProgressStatus.NO_VALUE
    assert result.reason is not None and "deadline" in result.reason["nl"]


def test_progress_works_with_aware_datetimes() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    result = classify_progress(
        baseline=0, target=100, start=start, deadline=start + timedelta(days=4), current=25,
        today=start + timedelta(days=1),
    )  # fmt: skip
    assert result.expected == 0.25
    assert result.status is ProgressStatus.ON_TRACK


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 10_000), min_size=1))
def test_share_of_voice_over_any_brand_set_passes_its_own_consistency_check(
    mentions: dict[str, int],
) -> None:
    shares = share_of_voice_by_brand(mentions)
    if sum(mentions.values()) == 0:
        assert all(s.value is None for s in shares.values())
    else:
        assert check_share_of_voice_total(s.value for s in shares.values()) == []


def test_every_formula_of_the_catalogue_reads_in_dutch_without_an_english_word_left() -> None:
    import re

    from koers.measurement.formulas import KPI_CATALOGUE, formula_text

    kept = {"pos", "neg", "neu", "likes", "p"}  # p90: the 90th percentile
    for kpi in KPI_CATALOGUE.values():
        for text in [kpi.formula, *(v.formula for v in kpi.variants)]:
            english = set(re.findall(r"[a-z]+", text)) - kept
            dutch = formula_text(text, "nl")
            assert not english & set(re.findall(r"[a-z]+", dutch)), (text, dutch)
            assert formula_text(text, "en") == text


def test_a_formula_in_dutch_keeps_its_operators_and_translates_longest_phrases_first() -> None:
    from koers.measurement.formulas import formula_text

    assert formula_text("engagements / followers at post time · 100", "nl") == (
        "interacties / volgers op het moment van posten · 100"
    )
