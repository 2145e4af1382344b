"""Who wants an e-mail about an event. The apps that send event e-mails (publishing, the inbox,
alerts) ask here; the notify app answers from each person's choices (``koers.notify``
registers itself at start-up). Without a provider everyone does, as before choices existed.

Event kinds: ``alert``, ``approval``, ``overdue``, ``failed_post``, ``broken_channel``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Provider = Callable[[int, str, Sequence[Any]], list[Any]]
_provider: Provider | None = None


def set_email_provider(provider: Provider | None) -> None:
    global _provider
    _provider = provider


def wanting_email(workspace_id: int, kind: str, users: Sequence[Any]) -> list[Any]:
    """The users among ``users`` (user objects) who want an e-mail about ``kind`` events."""
    if _provider is None or not users:
        return list(users)
    return _provider(workspace_id, kind, users)
