"""Migrations that change data run on an install that has the data they are about."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("publishing", "0003_channel_account_id")]
AFTER = [("publishing", "0005_delivery_remote_post_unique")]


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
