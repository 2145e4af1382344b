"""Return on investment of a cycle (source text 001 asks for a positive ROI).

Cost = the Communicatieroos' hours per role × weeks × an hourly rate, plus the tool and the
advertising budget. Value = each objective's result (leads, calls the contact centre did not
get, visits to the own site) × what one unit is worth to the workspace.
``ROI = (value − cost) / cost · 100``.

A missing input makes the figure it feeds "not known" (``None``) with a :class:`Reason`
saying which input is missing — never a fake 0 or 0 %. A cost of exactly 0 gives no ROI
percentage either (nothing to divide by); the net value is still shown.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from koers.strategy.rules.reasons import Bilingual, Number, Reason, format_in


class ResultKind(enum.StrEnum):
    LEAD = "lead"
    SAVED_CALL = "saved_call"
    VISIT = "visit"


RESULT_KIND_NAMES: Mapping[ResultKind, Bilingual] = {
    ResultKind.LEAD: {"en": "leads", "nl": "leads"},
    ResultKind.SAVED_CALL: {
        "en": "calls the contact centre did not get",
        "nl": "voorkomen telefoontjes naar het klantcontactcentrum",
    },
    ResultKind.VISIT: {"en": "visits to the own site", "nl": "bezoeken aan de eigen site"},
}

ROI_MESSAGES: Mapping[str, Bilingual] = {
    "role_hours_missing": {
        "en": "{role} has activities but no hours per week.",
        "nl": "{role} heeft activiteiten maar geen uren per week.",
    },
    "hourly_rate_missing": {
        "en": "No hourly rate: the hours can't be priced.",
        "nl": "Geen uurtarief: de uren kunnen niet in euro's worden omgerekend.",
    },
    "tool_budget_missing": {
        "en": "No tool budget filled in (enter 0 if there is none).",
        "nl": "Geen budget voor tools ingevuld (vul 0 in als er geen is).",
    },
    "ad_budget_missing": {
        "en": "No advertising budget filled in (enter 0 if there is none).",
        "nl": "Geen advertentiebudget ingevuld (vul 0 in als er geen is).",
    },
    "no_valued_results": {
        "en": "No objective says what its result counts as (leads, saved calls, visits).",
        "nl": "Geen enkele doelstelling zegt wat het resultaat waard is "
        "(leads, voorkomen telefoontjes, bezoeken).",
    },
    "result_missing": {
        "en": "“{title}” has no figure yet.",
        "nl": "“{title}” heeft nog geen cijfer.",
    },
    "unit_value_missing": {
        "en": "No value per unit set for {kind}.",
        "nl": "Geen waarde per eenheid ingesteld voor {kind}.",
    },
    "zero_cost": {
        "en": "The costs are 0: there is no ROI percentage to compute.",
        "nl": "De kosten zijn 0: er valt geen ROI-percentage te berekenen.",
    },
}


def _reason(code: str, **params: str | Bilingual) -> Reason:
    """A reason whose parameters are plain text or bilingual (picked per language)."""

    def text(lang: str) -> str:
        values = {k: v if isinstance(v, str) else v[lang] for k, v in params.items()}
        return format_in(lang, ROI_MESSAGES[code][lang], **values)

    return Reason(code, {lang: text(lang) for lang in ("en", "nl")})


def _money(value: Number | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class RoleHours:
    """One role (a roos petal) with its hours per week; ``in_use`` when it has activities."""

    name: Bilingual
    hours_per_week: Number | None
    in_use: bool = True


@dataclass(frozen=True)
class ResultLine:
    """An objective's result (or target, for the plan) counted as ``kind``."""

    title: str
    kind: ResultKind
    quantity: Number | None


@dataclass(frozen=True)
class RoiInputs:
    weeks: Number
    roles: tuple[RoleHours, ...] = ()
    hourly_rate: Number | None = None
    tool_budget: Number | None = None
    ad_budget: Number | None = None
    results: tuple[ResultLine, ...] = ()
    unit_values: Mapping[ResultKind, Number | None] | None = None


@dataclass(frozen=True)
class ValueLine:
    title: str
    kind: ResultKind
    quantity: Decimal | None
    unit_value: Decimal | None
    value: Decimal | None


@dataclass(frozen=True)
class Roi:
    hours: Decimal | None
    """All roles' hours over the cycle; ``None`` when a role in use has no hours."""
    labour_cost: Decimal | None
    tool_budget: Decimal | None
    ad_budget: Decimal | None
    cost: Decimal | None
    value: Decimal | None
    lines: tuple[ValueLine, ...]
    net: Decimal | None
    roi_pct: Decimal | None
    reasons: tuple[Reason, ...]
    """Why a figure is not known (or, for a zero cost, why there is no percentage)."""

    @property
    def positive(self) -> bool | None:
        return None if self.net is None else self.net > 0


def _hours(inputs: RoiInputs, reasons: list[Reason]) -> Decimal | None:
    total = Decimal(0)
    known = True
    for role in inputs.roles:
        if role.hours_per_week is None:
            if role.in_use:
                reasons.append(_reason("role_hours_missing", role=role.name))
                known = False
            continue
        total += Decimal(str(role.hours_per_week))
    return total * Decimal(str(inputs.weeks)) if known else None


def _value(inputs: RoiInputs, reasons: list[Reason]) -> tuple[Decimal | None, list[ValueLine]]:
    values = inputs.unit_values or {}
    lines: list[ValueLine] = []
    if not inputs.results:
        reasons.append(_reason("no_valued_results"))
        return None, lines
    known = True
    missing_kinds: list[ResultKind] = []
    for result in inputs.results:
        quantity, unit_value = _money(result.quantity), _money(values.get(result.kind))
        if quantity is None:
            reasons.append(_reason("result_missing", title=result.title))
        if unit_value is None and result.kind not in missing_kinds:
            missing_kinds.append(result.kind)
        value = None if quantity is None or unit_value is None else quantity * unit_value
        known = known and value is not None
        lines.append(ValueLine(result.title, result.kind, quantity, unit_value, value))
    for kind in missing_kinds:
        reasons.append(_reason("unit_value_missing", kind=RESULT_KIND_NAMES[kind]))
    total = sum((line.value or Decimal(0) for line in lines), Decimal(0))
    return (total if known else None), lines


def compute_roi(inputs: RoiInputs) -> Roi:
    """Costs, value and ROI of one cycle (see the module docstring for the rules)."""
    reasons: list[Reason] = []
    hours = _hours(inputs, reasons)
    rate = _money(inputs.hourly_rate)
    labour: Decimal | None = None
    if hours is not None:
        if hours == 0:
            labour = Decimal(0)
        elif rate is None:
            reasons.append(_reason("hourly_rate_missing"))
        else:
            labour = hours * rate
    tools, ads = _money(inputs.tool_budget), _money(inputs.ad_budget)
    if tools is None:
        reasons.append(_reason("tool_budget_missing"))
    if ads is None:
        reasons.append(_reason("ad_budget_missing"))
    cost = None if labour is None or tools is None or ads is None else labour + tools + ads
    value, lines = _value(inputs, reasons)
    net = None if cost is None or value is None else value - cost
    roi_pct = None
    if net is not None and cost is not None:
        if cost == 0:
            reasons.append(_reason("zero_cost"))
        else:
            roi_pct = net / cost * 100
    return Roi(hours, labour, tools, ads, cost, value, tuple(lines), net, roi_pct, tuple(reasons))
