"""Alert pages: roles (viewers read, editors manage), validated forms with the query
language's own errors, HTMX toggles, acknowledging, the menu badge, and 404 across workspaces."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from koers.alerts import actions, evaluate
from koers.alerts.models import AlertEvent, AlertRule, RuleKind
from koers.alerts.tests.conftest import NOW
from koers.core.models import AuditEvent
from koers.listening.models import Mention, Topic, TopicKind

pytestmark = pytest.mark.django_db
HOUR = NOW.replace(minute=0)


def url(name, *args, slug="acme"):
    return reverse(f"alerts:{name}", args=[slug, *args])


def spike_form(watched, **overrides):
    data = {
        "name": "Piek",
        "kind": "spike",
        "topic": watched.pk,
        "query": "",
        "window_hours": 1,
        "threshold": 3,
        "min_count": 10,
        "cooldown_minutes": 60,
        "webhook_url": "",
        "webhook_secret": "",
        "enabled": "on",
    }
    return data | overrides


@pytest.fixture
def fired(usual_week, rollup, make_rule):
    rule = make_rule(topic=usual_week, name="Piek Duinwijk")
    rollup(usual_week, HOUR, 45)
    [event] = evaluate.evaluate_rule(rule, NOW)
    return event


@pytest.fixture
def bolt_rule(bolt, carla):
    topic = Topic.objects.create(workspace=bolt, name="Bolt", kind=TopicKind.BRAND, query="bolt")
    return actions.create_rule(
        bolt, carla, name="Bolt piek", kind=RuleKind.SPIKE, topic=topic, window_hours=1,
        threshold=3.0, min_count=10, cooldown_minutes=60, enabled=True, query="", webhook_url="",
    )  # fmt: skip


def test_an_editor_creates_a_spike_rule(client_for, bram, topic, anna):
    response = client_for(bram).post(
        url("rule-new"), spike_form(topic, recipients=[anna.pk, bram.pk])
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get(name="Piek")
    assert (rule.kind, rule.topic, rule.threshold) == ("spike", topic, 3.0)
    assert set(rule.recipients.all()) == {anna, bram}
    assert AuditEvent.objects.filter(action="alerts.rule_create", actor=bram).exists()


def test_a_keyword_rule_with_a_broken_query_shows_the_query_languages_message(
    client_for, bram, acme
):
    data = spike_form(Topic(pk=0), kind="keyword", topic="", query="brand AND (gas OR")
    response = client_for(bram).post(url("rule-new"), data, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "parenthesis" in body  # koers.query's own message
    assert "<mark>(</mark>" in body  # the position, marked
    assert not AlertRule.objects.exists()


def test_a_keyword_rule_is_saved_with_its_query_and_no_topic(client_for, bram, topic):
    data = spike_form(topic, kind="keyword", name="Calamiteit", query='brand OR "gas lek"')
    assert client_for(bram).post(url("rule-new"), data).status_code == 302
    rule = AlertRule.objects.get(name="Calamiteit")
    assert (rule.query, rule.topic) == ('brand OR "gas lek"', None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"topic": ""}, "topic"),
        ({"threshold": 0.5}, "threshold"),
        ({"window_hours": 25}, "window_hours"),
        ({"webhook_url": "https://hook.example/a"}, "webhook_secret"),
        ({"webhook_url": "not a url", "webhook_secret": "s"}, "webhook_url"),
    ],
)
def test_invalid_rules_are_refused_with_a_message(client_for, bram, topic, overrides, field):
    response = client_for(bram).post(url("rule-new"), spike_form(topic, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AlertRule.objects.exists()


def test_a_topic_of_another_workspace_cannot_be_chosen(client_for, bram, acme, bolt_rule):
    response = client_for(bram).post(url("rule-new"), spike_form(bolt_rule.topic))
    assert response.status_code == 200, response
    assert "topic" in response.context["form"].errors


def test_editing_keeps_the_stored_webhook_secret(client_for, bram, topic):
    data = spike_form(topic, webhook_url="https://hook.example/a", webhook_secret="s3cr3t-XYZ")
    client_for(bram).post(url("rule-new"), data)
    rule = AlertRule.objects.get()
    data = spike_form(topic, name="Piek 2", webhook_url="https://hook.example/a")
    assert client_for(bram).post(url("rule-edit", rule.pk), data).status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.webhook_secret) == ("Piek 2", "s3cr3t-XYZ")
    assert "s3cr3t-XYZ" not in client_for(bram).get(url("rule-edit", rule.pk)).content.decode()


def test_switching_a_rule_off_and_on_with_htmx(client_for, bram, make_rule, topic):
    rule = make_rule(topic=topic)
    client = client_for(bram)
    response = client.post(
        url("rule-enabled", rule.pk), {"enabled": "0"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="rule-{rule.pk}"' in response.content.decode()
    rule.refresh_from_db()
    assert not rule.enabled
    client.post(url("rule-enabled", rule.pk), {"enabled": "1"})
    rule.refresh_from_db()
    assert rule.enabled


def test_deleting_a_rule(client_for, bram, make_rule, topic):
    rule = make_rule(topic=topic)
    assert client_for(bram).post(url("rule-delete", rule.pk)).status_code == 302
    assert not AlertRule.objects.exists()


def test_viewers_read_but_do_not_manage(client_for, vera, make_rule, topic, fired):
    rule = make_rule(topic=topic)
    client = client_for(vera)
    assert client.get(url("rules")).status_code == 200
    assert client.get(url("index")).status_code == 200
    assert client.get(url("event", fired.pk)).status_code == 200
    assert client.get(url("rule-new")).status_code == 403
    assert client.post(url("rule-edit", rule.pk), spike_form(topic)).status_code == 403
    assert client.post(url("rule-enabled", rule.pk), {"enabled": "0"}).status_code == 403
    assert client.post(url("rule-delete", rule.pk)).status_code == 403
    assert client.post(url("acknowledge", fired.pk)).status_code == 403
    assert (
        "New alert rule"
        not in client.get(url("rules"), headers={"Accept-Language": "en"}).content.decode()
    )
    rule.refresh_from_db()
    assert rule.enabled


def test_the_alerts_page_lists_events_newest_first(
    client_for, anna, fired, django_assert_max_num_queries
):
    older = AlertEvent.objects.create(
        workspace=fired.workspace, rule=fired.rule, kind="spike", window_key="old",
        window_start=NOW - timedelta(days=2), window_end=NOW - timedelta(days=2, hours=-1),
        created_at=NOW - timedelta(days=2), figures={"count": 12, "baseline": 1.0, "factor": 12.0},
    )  # fmt: skip
    client = client_for(anna)
    with django_assert_max_num_queries(12):
        response = client.get(url("index"))
    body = response.content.decode()
    assert body.index(f'id="event-{fired.pk}"') < body.index(f'id="event-{older.pk}"')
    assert "Piek Duinwijk" in body


def test_the_event_page_shows_figures_mentions_and_the_listening_link(
    client_for, anna, fired, mention, usual_week
):
    mention("Grote brand in Duinwijk", topic=usual_week)
    response = client_for(anna).get(url("event", fired.pk), headers={"Accept-Language": "en"})
    body = response.content.decode()
    assert "Duinwijk: 45 mentions, 4.5× the usual" in body
    assert "Grote brand in Duinwijk" in body
    assert f"/w/acme/listening/mentions/?topic={usual_week.pk}&amp;period=" in body


def test_acknowledging_with_htmx_and_the_badge_on_listening(client_for, anna, fired):
    client = client_for(anna)
    listening = client.get(reverse("listening:index", args=["acme"])).content.decode()
    assert 'class="nav-badge"' in listening
    assert f'href="{url("index")}"' in listening
    response = client.post(url("acknowledge", fired.pk), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Gezien door anna" in response.content.decode()
    fired.refresh_from_db()
    assert fired.acknowledged_by == anna and fired.acknowledged_at is not None
    listening = client.get(reverse("listening:index", args=["acme"])).content.decode()
    assert 'class="nav-badge"' not in listening


def test_a_second_acknowledgement_keeps_the_first(fired, anna, bram):
    assert actions.acknowledge(fired, anna)
    assert not actions.acknowledge(fired, bram)
    fired.refresh_from_db()
    assert fired.acknowledged_by == anna


def test_another_workspaces_rules_and_events_are_404(client_for, anna, carla, bolt_rule, fired):
    bolt_event = AlertEvent.objects.create(
        workspace=bolt_rule.workspace, rule=bolt_rule, kind="spike", window_key="k",
        window_start=NOW, window_end=NOW + timedelta(hours=1),
    )  # fmt: skip
    client = client_for(anna)
    assert client.get(url("rule-edit", bolt_rule.pk)).status_code == 404
    assert client.post(url("rule-delete", bolt_rule.pk)).status_code == 404
    assert client.post(url("rule-enabled", bolt_rule.pk), {"enabled": "0"}).status_code == 404
    assert client.get(url("event", bolt_event.pk)).status_code == 404
    assert client.post(url("acknowledge", bolt_event.pk)).status_code == 404
    assert "Bolt piek" not in client.get(url("rules")).content.decode()
    stranger = client_for(carla)
    assert stranger.get(url("index")).status_code == 404
    assert stranger.get(url("event", fired.pk)).status_code == 404
    assert AlertRule.objects.filter(pk=bolt_rule.pk, enabled=True).exists()


def test_a_mention_address_that_is_not_http_is_no_link_on_the_event_page(
    client_for, anna, fired, mention, usual_week
):
    bad = mention("Grote brand in Duinwijk", topic=usual_week)
    Mention.objects.filter(pk=bad.pk).update(url="javascript:alert(document.cookie)")
    body = client_for(anna).get(url("event", fired.pk)).content.decode()
    assert "Grote brand in Duinwijk" in body
    assert "javascript:" not in body


@pytest.fixture
def strict(settings):
    # The suite allows private addresses for its fake servers; production refuses them.
    settings.KOERS_ALLOW_PRIVATE_URLS = False
    return settings


def test_a_webhook_on_a_private_address_is_refused_when_the_rule_is_saved(
    client_for, bram, topic, strict
):
    client = client_for(bram)
    private = ["http://127.0.0.1:8000/hook", "http://localhost/hook", "http://[::1]/"]
    private += ["http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook"]
    for address in private:
        data = spike_form(topic, webhook_url=address, webhook_secret="s3cr3t-XYZ")
        response = client.post(url("rule-new"), data, headers={"Accept-Language": "en"})
        assert response.status_code == 200
        assert response.context["form"].errors["webhook_url"] == [
            "This address points into a private network; koers does not connect to it."
        ]
    assert not AlertRule.objects.exists()

    data = spike_form(topic, webhook_url="http://localhost/h", webhook_secret="s3cr3t-XYZ")
    response = client.post(url("rule-new"), data, headers={"Accept-Language": "nl"})
    assert "wijst naar een privénetwerk" in response.content.decode()


def test_changing_a_rule_to_a_private_webhook_address_changes_nothing(
    client_for, bram, topic, strict
):
    data = spike_form(topic, webhook_url="https://hook.example/a", webhook_secret="s3cr3t-XYZ")
    assert client_for(bram).post(url("rule-new"), data).status_code == 302
    rule = AlertRule.objects.get()
    data = spike_form(topic, name="Piek 2", webhook_url="http://192.168.1.1/hook")
    response = client_for(bram).post(url("rule-edit", rule.pk), data)
    assert response.status_code == 200
    assert "webhook_url" in response.context["form"].errors
    rule.refresh_from_db()
    assert (rule.name, rule.webhook_url) == ("Piek", "https://hook.example/a")
