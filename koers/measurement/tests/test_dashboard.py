"""The dashboard and the KPI catalogue pages: figures computed by hand, fixed query counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from koers.measurement.tests.conftest import add_post

pytestmark = pytest.mark.django_db


def url(workspace, name="index"):
    return reverse(f"measurement:{name}", args=[workspace.slug])


def test_catalogue_lists_every_kpi_with_dutch_and_english_name_and_formula(acme, anna, client_for):
    response = client_for(anna).get(url(acme, "catalogue"))
    text = response.content.decode()
    assert response.status_code == 200
    for expected in ("engagement_rate", "Engagementratio", "Engagement rate",
                     "interacties / bereik · 100", "by_followers", "Op basis van volgers",
                     "Doorklikratio (CTR)", "Blootstelling"):  # fmt: skip
        assert expected in text


def test_dashboard_shows_the_period_figures_and_no_value_dashes(
    acme, anna, client_for, october_posts
):
    response = client_for(anna).get(url(acme), {"period": "2026-10"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "11,0%" in text  # engagement rate by reach: 22 / 200
    assert "7,0" in text  # applause rate: 14 likes / 2 posts
    assert "—" in text  # September has no posts: the previous period has no values
    assert "2 berichten achter deze cijfers" in text


def test_dashboard_compares_with_the_previous_month(acme, anna, client_for, october_posts):
    add_post(acme, "sep", datetime(2026, 9, 20, 10, tzinfo=UTC), likes=2, replies=1, reposts=1)
    response = client_for(anna).get(url(acme), {"period": "2026-10"})
    board = response.context["board"]
    row = next(r for r in board.rows if r.current.kpi == "engagements")
    assert (row.current.value, row.previous.value) == (22, 4)
    assert row.change == "+18"
    assert str(board.previous) == "2026-09"


def test_dashboard_for_one_campaign_counts_only_its_posts(acme, anna, client_for):
    day = datetime(2026, 10, 7, 9, tzinfo=UTC)
    add_post(acme, "a", day, campaign="Afvalweek", likes=5, replies=0, reposts=0)
    add_post(acme, "b", day, campaign="", likes=50, replies=0, reposts=0)
    response = client_for(anna).get(url(acme), {"period": "2026-10", "campaign": "Afvalweek"})
    row = next(r for r in response.context["board"].rows if r.current.kpi == "engagements")
    assert row.current.value == 5


def test_htmx_period_change_returns_only_the_dashboard_fragment(acme, anna, client_for):
    response = client_for(anna).get(url(acme), {"period": "2026-10"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'class="dashboard"' in text
    assert "<html" not in text


def test_dashboard_charts_are_inline_svg_without_scripts_or_styles(
    acme, anna, client_for, october_posts
):
    text = client_for(anna).get(url(acme), {"period": "2026-10"}).content.decode()
    assert "<svg" in text
    assert "<script" not in text.split("<main", 1)[1]
    assert "style=" not in text


def test_dashboard_query_count_does_not_grow_with_the_number_of_posts(
    acme, anna, client_for, django_assert_max_num_queries
):
    start = datetime(2026, 10, 1, 8, tzinfo=UTC)
    for i in range(40):
        add_post(acme, f"n{i}", start + timedelta(hours=13 * i), likes=i, replies=1, reposts=2)
    client = client_for(anna)
    # 19: one of them reads the inbox (response rate and time), independent of its size; one
    # counts the published deliveries and finds when the figures were collected.
    with django_assert_max_num_queries(21):  # +2: the published posts per key message
        response = client.get(url(acme), {"period": "2026-10"})
    assert response.status_code == 200


def test_best_time_shows_mean_engagements_and_sample_size(acme, anna, client_for):
    """Three Tuesday 10:00 posts (Amsterdam) with 3, 6 and 9 engagements: mean 6.0, n = 3."""
    for i, likes in enumerate((3, 6, 9)):
        day = datetime(2026, 10, 6, 8, tzinfo=UTC) + timedelta(weeks=i)
        add_post(acme, f"t{i}", day, likes=likes, replies=0, reposts=0)
    board = client_for(anna).get(url(acme), {"period": "2026-10"}).context["board"]
    (best,) = board.best_times
    assert best.best == [("di", 10, 6.0, 3)]


def test_funnel_uses_the_latest_stage_counts_of_the_period(acme, anna, client_for):
    from datetime import date

    from koers.measurement import actions

    for stage, count in ((1, 1000), (2, 250), (3, 50)):
        actions.record_manual_metric(
            acme, anna, metric="funnel_stage", day=date(2026, 10, 31), stage=stage, value=count
        )
    board = client_for(anna).get(url(acme), {"period": "2026-10"}).context["board"]
    rows = board.funnel_rows
    assert [r[1].count for r in rows[:3]] == [1000, 250, 50]
    assert rows[0][3] == "25,0%"  # step 250 / 1000
    assert rows[2][4] == "5,0%"  # cumulative 50 / 1000
    assert rows[3][1].count is None


def test_a_difference_that_rounds_to_zero_is_shown_without_a_sign():
    from koers.measurement.dashboard import KpiRow
    from koers.measurement.formulas import KPI_CATALOGUE, KpiValue

    row = KpiRow(
        KPI_CATALOGUE["click_through_rate"],
        KpiValue("click_through_rate", 1.26),
        KpiValue("click_through_rate", 1.29),
    )
    assert row.change == "±0,0 %-punt"


def test_the_response_figures_read_the_periods_inbox_items_without_sorting_them(
    acme, anna, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client_for(anna).get(url(acme), {"period": "2026-10"})

    assert response.status_code == 200
    inbox = [
        q["sql"]
        for q in captured.captured_queries
        if '"engagement_inboxitem"."answered_at"' in q["sql"]
    ]
    assert len(inbox) == 2  # this period and the one before
    assert all("ORDER BY" not in sql for sql in inbox), inbox
