"""The unacknowledged-alerts count beside Listening in the main menu. It rides on the page
shell's memberships query as a subquery, so showing it costs no extra query per page."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from koers.alerts.models import AlertEvent
from koers.core.models import Membership
from koers.core.navigation import Badge

FIELD = "alerts_unacknowledged"


class UnacknowledgedAlerts:
    def annotate(self, memberships: QuerySet) -> QuerySet:
        open_events = (
            AlertEvent.objects.filter(workspace=OuterRef("workspace"), acknowledged_at__isnull=True)
            .order_by()
            .values("workspace")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return memberships.annotate(
            **{FIELD: Coalesce(Subquery(open_events, output_field=IntegerField()), 0)}
        )

    def badge(self, membership: Membership) -> Badge | None:
        count = getattr(membership, FIELD, 0)
        if not count:
            return None
        label = ngettext("unacknowledged alert", "unacknowledged alerts", count)
        return Badge(count, label, "alerts:index")
