from __future__ import annotations

from django.http import HttpRequest

from koers import __version__
from koers.core.models import Membership, Workspace, role_at_least
from koers.core.navigation import BADGES, SECTIONS, SETTINGS_TABS, Badge
from koers.core.vocabulary import words


def shell(request: HttpRequest) -> dict:
    """What the page shell needs: the current workspace and the user's other workspaces."""
    memberships = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        rows = Membership.objects.filter(user=request.user).select_related("workspace")
        for source in BADGES.values():
            rows = source.annotate(rows)
        memberships = list(rows)
    return {
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": getattr(request, "membership", None),
        "my_memberships": memberships,
        "koers_version": __version__,
        "nav_sections": SECTIONS,
        "nav_badges": _badges(getattr(request, "workspace", None), memberships),
        "settings_tabs": _settings_tabs(getattr(request, "membership", None)),
        "words": words(getattr(getattr(request, "workspace", None), "kind", None)),
    }


def _settings_tabs(membership: Membership | None) -> list[tuple[str, object]]:
    """(key, tab) of the apps' settings tabs the current member's role may see."""
    if membership is None:
        return []
    return [(k, t) for k, t in SETTINGS_TABS.items() if role_at_least(membership.role, t.need)]


def _badges(workspace: Workspace | None, memberships: list[Membership]) -> dict[str, Badge]:
    """The counts beside the menu items of the current workspace (read from the rows above)."""
    current = next((m for m in memberships if workspace and m.workspace_id == workspace.pk), None)
    if current is None:
        return {}
    found = {key: source.badge(current) for key, source in BADGES.items()}
    return {key: b for key, b in found.items() if b is not None and b.count}
