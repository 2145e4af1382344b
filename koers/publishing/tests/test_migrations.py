"""Migrations that change data run on an install that has the data they are about."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("publishing", "0003_channel_account_id")]
AFTER = [("publishing", "0005_delivery_remote_post_unique")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """These tests leave the database at an old migration; later tests need today's schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_deliveries_that_share_a_remote_post_are_separated_before_the_constraint(anna, acme):
    apps = _migrate(BEFORE)
    Channel = apps.get_model("publishing", "Channel")
    ContentItem = apps.get_model("publishing", "ContentItem")
    Delivery = apps.get_model("publishing", "Delivery")
    channel = Channel.objects.create(
        workspace_id=acme.pk,
        network="mastodon",
        name="M",
        endpoint="https://m.example",
        secret_enc="x",
    )
    now = timezone.now()
    items = [
        ContentItem.objects.create(workspace_id=acme.pk, title=f"Zelfde {n}", state="published")
        for n in range(3)
    ]
    for n, item in enumerate(items):
        Delivery.objects.create(
            workspace_id=acme.pk,
            item=item,
            channel=channel,
            idempotency_key=f"k{n}",
            state="published",
            remote_id="555" if n < 2 else "556",
            published_at=now,
        )

    apps = _migrate(AFTER)
    Delivery = apps.get_model("publishing", "Delivery")
    ContentItem = apps.get_model("publishing", "ContentItem")
    kept, separated, other = Delivery.objects.order_by("idempotency_key")
    assert (kept.state, kept.remote_id) == ("published", "555")
    assert (separated.state, separated.remote_id) == ("failed", "")
    assert "same post as another" in separated.error
    assert (other.state, other.remote_id) == ("published", "556")
    assert ContentItem.objects.get(pk=separated.item_id).state == "failed"
    assert ContentItem.objects.get(pk=kept.item_id).state == "published"


@pytest.mark.django_db(transaction=True)
def test_channels_with_the_same_name_in_a_workspace_are_renamed_before_the_constraint(
    anna, acme, bolt
):
    apps = _migrate([("publishing", "0006_review_every_change")])
    Channel = apps.get_model("publishing", "Channel")
    for workspace, name in [(acme, "Gemeente"), (acme, "Gemeente"), (acme, "Gemeente (2)")]:
        Channel.objects.create(
            workspace_id=workspace.pk,
            network="webhook",
            name=name,
            endpoint="https://h.example",
            secret_enc="x",
        )
    Channel.objects.create(
        workspace_id=bolt.pk,
        network="webhook",
        name="Gemeente",
        endpoint="https://h",
        secret_enc="x",
    )

    apps = _migrate([("publishing", "0007_channel_name_per_workspace")])
    Channel = apps.get_model("publishing", "Channel")
    names = sorted(Channel.objects.filter(workspace_id=acme.pk).values_list("name", flat=True))
    assert names == ["Gemeente", "Gemeente (2)", "Gemeente (3)"]
    assert Channel.objects.filter(workspace_id=bolt.pk).get().name == "Gemeente"
