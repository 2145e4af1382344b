"""Kerkhofs' eight steps and the uitstapmoment (go/no-go)."""

from __future__ import annotations

from datetime import date

from koers.strategy.rules.kerkhofs import (
    KERKHOFS_STEPS,
    STEPS_AFTER_GO,
    CycleState,
    Decision,
    GoNoGo,
    KerkhofsStep,
    kerkhofs_state,
    next_cycle_objective,
)
from koers.strategy.rules.smart import SmartObjective

GO = GoNoGo(Decision.GO, date(2026, 3, 1), "Audience is active on Mastodon.", "anna")


def test_eight_numbered_steps_with_the_uitstapmoment_after_step_three() -> None:
    assert [s.number for s in KERKHOFS_STEPS] == [1, 2, 3, None, 4, 5, 6, 7, 8]
    assert KERKHOFS_STEPS[3].step is KerkhofsStep.GO_NO_GO
    assert KERKHOFS_STEPS[0].name["nl"] == "Probleem en aandachtspunt"
    assert KERKHOFS_STEPS[6].name["nl"] == "Mediaplan en kanaalkeuze"
    assert all(s.name["en"] and s.name["nl"] for s in KERKHOFS_STEPS)


def test_steps_four_to_eight_are_blocked_before_any_decision() -> None:
    state = kerkhofs_state(None)
    assert state.state is CycleState.UNDECIDED
    assert state.locked_steps == set(STEPS_AFTER_GO)
    assert len(STEPS_AFTER_GO) == 5
    assert not state.lock(KerkhofsStep.ONLINE_BEHAVIOUR).locked
    lock = state.lock(KerkhofsStep.MEDIA_PLAN)
    assert lock.locked
    assert lock.reasons[0].message["en"] == (
        "Steps 4–8 open after a go. The go/no-go record still needs the decision (go or no-go), "
        "the date, the rationale and who decided."
    )


def test_a_go_with_date_rationale_and_who_unlocks_everything() -> None:
    state = kerkhofs_state(GO)
    assert state.state is CycleState.GO
    assert state.locked_steps == frozenset()
    assert not state.lock(KerkhofsStep.ACTIVATE_AND_MEASURE).locked


def test_a_go_without_rationale_keeps_steps_blocked() -> None:
    state = kerkhofs_state(GoNoGo(Decision.GO, date(2026, 3, 1), "  ", "anna"))
    assert state.state is CycleState.UNDECIDED
    assert KerkhofsStep.STRATEGIC_FRAMEWORK in state.locked_steps
    assert "de onderbouwing" in state.reasons[0].message["nl"]
    assert "het besluit" not in state.reasons[0].message["nl"]


def test_a_no_go_closes_the_cycle_as_a_valid_outcome() -> None:
    state = kerkhofs_state(
        GoNoGo(Decision.NO_GO, date(2026, 3, 1), "Audience isn't online.", "anna")
    )
    assert state.state is CycleState.CLOSED_NO_GO
    assert state.cycle_closed
    assert state.locked_steps == set(STEPS_AFTER_GO)
    assert state.reasons[0].code == "go_no_go_is_no_go"
    assert "afgesloten" in state.lock(KerkhofsStep.PROJECT_MANAGEMENT).reasons[0].message["nl"]


def test_the_evaluation_becomes_the_next_cycles_baseline() -> None:
    objective = SmartObjective(
        title="Faster answers",
        metric="median response time",
        unit="hours",
        target=4,
        baseline=10,
        baseline_date=date(2026, 1, 15),
        owner="bram",
        start=date(2026, 2, 1),
        deadline=date(2026, 5, 31),
        kpi_ids=("response_time",),
    )
    following = next_cycle_objective(objective, 5.5, date(2026, 6, 1))
    assert (following.baseline, following.baseline_date) == (5.5, date(2026, 6, 1))
    assert following.target is None and following.start is None and following.deadline is None
    assert following.kpi_ids == ("response_time",) and following.owner == "bram"
