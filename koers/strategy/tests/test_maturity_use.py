"""Listening maturity pre-filled from what koers sees in the workspace, with the next stage's
steps linked to the pages that do them."""

from __future__ import annotations

from koers.alerts.models import AlertRule
from koers.listening.models import Topic
from koers.strategy import actions, maturity_use
from koers.strategy.models import Cycle
from koers.strategy.tests.conftest import url


def topic(workspace, name: str, kind: str) -> Topic:
    return Topic.objects.create(workspace=workspace, name=name, kind=kind, query=name)


def test_nothing_used_means_nothing_seen_and_stage_one_is_linked(client_for, anna, cycle):
    page = client_for(anna).get(url("maturity", cycle)).content.decode()
    assert "koers ziet" not in page
    assert "Huidige fase: nog niet op fase 1" in page
    assert 'href="/w/acme/alerts/rules/new/"' in page  # the page that sets up a keyword alert


def test_topics_alerts_and_the_policy_tick_items_and_lift_the_stage(client_for, anna, cycle, acme):
    topic(acme, "Acme", "brand")
    topic(acme, "Gazelle", "competitor")
    rule = AlertRule.objects.create(workspace=acme, name="Merk", kind="keyword", query="acme")
    rule.recipients.add(anna)
    actions.fill_policy_from_template(acme, anna, language="nl")
    use = maturity_use.listening_use(Cycle.objects.get(pk=cycle.pk))
    assert (use.brand_topics, use.market_topics, use.sov_competitor_topics) == (1, 1, 1)
    assert (use.keyword_alerts, use.alerts_with_recipients) == (1, 1)
    assert use.policy_response_times and use.policy_escalation

    page = client_for(anna).get(url("maturity", cycle)).content.decode()
    assert "koers ziet: Trefwoordsignalen ingesteld: 1." in page
    assert "Share of voice over eigen onderwerpen (1) en onderwerpen van anderen (1)." in page
    # Stage 2 needs the own accounts checked daily, which koers can't see yet.
    assert "Huidige fase: 1 van 5" in page
    assert 'href="/w/acme/calendar/channels/"' in page
    cycle.refresh_from_db()
    assert cycle.maturity_checked == []  # seen, not stored: it follows the real use


def test_an_inactive_topic_or_a_disabled_alert_is_not_counted(anna, cycle, acme):
    Topic.objects.create(workspace=acme, name="Oud", kind="competitor", query="x", is_active=False)
    AlertRule.objects.create(workspace=acme, name="Uit", kind="keyword", query="x", enabled=False)
    use = maturity_use.listening_use(Cycle.objects.get(pk=cycle.pk))
    assert (use.market_topics, use.keyword_alerts) == (0, 0)


def test_a_closed_cycle_keeps_its_own_ticks_only(anna, cycle, acme):
    topic(acme, "Gazelle", "competitor")
    cycle.status = "archived"
    cycle.save(update_fields=["status"])
    assert maturity_use.listening_use(cycle).market_topics == 0


def test_the_api_item_points_at_the_api(anna, cycle):
    urls = maturity_use.page_urls(cycle)
    # The workspace's API token page, where the REST API starts.
    assert urls["api"] == f"/w/{cycle.workspace.slug}/settings/api/"
    assert urls["strategy.objectives"] == url("objectives", cycle)
    assert urls["strategy.policy"] == "/w/acme/strategy/policy/"


def test_the_cycle_report_counts_what_koers_sees(anna, cycle, acme):
    from koers.strategy import status

    def maturity_row():
        report = status.cycle_report(status.prefetched(Cycle.objects.all(), cycle.pk))
        return next(r for r in status.completeness(report) if r.key == "maturity")

    assert (maturity_row().done, maturity_row().summary) == (False, "0/5")
    rule = AlertRule.objects.create(workspace=acme, name="Merk", kind="keyword", query="acme")
    rule.recipients.add(anna)
    assert (maturity_row().done, maturity_row().summary) == (True, "1/5")
