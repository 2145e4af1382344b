"""The count of posts waiting for approval beside Calendar in the main menu, for the members
who may approve them. It rides on the page shell's memberships query as a subquery (no extra
query per page)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from koers.core.models import Membership, Role, role_at_least
from koers.core.navigation import Badge
from koers.publishing.models import ContentItem, State

FIELD = "publishing_waiting_for_approval"


class WaitingForApproval:
    def annotate(self, memberships: QuerySet) -> QuerySet:
        waiting = (
            ContentItem.objects.filter(workspace=OuterRef("workspace"), state=State.IN_REVIEW)
            .order_by()
            .values("workspace")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return memberships.annotate(
            **{FIELD: Coalesce(Subquery(waiting, output_field=IntegerField()), 0)}
        )

    def badge(self, membership: Membership) -> Badge | None:
        count = getattr(membership, FIELD, 0)
        if not count or not role_at_least(membership.role, Role.EDITOR):
            return None
        label = ngettext("post waits for approval", "posts wait for approval", count)
        return Badge(count, label, "publishing:waiting")
