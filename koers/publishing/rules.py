"""Policy checks on a content item, as pure functions (no Django; tested without a database).

Each rule looks at plain values the caller gathered (texts per channel, counts, recent texts,
link results) and returns :class:`Finding` objects. How much a finding weighs is the
workspace's choice per rule: ``block`` (can't be scheduled or sent), ``warn`` (shown, allowed)
or ``off`` (not checked). Messages are bilingual; :meth:`Finding.message` picks the language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from koers.networks.text import find_hashtags, grapheme_count, mastodon_length

Mode = Literal["block", "warn", "off"]
MODES: tuple[Mode, ...] = ("block", "warn", "off")

RULES: dict[str, dict[str, str]] = {
    "length": {"en": "Length per network", "nl": "Lengte per netwerk"},
    "alt_text": {"en": "Images without alt text", "nl": "Afbeeldingen zonder alt-tekst"},
    "watched_hashtag": {"en": "Hashtags on the watch-list", "nl": "Hashtags op de volglijst"},
    "frequency": {"en": "Posts per channel per day", "nl": "Berichten per kanaal per dag"},
    "content_mix": {"en": "Content mix per week", "nl": "Contentmix per week"},
    "duplicate": {"en": "Same text posted recently", "nl": "Zelfde tekst kort geleden"},
    "broken_link": {"en": "Links that don't work", "nl": "Links die niet werken"},
}
DEFAULT_MODES: dict[str, Mode] = {
    "length": "block",
    "alt_text": "warn",
    "watched_hashtag": "warn",
    "frequency": "warn",
    "content_mix": "warn",
    "duplicate": "warn",
    "broken_link": "warn",
}
CATEGORIES = ("promotion", "curated", "interaction")

MESSAGES: dict[str, dict[str, str]] = {
    "length": {
        "en": "{channel}: {length} characters, {network} allows {limit}.",
        "nl": "{channel}: {length} tekens, {network} staat er {limit} toe.",
    },
    "alt_text": {
        "en": "Image {number} has no alt text; describe it for people who can't see it.",
        "nl": "Afbeelding {number} heeft geen alt-tekst; beschrijf haar voor wie haar niet ziet.",
    },
    "watched_hashtag": {
        "en": "#{tag} is on your watch-list: research what it is about before you use it.",
        "nl": "#{tag} staat op jullie volglijst: zoek uit waar het over gaat voor je hem gebruikt.",
    },
    "frequency": {
        "en": "{channel} already has {count} posts on {day}; the limit is {limit} per day.",
        "nl": "{channel} heeft op {day} al {count} berichten; de grens is {limit} per dag.",
    },
    "content_mix": {
        "en": "This week {share}% would be {category}; the target is {target}%.",
        "nl": "Deze week zou {share}% {category} zijn; het doel is {target}%.",
    },
    "duplicate": {
        "en": "The same text went out on {day} (within {days} days).",
        "nl": "Dezelfde tekst ging op {day} al uit (binnen {days} dagen).",
    },
    "broken_link": {
        "en": "The link {url} does not work: {reason}.",
        "nl": "De link {url} werkt niet: {reason}.",
    },
}
# Fixed reasons a link check stores (``koers.publishing.tasks.check_url``); others are shown as is.
LINK_REASONS = {
    "not a web address": {"en": "not a web address", "nl": "geen webadres"},
    "no answer in time": {"en": "no answer in time", "nl": "geen antwoord op tijd"},
    "private network": {
        "en": "it points into a private network, which koers does not visit",
        "nl": "hij wijst naar een privénetwerk, daar gaat koers niet heen",
    },
}
CATEGORY_NAMES = {
    "promotion": {"en": "promotion", "nl": "promotie"},
    "curated": {"en": "curated content", "nl": "gecureerde content"},
    "interaction": {"en": "interaction", "nl": "interactie"},
}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Mode  # "block" or "warn" once a mode is applied
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, language: str = "en") -> str:
        lang = "nl" if language.startswith("nl") else "en"
        params = dict(self.params)
        category = params.get("category")
        if isinstance(category, str) and category in CATEGORY_NAMES:
            params["category"] = CATEGORY_NAMES[category][lang]
        reason = params.get("reason")
        if isinstance(reason, str) and reason in LINK_REASONS:
            params["reason"] = LINK_REASONS[reason][lang]
        return MESSAGES[self.rule][lang].format(**params)

    @property
    def blocks(self) -> bool:
        return self.severity == "block"


@dataclass(frozen=True)
class ChannelText:
    """The text as it will go out on one channel, with that channel's counting rules."""

    channel: str
    network: str
    text: str
    max_chars: int
    url_length: int | None = None  # Mastodon: every URL counts this many characters


def text_length(item: ChannelText) -> int:
    if item.url_length is not None:
        return mastodon_length(item.text, item.url_length)
    return grapheme_count(item.text)


def check_length(texts: Iterable[ChannelText]) -> list[Finding]:
    found = []
    for item in texts:
        length = text_length(item)
        if length > item.max_chars:
            found.append(
                Finding(
                    "length",
                    "block",
                    {
                        "channel": item.channel,
                        "network": item.network.capitalize(),
                        "length": length,
                        "limit": item.max_chars,
                    },
                )
            )
    return found


def check_alt_text(alt_texts: Sequence[str]) -> list[Finding]:
    return [
        Finding("alt_text", "block", {"number": number})
        for number, alt in enumerate(alt_texts, start=1)
        if not alt.strip()
    ]


def _fold(tag: str) -> str:
    return unicodedata.normalize("NFKC", tag).casefold().lstrip("#")


def parse_watch_list(raw: str) -> list[str]:
    """One tag per line or comma-separated, with or without "#"."""
    return [_fold(t) for t in re.split(r"[\s,;]+", raw) if _fold(t)]


def watched_hashtags(texts: Iterable[str], watch_list: Iterable[str]) -> list[str]:
    watched = {_fold(t) for t in watch_list}
    seen: list[str] = []
    for text in texts:
        for _start, _end, tag in find_hashtags(text):
            if _fold(tag) in watched and tag not in seen:
                seen.append(tag)
    return seen


def check_hashtags(texts: Iterable[str], watch_list: Iterable[str]) -> list[Finding]:
    return [
        Finding("watched_hashtag", "block", {"tag": tag})
        for tag in watched_hashtags(texts, watch_list)
    ]


def check_frequency(counts: Mapping[str, int], limit: int, day: str) -> list[Finding]:
    """``counts``: channel → posts already planned that local day (this item not included)."""
    return [
        Finding(
            "frequency", "block", {"channel": channel, "count": count, "limit": limit, "day": day}
        )
        for channel, count in counts.items()
        if limit > 0 and count + 1 > limit
    ]


def check_content_mix(
    week_counts: Mapping[str, int],
    category: str,
    targets: Mapping[str, int],
    *,
    tolerance: int = 10,
    minimum_items: int = 4,
) -> list[Finding]:
    """Would adding one ``category`` item push its share this week past target + tolerance?

    Weeks with fewer than ``minimum_items`` (after adding) are not judged: three posts can't
    show a mix.
    """
    if category not in targets:
        return []
    total = sum(week_counts.values()) + 1
    if total < minimum_items:
        return []
    share = round((week_counts.get(category, 0) + 1) * 100 / total)
    target = targets[category]
    if share > target + tolerance:
        return [
            Finding(
                "content_mix", "block", {"category": category, "share": share, "target": target}
            )
        ]
    return []


def normalise_text(text: str) -> str:
    """Text reduced for comparing posts: case, spacing and URLs' query strings ignored."""
    text = re.sub(r"(https?://[^\s?#]+)[^\s]*", r"\1", text)
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def check_duplicate(text: str, recent: Iterable[tuple[str, str]], days: int) -> list[Finding]:
    """``recent``: (local day label, text) of posts sent or planned in the last ``days`` days."""
    wanted = normalise_text(text)
    if not wanted:
        return []
    for day, other in recent:
        if normalise_text(other) == wanted:
            return [Finding("duplicate", "block", {"day": day, "days": days})]
    return []


def check_links(results: Iterable[tuple[str, bool | None, str]]) -> list[Finding]:
    """``results``: (url, ok, reason); ``ok`` None = not checked yet (no finding)."""
    return [
        Finding("broken_link", "block", {"url": url, "reason": reason})
        for url, ok, reason in results
        if ok is False
    ]


def apply_modes(findings: Iterable[Finding], modes: Mapping[str, str]) -> list[Finding]:
    """Weigh each finding by the workspace's mode for its rule; ``off`` drops it."""
    weighed = []
    for finding in findings:
        mode = modes.get(finding.rule, DEFAULT_MODES[finding.rule])
        if mode == "off":
            continue
        weighed.append(Finding(finding.rule, mode, finding.params))  # type: ignore[arg-type]
    return weighed


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocks]


# ---------------------------------------------------------------------------------------------
# Content plan per week: the mix against its target, posts per channel against the plan


@dataclass(frozen=True)
class PlannedPost:
    """One post in the calendar: its local date, category and the channels it goes to (each
    channel as the names it can be recognised by: network id and account name, case-folded)."""

    day: date
    category: str
    channels: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True)
class MixShare:
    category: str
    count: int
    share: float | None
    """Percent of the week's posts; ``None`` in a week without posts (not 0 %)."""
    target: int
    off_by: float | None
    """share − target in percentage points; ``None`` without posts."""


@dataclass(frozen=True)
class ChannelWeek:
    name: str
    planned: float | None
    """Posts per week from the Technology step; ``None`` when the plan gives no number."""
    scheduled: int
    status: str
    """"short" (fewer than planned), "over" (more), "ok", or "unplanned" (no number)."""


@dataclass(frozen=True)
class WeekPlan:
    week_start: date
    total: int
    mix: tuple[MixShare, ...]
    channels: tuple[ChannelWeek, ...]


def _channel_matches(plan_name: str, post: PlannedPost) -> bool:
    """A plan name "Mastodon" or "Mastodon (social.duinwijk.nl)" matches a Mastodon account:
    the plan's name equals, or starts with, one of the channel's names as a whole word."""
    wanted = plan_name.strip().casefold()
    return any(
        wanted == name or re.match(re.escape(name) + r"\b", wanted) is not None
        for names in post.channels
        for name in names
    )


def weekly_plan(
    posts: Iterable[PlannedPost],
    weeks: Sequence[date],
    mix_targets: Mapping[str, int],
    planned_channels: Sequence[tuple[str, float | None]],
    *,
    tolerance: float = 0.5,
) -> list[WeekPlan]:
    """Per week (``weeks`` are their Mondays): the actual content mix against the target shares
    and, per channel of the strategy's Technology step, the posts scheduled against the posts
    per week it plans. A plan channel matches a post going to a channel whose network id or
    name equals it or begins it (case-insensitive: "Mastodon" and "Mastodon (eigen server)"
    match every Mastodon account). A count is
    "ok" within ``tolerance`` posts of the plan (plans may say 2.5 a week)."""
    by_week: dict[date, list[PlannedPost]] = {w: [] for w in weeks}
    for post in posts:
        monday = post.day - timedelta(days=post.day.weekday())
        if monday in by_week:
            by_week[monday].append(post)
    result = []
    for monday in weeks:
        found = by_week[monday]
        total = len(found)
        mix = []
        for category in CATEGORIES:
            count = sum(1 for p in found if p.category == category)
            share = count / total * 100 if total else None
            target = int(mix_targets.get(category, 0))
            mix.append(
                MixShare(category, count, share, target, None if share is None else share - target)
            )
        channels = []
        for name, planned in planned_channels:
            scheduled = sum(1 for p in found if _channel_matches(name, p))
            if planned is None:
                state = "unplanned"
            elif scheduled < planned - tolerance:
                state = "short"
            elif scheduled > planned + tolerance:
                state = "over"
            else:
                state = "ok"
            channels.append(ChannelWeek(name, planned, scheduled, state))
        result.append(WeekPlan(monday, total, tuple(mix), tuple(channels)))
    return result
