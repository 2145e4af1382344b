"""The notifications part of ``koers demo``: one Teams destination, switched off, so the page
shows how a destination looks. Its address leads nowhere (a private address the outbound
guard refuses), so "send test message" shows how an error is reported."""

from __future__ import annotations

from koers.core.demo import DemoContext
from koers.notify import actions
from koers.notify.models import ALL_KINDS


def build(ctx: DemoContext) -> str:
    actions.create_destination(
        ctx.workspace, ctx.owner, name="Webcare-team (voorbeeld)", kind="teams",
        url="https://127.0.0.1:9/workflows/voorbeeld", events=list(ALL_KINDS), enabled=False,
    )  # fmt: skip
    return "notifications: 1 example Teams destination (switched off)"
