"""The audience text becomes the first audience; key message lines become rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations():
    """Leave the test database migrated to the newest state, whatever a test migrated to."""
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
def test_the_audience_text_and_key_message_lines_become_rows(anna, acme):
    apps = _migrate([("strategy", "0005_audiences_key_messages_roi")])
    Cycle = apps.get_model("strategy", "Cycle")
    common = {"workspace_id": acme.pk, "period_start": date(2026, 1, 1),
              "period_end": date(2026, 12, 31)}  # fmt: skip
    full = Cycle.objects.create(
        name="2026", status="active", key_messages="Fiets vaker\n\n  Veilig op weg  \n",
        audience_description="Forensen in de regio\nmet de fiets naar het station", **common,
    )  # fmt: skip
    empty = Cycle.objects.create(name="2025", status="archived", **common)

    apps = _migrate([("strategy", "0006_move_audience_and_key_messages_into_rows")])
    Audience = apps.get_model("strategy", "Audience")
    KeyMessage = apps.get_model("strategy", "KeyMessage")
    Cycle = apps.get_model("strategy", "Cycle")
    (audience,) = Audience.objects.filter(cycle_id=full.pk)
    assert (audience.name, audience.priority) == ("Forensen in de regio", 1)
    assert audience.description == "Forensen in de regio\nmet de fiets naar het station"
    assert Cycle.objects.get(pk=full.pk).audience_description == ""
    assert list(
        KeyMessage.objects.filter(cycle_id=full.pk).order_by("position").values_list("text")
    ) == [("Fiets vaker",), ("Veilig op weg",)]
    assert not Audience.objects.filter(cycle_id=empty.pk).exists()
    assert not KeyMessage.objects.filter(cycle_id=empty.pk).exists()
    call_command("migrate", verbosity=0)  # back to the latest state for the next tests
