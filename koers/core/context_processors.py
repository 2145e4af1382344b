from __future__ import annotations

from django.http import HttpRequest

from koers import __version__
from koers.core.models import Membership
from koers.core.navigation import SECTIONS


def shell(request: HttpRequest) -> dict:
    """What the page shell needs: the current workspace and the user's other workspaces."""
    memberships = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        memberships = list(Membership.objects.filter(user=request.user).select_related("workspace"))
    return {
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": getattr(request, "membership", None),
        "my_memberships": memberships,
        "koers_version": __version__,
        "nav_sections": SECTIONS,
    }
