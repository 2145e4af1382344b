"""The content strategy's target audiences, and the ROI inputs: the costs of a cycle and
what a unit of a result is worth."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from koers.core.actions import audit
from koers.strategy.actions.common import (
    _editable,
    _json,
    _set_fields,
)
from koers.strategy.models import (
    Audience,
    Cycle,
    CycleCosts,
    ResultValues,
)

# ---------------------------------------------------------------------------------------------
# Content strategy: target audiences (POST People)


@transaction.atomic
def add_audience(cycle: Cycle, actor: AbstractBaseUser, **fields: Any) -> Audience:
    _editable(cycle)
    audience = Audience.objects.create(workspace=cycle.workspace, cycle=cycle, **fields)
    audit(cycle.workspace, actor, "strategy.audience_add", f"added audience {audience}", cycle)
    return audience


@transaction.atomic
def remove_audience(audience: Audience, actor: AbstractBaseUser) -> None:
    _editable(audience.cycle)
    audit(
        audience.workspace,
        actor,
        "strategy.audience_remove",
        f"removed audience {audience}",
        audience.cycle,
    )
    audience.delete()


# ---------------------------------------------------------------------------------------------
# ROI: costs of the cycle and what a unit of a result is worth to the workspace


@transaction.atomic
def save_costs(
    cycle: Cycle,
    actor: AbstractBaseUser,
    *,
    costs: Mapping[str, Decimal | None],
    values: Mapping[str, Decimal | None],
) -> CycleCosts:
    """``costs``: hourly_rate, tool_budget, ad_budget (this cycle); ``values``: lead,
    saved_call, visit (the workspace's value per unit, used by every cycle)."""
    _editable(cycle)
    row, _created = CycleCosts.objects.get_or_create(cycle=cycle, workspace=cycle.workspace)
    _set_fields(row, costs)
    per_unit, _created = ResultValues.objects.get_or_create(workspace=cycle.workspace)
    _set_fields(per_unit, values)
    audit(
        cycle.workspace,
        actor,
        "strategy.costs",
        "updated the costs and the value of results",
        cycle,
        costs={k: _json(v) for k, v in costs.items()},
        values={k: _json(v) for k, v in values.items()},
    )
    return row
