"""POST: completeness per step, the Technology lock and the primary objective."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from koers.strategy.rules.groundswell import Objective, ObjectiveChoice, check_primary_objective
from koers.strategy.rules.post import (
    Channel,
    PostPlan,
    PostStep,
    post_status,
    post_step_status,
    technology_lock,
)
from koers.strategy.rules.reasons import Reason
from koers.strategy.rules.smart import SmartObjective

OBJECTIVE = SmartObjective(
    title="Answer questions fast",
    metric="median response time",
    channel="Mastodon",
    target_group="customers",
    target=4,
    unit="hours",
    baseline=10,
    baseline_date=date(2026, 1, 15),
    owner="bram",
    start=date(2026, 2, 1),
    deadline=date(2026, 5, 31),
    kpi_ids=("response_time",),
)

READY = PostPlan(
    has_technographics_profile=True,
    audience_description="Cyclists in Utrecht, mostly Spectators and Joiners.",
    influencers=("@fietsfan",),
    objectives=(
        ObjectiveChoice(Objective.SUPPORTING, primary=True),
        ObjectiveChoice(Objective.LISTENING),
    ),
    smart_objectives=(OBJECTIVE,),
    current_relationship="Customers phone us when something breaks.",
    target_relationship="Customers help each other in our community.",
    key_messages=("We fix it the same day.",),
    ambassadors=("Anna",),
    channels=(Channel("mastodon", 5),),
)


def codes(reasons: Sequence[Reason]) -> list[str]:
    return [r.code for r in reasons]


def test_a_complete_plan_has_every_step_complete_and_technology_unlocked() -> None:
    assert all(status.complete for status in post_status(READY).values())
    assert not technology_lock(READY).locked


def test_technology_is_locked_while_people_objectives_or_strategy_is_incomplete() -> None:
    plan = replace(READY, has_technographics_profile=False, key_messages=())
    lock = technology_lock(plan)
    assert lock.locked
    assert codes(lock.reasons) == [
        "technology_locked",
        "people_no_profile",
        "technology_locked",
        "strategy_no_messages",
    ]
    assert lock.reasons[0].message["en"] == "Technology is decided last: complete People first."
    assert lock.reasons[2].message["nl"] == (
        "Technologie kies je als laatste: maak eerst Strategie af."
    )


def test_an_empty_plan_locks_technology_for_all_three_steps() -> None:
    lock = technology_lock(PostPlan())
    assert codes(lock.reasons).count("technology_locked") == 3


def test_technology_needs_a_channel_to_be_complete() -> None:
    status = post_step_status(replace(READY, channels=()), PostStep.TECHNOLOGY)
    assert codes(status.missing) == ["technology_no_channels"]


def test_no_primary_objective_makes_objectives_incomplete() -> None:
    plan = replace(READY, objectives=(ObjectiveChoice(Objective.TALKING),))
    status = post_step_status(plan, PostStep.OBJECTIVES)
    assert not status.complete
    assert codes(status.missing) == ["objectives_no_primary"]


def test_a_second_primary_objective_is_a_warning_not_an_error() -> None:
    plan = replace(
        READY,
        objectives=(
            ObjectiveChoice(Objective.TALKING, primary=True),
            ObjectiveChoice(Objective.SUPPORTING, primary=True),
        ),
    )
    status = post_step_status(plan, PostStep.OBJECTIVES)
    assert status.complete
    assert codes(status.warnings) == ["objectives_many_primaries"]
    assert "2 primaire doelstellingen" in status.warnings[0].message["nl"]
    missing, warnings = check_primary_objective(plan.objectives)
    assert (missing, len(warnings)) == ([], 1)


def test_an_objective_without_kpi_is_incomplete() -> None:
    plan = replace(READY, smart_objectives=(replace(OBJECTIVE, kpi_ids=()),))
    status = post_step_status(plan, PostStep.OBJECTIVES)
    assert codes(status.missing) == ["objective_no_kpi"]
    assert "Answer questions fast" in status.missing[0].message["en"]


def test_an_objective_missing_smart_letters_is_incomplete_and_names_them() -> None:
    plan = replace(READY, smart_objectives=(replace(OBJECTIVE, owner=None, deadline=None),))
    status = post_step_status(plan, PostStep.OBJECTIVES)
    assert codes(status.missing) == ["objective_not_smart"]
    assert "A/T" in status.missing[0].message["en"]


def test_smart_warnings_surface_as_step_warnings() -> None:
    plan = replace(READY, smart_objectives=(replace(OBJECTIVE, target=10),))
    status = post_step_status(plan, PostStep.OBJECTIVES)
    assert status.complete
    assert codes(status.warnings) == ["smart_r_equal"]


def test_objectives_step_needs_at_least_one_smart_objective() -> None:
    status = post_step_status(replace(READY, smart_objectives=()), PostStep.OBJECTIVES)
    assert codes(status.missing) == ["objectives_none"]


def test_missing_influencers_and_ambassadors_only_warn() -> None:
    plan = replace(READY, influencers=(), ambassadors=(" ",))
    statuses = post_status(plan)
    assert statuses[PostStep.PEOPLE].complete
    assert codes(statuses[PostStep.PEOPLE].warnings) == ["people_no_influencers"]
    assert codes(statuses[PostStep.STRATEGY].warnings) == ["strategy_no_ambassadors"]
    assert not technology_lock(plan).locked


def test_strategy_needs_current_and_target_relationship() -> None:
    plan = replace(READY, current_relationship=" ", target_relationship="")
    status = post_step_status(plan, PostStep.STRATEGY)
    assert codes(status.missing) == ["strategy_no_current", "strategy_no_target"]


def test_growth_factor_option_reaches_the_smart_check() -> None:
    plan = replace(READY, smart_objectives=(replace(OBJECTIVE, baseline=100, target=400),))
    assert codes(post_step_status(plan, PostStep.OBJECTIVES).warnings) == ["smart_r_too_high"]
    relaxed = post_step_status(plan, PostStep.OBJECTIVES, max_growth_factor=5)
    assert relaxed.warnings == ()


def test_every_channel_needs_a_posting_frequency() -> None:
    plan = replace(READY, channels=(Channel("mastodon", 5), Channel("bluesky")))
    status = post_step_status(plan, PostStep.TECHNOLOGY)
    assert codes(status.missing) == ["technology_no_frequency"]
    assert status.missing[0].message["nl"] == "Geef aan hoe vaak er op bluesky gepost wordt."
