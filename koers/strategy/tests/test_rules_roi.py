"""ROI of a cycle: costs from the roos' hours × rate + budgets, value from the results."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from koers.strategy.rules import ResultKind, ResultLine, RoiInputs, RoleHours, compute_roi

LISTEN = RoleHours({"en": "Listening", "nl": "Luisteren"}, 4)
RESPOND = RoleHours({"en": "Responding", "nl": "Reageren"}, 6)
UNUSED = RoleHours({"en": "Activating", "nl": "Activeren"}, None, in_use=False)
NO_HOURS = RoleHours({"en": "Broadcasting", "nl": "Zenden"}, None, in_use=True)
LEADS = ResultLine("Meer aanvragen", ResultKind.LEAD, 50)
CALLS = ResultLine("Minder bellers", ResultKind.SAVED_CALL, 400)
VALUES: dict[ResultKind, int | float | Decimal | None] = {
    ResultKind.LEAD: 20,
    ResultKind.SAVED_CALL: Decimal("5.50"),
    ResultKind.VISIT: None,
}
FULL = RoiInputs(
    weeks=10,
    roles=(LISTEN, RESPOND, UNUSED),
    hourly_rate=50,
    tool_budget=1000,
    ad_budget=500,
    results=(LEADS, CALLS),
    unit_values=VALUES,
)


def with_(**change: Any) -> RoiInputs:
    return replace(FULL, **change)


@pytest.mark.parametrize(
    ("change", "cost", "value", "roi", "codes"),
    [
        # 10 h/week × 10 weeks × €50 = 5000, + 1000 + 500 = 6500; 50×20 + 400×5.50 = 3200.
        ({}, "6500", "3200", "-50.76923076923076923076923077", []),
        # Positive ROI: a higher value per lead.
        ({"unit_values": {**VALUES, ResultKind.LEAD: 200}}, "6500", "12200", None, []),
        # Zero cost: no percentage, but the value and net are known.
        (
            {"roles": (UNUSED,), "tool_budget": 0, "ad_budget": 0},
            "0",
            "3200",
            None,
            ["zero_cost"],
        ),
        # A role in use without hours: the cost is not known (no fake 0).
        ({"roles": (LISTEN, NO_HOURS)}, None, "3200", None, ["role_hours_missing"]),
        # Hours but no rate.
        ({"hourly_rate": None}, None, "3200", None, ["hourly_rate_missing"]),
        # No hours at all: the rate doesn't matter.
        ({"roles": (), "hourly_rate": None}, "1500", "3200", None, []),
        # Budgets left empty are not zero.
        ({"tool_budget": None, "ad_budget": None}, None, "3200", None,
         ["tool_budget_missing", "ad_budget_missing"]),
        # No objective with a result kind: the value is not known.
        ({"results": ()}, "6500", None, None, ["no_valued_results"]),
        # A result without a figure, a kind without a value per unit.
        ({"results": (ResultLine("Bezoek", ResultKind.VISIT, 10),
                      ResultLine("X", ResultKind.LEAD, None))},
         "6500", None, None, ["result_missing", "unit_value_missing"]),
    ],
)  # fmt: skip
def test_roi_table(
    change: dict[str, Any], cost: str | None, value: str | None, roi: str | None, codes: list[str]
) -> None:
    result = compute_roi(with_(**change))
    assert result.cost == (None if cost is None else Decimal(cost))
    assert result.value == (None if value is None else Decimal(value))
    if roi is not None:
        assert result.roi_pct == Decimal(roi)
    if cost is None or value is None:
        assert result.roi_pct is None and result.net is None
    assert sorted(r.code for r in result.reasons) == sorted(codes)


def test_positive_roi_percentage() -> None:
    result = compute_roi(with_(unit_values={**VALUES, ResultKind.LEAD: 200}))
    assert result.net == Decimal(5700)
    assert result.roi_pct is not None and round(result.roi_pct, 2) == Decimal("87.69")
    assert result.positive is True


def test_zero_cost_never_gives_a_percentage() -> None:
    result = compute_roi(RoiInputs(weeks=4, tool_budget=0, ad_budget=0, results=(LEADS,),
                                   unit_values=VALUES))  # fmt: skip
    assert result.cost == 0 and result.net == Decimal(1000)
    assert result.roi_pct is None


def test_reasons_are_bilingual_and_name_the_role() -> None:
    result = compute_roi(with_(roles=(NO_HOURS,)))
    (reason,) = [r for r in result.reasons if r.code == "role_hours_missing"]
    assert "Zenden" in reason.message["nl"] and "Broadcasting" in reason.message["en"]
    missing = compute_roi(with_(results=(ResultLine("B", ResultKind.VISIT, 3),)))
    (unit,) = [r for r in missing.reasons if r.code == "unit_value_missing"]
    assert "eigen site" in unit.message["nl"]
