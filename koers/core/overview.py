"""The workspace overview: the team's morning view, assembled from panels the apps register.

Apps depend downward (ARCHITECTURE.md), so core doesn't read publishing, the inbox, alerts or
Measure itself: each app registers a :class:`PanelSource` in ``AppConfig.ready`` that reads its
own data (scoped to the workspace, a fixed number of queries) and names the template fragment
that shows it. Core orders the panels and renders them on one server-rendered page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from koers.core.models import Membership, Workspace


@dataclass(frozen=True)
class Panel:
    """One block of the overview: ``template`` is rendered with ``panel`` in its context."""

    key: str
    template: str
    order: int
    data: dict[str, Any] = field(default_factory=dict)


class PanelSource(Protocol):
    def panel(self, workspace: Workspace, membership: Membership, now: datetime) -> Panel | None:
        """The app's block for this member (``None``: nothing to show them)."""
        ...


#: ``panel key -> PanelSource``, filled by apps in ``AppConfig.ready``.
PANELS: dict[str, PanelSource] = {}


def panels(workspace: Workspace, membership: Membership, now: datetime) -> list[Panel]:
    found = (source.panel(workspace, membership, now) for source in PANELS.values())
    return sorted((p for p in found if p is not None), key=lambda p: (p.order, p.key))
