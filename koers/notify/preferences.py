"""Each person's choices, read by the apps that send event e-mails
(``koers.core.notifications``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from koers.notify.models import Preference


def wanting_email(workspace_id: int, kind: str, users: Sequence[Any]) -> list[Any]:
    """``users`` minus those who switched e-mails about ``kind`` off (no row = every kind)."""
    chosen = dict(
        Preference.objects.filter(
            workspace_id=workspace_id, user_id__in=[u.pk for u in users]
        ).values_list("user_id", "email_events")
    )
    return [u for u in users if u.pk not in chosen or kind in chosen[u.pk]]
