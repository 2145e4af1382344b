"""The workspace overview: the team's morning view of posts, approvals, inbox, alerts, broken
channels and objectives, each linking to where it is handled; roles, scoping and query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koers.alerts.models import AlertEvent
from koers.core.demo import build_demo
from koers.engagement.models import InboxItem, Status
from koers.publishing.models import Channel, ContentItem, Health, State

pytestmark = pytest.mark.django_db


def home(workspace) -> str:
    return reverse("workspace-home", args=[workspace.slug])


def counts(html: str) -> dict[str, str]:
    """The figures the page marks with ``data-count``, by name: the first number in each."""
    found = re.findall(r'data-count="([a-z]+)">\D*(\d+)', html)
    return dict(found)


@pytest.fixture
def duinwijk(anna):
    workspace, _summaries = build_demo(anna, "duinwijk")
    return workspace


def test_the_overview_shows_the_demo_counts_of_its_own_workspace_only(
    anna, carla, client_for, duinwijk
):
    build_demo(carla, "kust")  # a second demo: the same kinds of rows in another workspace
    now = timezone.now()
    open_items = InboxItem.objects.filter(workspace=duinwijk, status=Status.OPEN)

    html = client_for(anna).get(home(duinwijk), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    waiting = ContentItem.objects.filter(workspace=duinwijk, state=State.IN_REVIEW).count()
    unacknowledged = AlertEvent.objects.filter(workspace=duinwijk, acknowledged_at=None).count()
    figures = counts(html)
    assert figures["waiting"] == str(waiting) and waiting > 0
    assert figures["open"] == str(open_items.count())
    assert figures["overdue"] == str(open_items.filter(due_at__lte=now).count())
    assert figures["unassigned"] == str(open_items.filter(assignee=None).count())
    assert figures["alerts"] == str(unacknowledged)
    assert ContentItem.objects.filter(state=State.IN_REVIEW).count() == 2 * waiting
    assert "Wacht op goedkeuring" in html and "Inbox" in html and "Doelstellingen" in html


def test_each_figure_links_to_the_page_where_it_is_handled(anna, client_for, duinwijk):
    html = client_for(anna).get(home(duinwijk)).content.decode()
    inbox = reverse("engagement:index", args=[duinwijk.slug])
    for link in (
        reverse("publishing:waiting", args=[duinwijk.slug]),
        f"{inbox}?status=open&amp;overdue=on",
        f"{inbox}?status=open&amp;assignee=none",
        reverse("alerts:index", args=[duinwijk.slug]),
        reverse("measurement:objectives", args=[duinwijk.slug]),
        reverse("publishing:index", args=[duinwijk.slug]) + "?view=week",
    ):
        assert f'href="{link}' in html, link


def test_posts_today_and_this_week_are_counted_per_channel(anna, client_for, duinwijk):
    board = client_for(anna).get(home(duinwijk)).context["panels"]
    calendar = next(p for p in board if p.key == "calendar").data
    assert calendar["week_total"] == sum(c.week for c in calendar["channels"])
    assert calendar["today_total"] <= calendar["week_total"]
    assert {c.name for c in calendar["channels"]} == set(
        Channel.objects.filter(workspace=duinwijk).values_list("name", flat=True)
    )


def test_a_broken_channel_and_a_failed_post_ask_for_attention(anna, client_for, duinwijk):
    channel = Channel.objects.filter(workspace=duinwijk).first()
    Channel.objects.filter(pk=channel.pk).update(
        health=Health.BROKEN, health_reason="Het toegangstoken is geweigerd."
    )
    item = ContentItem.objects.filter(workspace=duinwijk).first()
    ContentItem.objects.filter(pk=item.pk).update(state=State.FAILED)

    html = client_for(anna).get(home(duinwijk), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Mislukte berichten en kapotte kanalen" in html
    assert counts(html)["broken"] == "1" and "Het toegangstoken is geweigerd." in html
    assert counts(html)["failed"] == str(
        ContentItem.objects.filter(workspace=duinwijk, state=State.FAILED).count()
    )
    assert f'href="{reverse("publishing:item", args=[duinwijk.slug, item.pk])}"' in html


def test_a_blank_workspace_shows_empty_states_with_a_next_step(acme, anna, client_for):
    html = client_for(anna).get(home(acme), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Nog geen kanalen —" in html
    assert f'href="{reverse("publishing:channels", args=[acme.slug])}">koppel er een' in html
    assert "Nog geen doelstellingen met een KPI —" in html
    assert "Nog geen berichten — volg een onderwerp bij Luisteren" in html
    assert "Er wacht niets op goedkeuring." in html


def test_a_viewer_sees_the_figures_but_no_actions(acme, vera, client_for):
    html = client_for(vera).get(home(acme), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "met je rol (kijker) kun je niets wijzigen" in html
    assert "vraag een beheerder er een te koppelen" in html
    assert "koppel er een</a>" not in html
    assert reverse("publishing:item-new", args=[acme.slug]) not in html


def test_an_outsider_gets_404_on_the_overview(acme, carla, client_for):
    assert client_for(carla).get(home(acme)).status_code == 404


def test_the_overview_query_count_does_not_grow_with_the_data(
    anna, client_for, duinwijk, django_assert_max_num_queries
):
    client = client_for(anna)
    # The first read after the demo was built fills the daily listening rollups once (7 queries).
    client.get(home(duinwijk))
    # 30 on the demo (four objectives over two periods): the session, the shell, the
    # publishing, inbox and alerts panels and one read of the figures per objective period.
    with django_assert_max_num_queries(30):
        client.get(home(duinwijk))
    item = ContentItem.objects.filter(workspace=duinwijk).first()
    for n in range(30):
        ContentItem.objects.create(
            workspace=duinwijk, title=f"Idee {n}", text="…", state=State.IN_REVIEW,
            campaign=item.campaign,
        )  # fmt: skip
    InboxItem.objects.filter(workspace=duinwijk).update(
        status=Status.OPEN, due_at=timezone.now() - timedelta(hours=1)
    )
    with django_assert_max_num_queries(30):
        response = client.get(home(duinwijk))
    assert len(next(p for p in response.context["panels"] if p.key == "calendar").data[
        "waiting_items"
    ]) == 5  # fmt: skip
