"""The uitstapmoment's gate and what steps 4–8 are made of (pure rules, table tests)."""

from __future__ import annotations

from datetime import date

import pytest

from koers.strategy.rules import (
    GO_CRITERIA,
    Approach,
    Decision,
    GoCriterion,
    GoEvidence,
    GoNoGo,
    KerkhofsState,
    KerkhofsStep,
    Lock,
    MediaPlanChannel,
    Partners,
    Reason,
    StepFacts,
    go_readiness,
    kerkhofs_state,
    means_not_goal_warnings,
    step_gaps,
    technology_gate,
)

ALL = frozenset(GoCriterion)
STEPS = frozenset({KerkhofsStep.PROBLEM, KerkhofsStep.TARGET_GROUP, KerkhofsStep.ONLINE_BEHAVIOUR})
READY = GoEvidence(
    steps_done=STEPS,
    problem="Questions wait too long.",
    has_profile=True,
    inactive_pct=17.0,
    smart_objectives=1,
    ticked=ALL,
)


def _with(**changes: object) -> GoEvidence:
    return GoEvidence(**{**READY.__dict__, **changes})


@pytest.mark.parametrize(
    ("evidence", "codes"),
    [
        (READY, []),
        (GoEvidence(), ["go_step_not_done"] * 3 + ["go_no_problem", "go_no_online_behaviour",
                                                    "go_no_smart_objective"]
         + ["go_criterion_unticked"] * 4),
        (_with(steps_done=STEPS - {KerkhofsStep.TARGET_GROUP}), ["go_step_not_done"]),
        (_with(problem="  "), ["go_no_problem"]),
        (_with(has_profile=False, inactive_pct=None), ["go_no_online_behaviour"]),
        (_with(inactive_pct=64.0), ["go_not_reachable"]),
        (_with(inactive_pct=50.0), []),  # the limit itself still counts as reachable
        (_with(inactive_pct=None), []),  # a benchmark without Inactives: unknown, not refused
        (_with(smart_objectives=0), ["go_no_smart_objective"]),
        (_with(ticked=ALL - {GoCriterion.CAPACITY_AVAILABLE}), ["go_criterion_unticked"]),
        (_with(ticked=frozenset()), ["go_criterion_unticked"] * 4),
    ],
)  # fmt: skip
def test_go_needs_steps_1_to_3_the_evidence_and_every_ticked_criterion(
    evidence: GoEvidence, codes: list[str]
) -> None:
    lock = go_readiness(evidence)
    assert [r.code for r in lock.reasons] == codes
    assert lock.locked is bool(codes)


def test_go_reasons_name_the_step_and_criterion_in_both_languages() -> None:
    steps = STEPS - {KerkhofsStep.ONLINE_BEHAVIOUR}
    lock = go_readiness(_with(steps_done=steps, ticked=ALL - {GoCriterion.OBJECTIVE_SMART}))
    assert [r.message["nl"] for r in lock.reasons] == [
        "Stap 3 (Online gedrag doelgroep) is nog niet afgerond.",
        "Vink het criterium ‘De doelstelling is SMART (stap 2)’ aan zodra het klopt.",
    ]
    assert lock.reasons[0].message["en"] == (
        "Step 3 (Online behaviour of the target group) is not complete yet."
    )


def test_not_reachable_uses_the_configurable_limit_and_local_numbers() -> None:
    lock = go_readiness(_with(inactive_pct=40.0), max_inactive_pct=30.0)
    assert lock.reasons[0].message["nl"].startswith("Volgens stap 3 is 40% van de doelgroep")
    assert not go_readiness(_with(inactive_pct=40.0)).locked


def test_every_criterion_has_a_label_in_both_languages() -> None:
    assert set(GO_CRITERIA) == set(GoCriterion)
    assert all(label["en"] and label["nl"] for label in GO_CRITERIA.values())


POST_DONE = Lock()
POST_OPEN = Lock((Reason("technology_locked", {"en": "x", "nl": "x"}),))
GO = kerkhofs_state(GoNoGo(Decision.GO, date(2026, 2, 1), "Ja", "anna"))
UNDECIDED = kerkhofs_state(None)
NO_GO = kerkhofs_state(GoNoGo(Decision.NO_GO, date(2026, 2, 1), "Nee", "anna"))


@pytest.mark.parametrize(
    ("post", "state", "codes"),
    [
        (POST_DONE, GO, []),
        (POST_DONE, UNDECIDED, ["technology_before_go"]),
        (POST_DONE, NO_GO, ["technology_before_go"]),
        (POST_OPEN, GO, ["technology_locked"]),
        (POST_OPEN, UNDECIDED, ["technology_before_go", "technology_locked"]),
    ],
)
def test_technology_opens_only_after_post_and_a_go(
    post: Lock, state: KerkhofsState, codes: list[str]
) -> None:
    assert [r.code for r in technology_gate(post, state).reasons] == codes


FULL = StepFacts(
    has_primary_objective=True,
    approach=Approach.HUMAN_DIALOGUE.value,
    partners=Partners.AMBASSADORS.value,
    campaigns=1,
    channels=(MediaPlanChannel("Mastodon", 5, 0, 4),),
    has_lead=True,
    objectives_with_kpi=1,
    planned_posts=3,
)


def _facts(**changes: object) -> StepFacts:
    return StepFacts(**{**FULL.__dict__, **changes})


@pytest.mark.parametrize(
    ("step", "facts", "codes"),
    [
        (KerkhofsStep.STRATEGIC_FRAMEWORK, FULL, []),
        (KerkhofsStep.STRATEGIC_FRAMEWORK, StepFacts(),
         ["framework_no_primary", "framework_no_approach", "framework_no_partners"]),
        (KerkhofsStep.STRATEGIC_FRAMEWORK, _facts(approach="shouting"), ["framework_no_approach"]),
        (KerkhofsStep.INTEGRATION, FULL, []),
        (KerkhofsStep.INTEGRATION, _facts(campaigns=0), ["integration_missing"]),
        (KerkhofsStep.INTEGRATION, _facts(campaigns=0, integration_text="Met het KCC."), []),
        (KerkhofsStep.MEDIA_PLAN, FULL, []),  # a budget of 0 is a budget
        (KerkhofsStep.MEDIA_PLAN, _facts(channels=()), ["media_plan_no_channels"]),
        (KerkhofsStep.MEDIA_PLAN, _facts(channels=(MediaPlanChannel("Bluesky", 3),)),
         ["media_plan_channel_incomplete"]),
        (KerkhofsStep.PROJECT_MANAGEMENT, FULL, []),
        (KerkhofsStep.PROJECT_MANAGEMENT, _facts(has_lead=False), ["project_no_lead"]),
        (KerkhofsStep.ACTIVATE_AND_MEASURE, FULL, []),
        (KerkhofsStep.ACTIVATE_AND_MEASURE, _facts(objectives_with_kpi=0, planned_posts=0),
         ["activate_no_kpis", "activate_no_posts"]),
        (KerkhofsStep.PROBLEM, StepFacts(), []),  # steps 1–3 are judged by the gate
    ],
)  # fmt: skip
def test_each_step_after_go_names_what_it_lacks(
    step: KerkhofsStep, facts: StepFacts, codes: list[str]
) -> None:
    assert [r.code for r in step_gaps(step, facts)] == codes


def test_an_incomplete_channel_names_the_missing_fields() -> None:
    (reason,) = step_gaps(
        KerkhofsStep.MEDIA_PLAN, _facts(channels=(MediaPlanChannel("Bluesky", 3),))
    )
    assert reason.message["nl"] == "Bluesky: vul budget en uren per week in."
    assert reason.message["en"] == "Bluesky: set budget and hours per week."


@pytest.mark.parametrize(
    ("titles", "words"),
    [
        (["Meer volgers op Instagram"], ["volgers"]),
        (["1000 followers by June"], ["followers"]),
        (["Aanwezig op TikTok"], ["aanwezig op"]),
        (["Minder telefoontjes naar het KCC", "Vragen binnen 4 uur beantwoord"], []),
        (["Meer likes", "Snellere antwoorden"], ["likes"]),
        ([], []),
    ],
)
def test_an_objective_about_the_channel_itself_gets_the_means_not_goal_warning(
    titles: list[str], words: list[str]
) -> None:
    warnings = means_not_goal_warnings(titles)
    assert [w.code for w in warnings] == ["means_not_goal"] * len(words)
    for warning, word in zip(warnings, words, strict=True):
        assert f"({word})" in warning.message["nl"]
        assert "middel, geen doel" in warning.message["nl"]
        assert "means, not a goal" in warning.message["en"]
