"""Pure alert detection: volume spike, negative surge, keyword matches. No Django.

Windows
    An evaluation window is ``hours`` long (1–24) and ends on a whole UTC hour (the rollups are
    hourly). The evaluator looks at the window that ends at the coming hour boundary (it holds
    the current, still growing hour, so a storm is seen within minutes) and at the window that
    ended at the last boundary (so the last minutes of an hour are never missed).

Baseline: the same window on each of the 7 previous days
    Municipal and non-profit conversations follow the clock: quiet nights, busy mornings, a
    council meeting every Tuesday evening. Comparing 10:00–11:00 with the 168 hours before it
    would compare a morning with mostly silent nights and fire every morning. Comparing it with
    10:00–11:00 on each of the previous 7 days removes the daily rhythm; with a 24-hour window
    these are simply the 7 previous days.

Volume spike: median and MAD, not mean and standard deviation
    Seven samples are few, and the week before often holds an earlier incident. One earlier
    storm of 400 mentions drags the mean and the standard deviation so far up that the next
    storm goes unnoticed; the median and the median absolute deviation ignore it. A spike needs
    all three: at least ``min_count`` mentions (so 0 → 3 is no spike), at least ``factor`` × the
    baseline median, and more than ``Z`` robust standard deviations (1.4826·MAD) above it (so a
    topic that swings a lot by nature needs a bigger jump).

Negative surge: pooled shares
    Shares of small windows are noisy, so the baseline share is pooled: all negative mentions
    of the 7 baseline windows over all their mentions. It fires when the window has at least
    ``min_count`` mentions, its negative share is at least ``rise_points`` percentage points
    above the baseline share, and the number of negative mentions itself rose above the
    baseline's average per window (fewer positive posts on a quiet evening is no storm). With too
    little history (fewer than ``MIN_BASELINE_MENTIONS``) the baseline share is the configurable
    default ``FALLBACK_NEGATIVE_SHARE``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from koers.query import Matcher, Post

BASELINE_DAYS: Final = 7
MIN_HOURS: Final = 1
MAX_HOURS: Final = 24
#: Robust z-score a spike must exceed (1.4826·MAD estimates one standard deviation).
Z: Final = 3.0
MAD_SCALE: Final = 1.4826
#: Pooled baseline mentions needed before the baseline negative share is trusted.
MIN_BASELINE_MENTIONS: Final = 20
#: Negative share assumed when a topic has too little history (about what koers' lexicon gives
#: an ordinary municipal topic).
FALLBACK_NEGATIVE_SHARE: Final = 0.25
#: Webhook retries: 30 s, 2 min, 8 min, 32 min, then give up.
MAX_WEBHOOK_ATTEMPTS: Final = 5


# ---------------------------------------------------------------------------------------------
# Windows
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Window:
    start: datetime
    end: datetime

    @property
    def hours(self) -> int:
        return int((self.end - self.start).total_seconds() // 3600)

    def key(self) -> str:
        """Stable text key of the window (one alert per rule and key)."""
        return f"{self.start.astimezone(UTC):%Y-%m-%dT%H:%MZ}/{self.hours}h"

    def shifted(self, delta: timedelta) -> Window:
        return Window(self.start + delta, self.end + delta)


def floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def check_hours(hours: int) -> int:
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise ValueError(f"a window is 1 to 24 hours, not {hours}")
    return hours


def windows_to_evaluate(now: datetime, hours: int, created_at: datetime) -> list[Window]:
    """The window that ended at the last whole hour and the one ending at the next, oldest
    first; windows that ended before the rule existed are left out (no alerts about the past)."""
    check_hours(hours)
    length = timedelta(hours=hours)
    next_end = floor_hour(now) + timedelta(hours=1)
    windows = [Window(end - length, end) for end in (next_end - timedelta(hours=1), next_end)]
    return [w for w in windows if w.end > created_at]


def baseline_windows(window: Window, days: int = BASELINE_DAYS) -> list[Window]:
    """The same window on each of the ``days`` previous days, newest first."""
    return [window.shifted(-timedelta(days=d)) for d in range(1, days + 1)]


def in_cooldown(last_fired_at: datetime | None, now: datetime, cooldown: timedelta) -> bool:
    return last_fired_at is not None and now < last_fired_at + cooldown


def webhook_backoff(attempt: int) -> timedelta:
    """Wait before try ``attempt + 1`` after ``attempt`` failed: 30 s × 4^(attempt − 1)."""
    return timedelta(seconds=30 * 4 ** max(attempt - 1, 0))


# ---------------------------------------------------------------------------------------------
# Volume spike
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spike:
    fired: bool
    count: int
    baseline: float  # median mentions per baseline window
    spread: float  # robust standard deviation (1.4826 · MAD)
    reason: str  # spike | below_minimum | below_factor | within_spread

    @property
    def factor(self) -> float | None:
        """Count ÷ baseline; None when the baseline is 0 (no mentions before)."""
        return self.count / self.baseline if self.baseline else None


def volume_spike(
    count: int, history: Sequence[int], *, factor: float = 3.0, min_count: int = 10
) -> Spike:
    """Is ``count`` a spike against the counts of the baseline windows in ``history``?"""
    baseline = float(statistics.median(history)) if history else 0.0
    spread = (
        MAD_SCALE * float(statistics.median(abs(h - baseline) for h in history)) if history else 0.0
    )
    if count < min_count:
        reason = "below_minimum"
    elif count < factor * baseline:
        reason = "below_factor"
    elif count <= baseline + Z * spread:
        reason = "within_spread"
    else:
        reason = "spike"
    return Spike(reason == "spike", count, baseline, spread, reason)


# ---------------------------------------------------------------------------------------------
# Negative surge
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Surge:
    fired: bool
    negative: int
    total: int
    baseline_share: float  # 0–1, pooled over the baseline windows (or the fallback)
    baseline_negative: float  # average negative mentions per baseline window
    baseline_known: bool  # False: too little history, the fallback share was used
    reason: str  # surge | below_minimum | share_not_risen | count_not_risen

    @property
    def share(self) -> float | None:
        return self.negative / self.total if self.total else None

    @property
    def rise_points(self) -> float | None:
        share = self.share
        return None if share is None else 100 * (share - self.baseline_share)


def negative_surge(
    negative: int,
    total: int,
    history: Sequence[tuple[int, int]],
    *,
    rise_points: float = 20.0,
    min_count: int = 10,
    fallback_share: float = FALLBACK_NEGATIVE_SHARE,
) -> Surge:
    """``history`` holds (negative, total) per baseline window."""
    if negative < 0 or total < negative:
        raise ValueError("negative mentions must be between 0 and the total")
    pooled_negative = sum(n for n, _t in history)
    pooled_total = sum(t for _n, t in history)
    known = pooled_total >= MIN_BASELINE_MENTIONS
    base_share = pooled_negative / pooled_total if known else fallback_share
    base_negative = pooled_negative / len(history) if history else 0.0
    share = negative / total if total else 0.0
    if total < min_count:
        reason = "below_minimum"
    elif 100 * (share - base_share) < rise_points:
        reason = "share_not_risen"
    elif negative <= base_negative:
        reason = "count_not_risen"
    else:
        reason = "surge"
    return Surge(reason == "surge", negative, total, base_share, base_negative, known, reason)


# ---------------------------------------------------------------------------------------------
# Keyword / query alerts
# ---------------------------------------------------------------------------------------------
#: (id, text, lang, author handle, network, links) — the columns a query can look at.
MentionRow = tuple[int, str, str, str, str, Sequence[str]]


def keyword_matches(matcher: Matcher, rows: Iterable[MentionRow]) -> list[int]:
    """Ids of the rows the compiled query matches, in the given order."""
    return [
        row[0]
        for row in rows
        if matcher.matches(
            Post(row[0], row[1], lang=row[2], author=row[3], network=row[4], links=row[5])
        )
    ]
