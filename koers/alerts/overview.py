"""The alerts' block on the workspace overview: unacknowledged alerts, the newest named.
Two queries."""

from __future__ import annotations

from datetime import datetime

from koers.alerts.models import AlertEvent
from koers.core.access import scoped
from koers.core.models import Membership, Role, Workspace
from koers.core.overview import Panel

SHOWN = 3


class AlertsPanel:
    def panel(self, workspace: Workspace, membership: Membership, now: datetime) -> Panel:
        open_events = scoped(AlertEvent.objects, workspace).filter(acknowledged_at=None)
        data = {
            "count": open_events.count(),
            "events": list(open_events.select_related("rule").order_by("-created_at")[:SHOWN]),
            "can_acknowledge": membership.can(Role.CONTRIBUTOR),
        }
        return Panel("alerts", "alerts/overview.html", 30, data)
