"""The errors the strategy actions refuse with, and the helpers they share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from koers.measurement.formulas import KPI_CATALOGUE
from koers.strategy import rules
from koers.strategy.models import (
    Cycle,
)


class CycleReadOnly(PermissionDenied):
    """The cycle is closed or archived: it is kept for comparison, not edited."""


class StepLocked(PermissionDenied):
    """A rule locks this part of the cycle; ``reasons`` say why (bilingual)."""

    def __init__(self, reasons: Sequence[rules.Reason]) -> None:
        self.reasons = tuple(reasons)
        super().__init__(" ".join(r.message["en"] for r in self.reasons))


class GoRefused(StepLocked):
    """ "Go" asked for before steps 1–3 and the go criteria allow it (``rules.go_readiness``)."""


class NotAMember(ValueError):
    """The chosen project lead is not a member of the workspace."""


def _editable(cycle: Cycle) -> None:
    if not cycle.is_active:
        raise CycleReadOnly(_("This cycle is closed; it can be read but not changed."))


def _actor_name(actor: AbstractBaseUser) -> str:
    full = getattr(actor, "get_full_name", lambda: "")()
    return full or actor.get_username()


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def kpi_unit(kpi_id: str) -> str:
    """The catalogue's unit of a KPI ("seconds", "percent", …), stored with its target."""
    definition = KPI_CATALOGUE.get(kpi_id)
    return definition.unit.value if definition is not None else ""


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _set_fields(obj: Any, fields: Mapping[str, Any]) -> list[str]:
    """Set and save ``fields`` on ``obj`` (a bound ModelForm may already have set them in
    memory, so comparing with the instance can't tell what changed); returns the names."""
    for name, value in fields.items():
        setattr(obj, name, value)
    if fields and obj.pk is not None:
        obj.save(update_fields=list(fields))
    return list(fields)
