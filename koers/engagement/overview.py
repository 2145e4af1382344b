"""The inbox's block on the workspace overview: open, overdue, unassigned and own messages,
each linking to the inbox filtered on them. One query."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q

from koers.core.access import scoped
from koers.core.models import Membership, Role, Workspace
from koers.core.overview import Panel
from koers.engagement.models import InboxItem, Status


class InboxPanel:
    def panel(self, workspace: Workspace, membership: Membership, now: datetime) -> Panel:
        open_ = Q(status=Status.OPEN)
        counts = scoped(InboxItem.objects, workspace).aggregate(
            total=Count("pk"),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & Q(due_at__lte=now)),
            unassigned=Count("pk", filter=open_ & Q(assignee=None)),
            mine=Count("pk", filter=open_ & Q(assignee_id=membership.user_id)),
        )
        data = {**counts, "can_answer": membership.can(Role.CONTRIBUTOR)}
        return Panel("inbox", "engagement/overview.html", 20, data)
