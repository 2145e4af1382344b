"""KPI values from stored posts and inputs, each expectation computed by hand in the docstring."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from koers.measurement import actions, kpis, periods
from koers.measurement.formulas import KPI_CATALOGUE

pytestmark = pytest.mark.django_db
OCTOBER = periods.parse("2026-10")


def value(workspace, kpi, variant=None, period=OCTOBER):
    return kpis.compute(kpis.gather(workspace, period), kpi, variant)


def test_engagements_sum_likes_replies_reposts_and_quotes_where_known(acme, october_posts):
    """(10 + 4) likes + (2 + 0) replies + (3 + 1) reposts + 2 quotes = 22."""
    result = value(acme, "engagements")
    assert result.value == 22
    assert result.variant == "default"


def test_engagement_rate_by_reach_uses_reach_reported_by_networks(acme, october_posts):
    """22 engagements / 200 reach · 100 = 11.0%."""
    result = value(acme, "engagement_rate")
    assert (result.numerator, result.denominator, result.value) == (22, 200, 11.0)
    assert kpis.display(result, "nl") == "11,0%"


def test_engagement_rate_by_followers_counts_only_posts_with_a_follower_count(acme, october_posts):
    """Only p1 has followers at post time: (10 + 2 + 3) / 1000 · 100 = 1.5%."""
    result = value(acme, "engagement_rate", "by_followers")
    assert (result.numerator, result.denominator, result.value) == (15, 1000, 1.5)


def test_kaushik_rates_divide_by_the_number_of_posts(acme, october_posts):
    """conversation 2/2 = 1.0; amplification (4 reposts + 2 quotes)/2 = 3.0; applause 14/2 = 7.0."""
    assert value(acme, "conversation_rate").value == 1.0
    assert value(acme, "amplification_rate").value == 3.0
    assert value(acme, "applause_rate").value == 7.0


def test_manual_inputs_add_to_network_figures(acme, anna, october_posts):
    """impressions 400 + 600 = 1000; CTR 50/1000 = 5.0%; conversions 5/50 clicks = 10.0%;
    frequency 1000/200 = 5.0."""
    for metric, number in (("impressions", 600), ("clicks", 50), ("conversions", 5)):
        actions.record_manual_metric(acme, anna, metric=metric, day=date(2026, 10, 3), value=number)
    assert value(acme, "impressions").value == 1000
    assert value(acme, "click_through_rate").value == 5.0
    assert value(acme, "conversion_rate").value == 10.0
    assert value(acme, "frequency").value == 5.0


def test_a_period_without_posts_has_no_rates_instead_of_zero(acme, october_posts):
    september = periods.parse("2026-09")
    for kpi in ("conversation_rate", "applause_rate", "engagement_rate", "frequency"):
        result = value(acme, kpi, period=september)
        assert result.value is None, kpi
        assert kpis.display(result) == "—"
    assert value(acme, "conversation_rate", period=september).denominator == 0


def test_saves_are_unavailable_so_the_variant_with_saves_has_no_value(acme, october_posts):
    assert value(acme, "engagements", "with_saves").value is None


def test_unknown_variant_is_refused(acme, october_posts):
    with pytest.raises(ValueError, match="unknown variant"):
        value(acme, "engagements", "with_everything")


def test_subscribers_take_the_latest_value_of_the_period_and_visits_are_summed(acme, anna):
    for day, subscribers, visits in ((1, 100, 30), (5, 120, 20)):
        actions.record_manual_metric(
            acme, anna, metric="newsletter_subscribers", day=date(2026, 10, day), value=subscribers
        )
        actions.record_manual_metric(
            acme, anna, metric="web_visits", day=date(2026, 10, day), value=visits
        )
    inputs = kpis.gather(acme, OCTOBER)
    assert inputs.manual["newsletter_subscribers"] == 120
    assert inputs.manual["web_visits"] == 50


def test_every_catalogue_kpi_computes_without_error_on_an_empty_workspace(acme):
    inputs = kpis.gather(acme, OCTOBER)
    for kpi in KPI_CATALOGUE:
        assert kpis.compute(inputs, kpi).value is None, kpi


def test_posts_of_another_workspace_never_count(acme, bolt, october_posts):
    assert value(bolt, "engagements").value is None
    assert kpis.gather(bolt, OCTOBER).posts == 0


def test_reach_above_impressions_on_a_post_is_flagged(acme):
    from koers.measurement.tests.conftest import add_post

    add_post(
        acme, "odd", datetime(2026, 10, 2, 9, tzinfo=UTC),
        likes=1, replies=0, reposts=0, reach=500, impressions=100,
    )  # fmt: skip
    codes = [issue.code for issue in kpis.issues(kpis.gather(acme, OCTOBER))]
    assert codes == ["reach_exceeds_impressions", "post_reach_exceeds_impressions"]


def test_local_weekday_and_hour_follow_the_workspace_time_zone(acme, october_posts):
    """p1 at 08:30 UTC on Monday 5 October 2026 is 10:30 in Amsterdam (CEST)."""
    p1, _p2 = october_posts
    assert (p1.local_weekday, p1.local_hour, p1.local_date) == (0, 10, date(2026, 10, 5))
