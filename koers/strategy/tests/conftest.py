"""Strategy fixtures: a cycle in Acme, and the complete Duinwijk demo cycle."""

from __future__ import annotations

import random
from datetime import date

import pytest

from koers.core.demo import DemoContext
from koers.strategy import actions, demo
from koers.strategy.models import Cycle, CycleStatus


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The cast's accounts are hashed with PBKDF2 (~1 s each); these tests never check passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cycle(acme, anna) -> Cycle:
    """A fresh, empty active cycle in Anna's workspace Acme."""
    return actions.create_cycle(
        acme, anna, name="Plan 2026", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )


@pytest.fixture
def duinwijk(acme, anna) -> Cycle:
    """Acme filled with the complete demo strategy (the active cycle, decision "go")."""
    demo.build(DemoContext(workspace=acme, owner=anna, rng=random.Random(2026)))
    return Cycle.objects.get(workspace=acme, status=CycleStatus.ACTIVE)


def url(name: str, cycle: Cycle, *args: object) -> str:
    from django.urls import reverse

    return reverse(f"strategy:{name}", args=[cycle.workspace.slug, cycle.pk, *args])


@pytest.fixture
def ready_cycle(cycle, anna) -> Cycle:
    """A cycle whose People, Objectives and Strategy are complete (Technology waits for "go")."""
    fill_post(cycle, anna)
    return cycle


@pytest.fixture
def go_cycle(ready_cycle, anna) -> Cycle:
    """A ready cycle with steps 1–3 complete and a "go" (Technology and steps 4–8 open)."""
    decide_go(ready_cycle, anna)
    return ready_cycle


ALL_CRITERIA = ["problem_stated", "reachable_online", "objective_smart", "capacity_available"]


def complete_steps_1_to_3(cycle: Cycle, user) -> None:
    from koers.strategy.models import KerkhofsStep

    for step, notes in (
        ("problem", "Vragen blijven te lang liggen."),
        ("target_group", "Forensen; meer bereik."),
        ("online_behaviour", "Het profiel toont veel Joiners."),
    ):
        record = KerkhofsStep.objects.get(cycle=cycle, step=step)
        actions.update_kerkhofs_step(record, user, status="done", notes=notes, owner="Anna")


def decide_go(cycle: Cycle, user) -> None:
    complete_steps_1_to_3(cycle, user)
    actions.record_go_no_go(
        cycle,
        user,
        decision="go",
        decided_on=date(2026, 2, 1),
        rationale="Genoeg bereik en budget.",
        criteria=ALL_CRITERIA,
    )
    cycle.refresh_from_db()


def fill_post(cycle: Cycle, user) -> None:
    from decimal import Decimal

    actions.update_people(cycle, user, audience_description="Fietsers in de regio Utrecht.")
    actions.use_benchmark(cycle, user, benchmark_id="netherlands-2007")
    actions.set_groundswell(cycle, user, roles={"talking": "primary"})
    actions.save_objective(
        cycle,
        user,
        None,
        {
            "title": "Meer bereik",
            "metric": "bereik",
            "channel": "Mastodon",
            "target_group": "forensen",
            "unit": "accounts",
            "baseline": Decimal("1000"),
            "baseline_date": date(2025, 12, 1),
            "target": Decimal("2000"),
            "start": date(2026, 1, 1),
            "deadline": date(2026, 6, 30),
            "owner": "Anna",
        },
        [{"kpi_id": "reach", "variant": "", "target": Decimal("2000")}],
    )
    actions.update_strategy(
        cycle,
        user,
        current_relationship="Zenden",
        target_relationship="In gesprek",
        key_messages="Fiets vaker",
        ambassadors="",
    )
