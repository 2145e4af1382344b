"""Meta's hashtag budget per Instagram account: 30 unique hashtags in a rolling 7 days.

Every hashtag query koers makes with an account (an Instagram hashtag source's poll, the
#Aurora check) goes through :func:`reserve` first: a hashtag already counted in its 7 days
costs nothing, a new one is recorded, and a 31st is refused with
:class:`~koers.networks.meta_listen.HashtagBudgetError` before Meta is asked. The rule itself
is pure (:func:`koers.networks.meta_listen.budget`); this module keeps the queries.

The rows are bookkeeping, like a source's cursor: no audit row (the source that causes them
is audited when it is made).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from koers.listening.models import HashtagQuery
from koers.networks.meta_listen import (
    HASHTAG_WINDOW,
    Budget,
    HashtagBudgetError,
    budget,
    normalise_tag,
)


def current(account_id: str, now: datetime | None = None) -> Budget:
    """The account's hashtags counting against its budget now."""
    now = now or timezone.now()
    rows = HashtagQuery.objects.filter(account_id=account_id, started_at__gt=now - HASHTAG_WINDOW)
    return budget(dict(rows.values_list("tag", "started_at")), now)


def allows(account_id: str, tags: Iterable[str], now: datetime | None = None) -> bool:
    return current(account_id, now).allows(tags)


@transaction.atomic
def reserve(account_id: str, tag: str, now: datetime | None = None) -> None:
    """Record a query of ``tag`` by the account, or raise :class:`HashtagBudgetError` (nothing
    recorded) when it would be the account's 31st hashtag in 7 days."""
    now = now or timezone.now()
    tag = normalise_tag(tag)
    # Lock the account's rows (PostgreSQL) so two workers can't both take the 30th place.
    rows = list(HashtagQuery.objects.select_for_update().filter(account_id=account_id))
    state = budget({row.tag: row.started_at for row in rows}, now)
    if tag in state.used:
        return
    if not state.allows([tag]):
        wait = (state.frees_at - now).total_seconds() if state.frees_at else None
        raise HashtagBudgetError(retry_after=wait)
    HashtagQuery.objects.update_or_create(
        account_id=account_id, tag=tag, defaults={"started_at": now}
    )
