"""Measure's block on the workspace overview: each objective's progress against its target.

Two queries plus a few per distinct objective period (``kpis.gather``; objectives over the
same period share them); the overview shows at most ``SHOWN`` objectives.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from koers.core.models import Membership, Role, Workspace
from koers.core.overview import Panel
from koers.measurement import progress, sources

SHOWN = 8


class ObjectivesPanel:
    def panel(self, workspace: Workspace, membership: Membership, now: datetime) -> Panel:
        today = timezone.localtime(now, timezone.get_current_timezone()).date()
        objectives = sources.objectives(workspace)
        gathered: dict = {}
        rows = [progress.measure(workspace, o, today, gathered) for o in objectives[:SHOWN]]
        data = {
            "rows": rows,
            "more": max(0, len(objectives) - SHOWN),
            "can_plan": membership.can(Role.EDITOR),
        }
        return Panel("objectives", "measurement/overview.html", 40, data)
