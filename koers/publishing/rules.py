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

from koers.networks.text import find_hashtags, grapheme_count, mastodon_length, tags_length

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
    "network_media": {
        "en": "Media and hashtags per network",
        "nl": "Media en hashtags per netwerk",
    },
    "media_count": {
        "en": "Images and videos per network",
        "nl": "Afbeeldingen en video's per netwerk",
    },
    "hashtag_count": {"en": "Hashtags per network", "nl": "Hashtags per netwerk"},
    "post_cap_near": {
        "en": "Monthly post cap almost reached",
        "nl": "Maandlimiet aan berichten bijna bereikt",
    },
    "post_cap": {"en": "Monthly post cap reached", "nl": "Maandlimiet aan berichten bereikt"},
    "video_details": {
        "en": "Video title, description and tags",
        "nl": "Titel, beschrijving en tags van video's",
    },
}
DEFAULT_MODES: dict[str, Mode] = {
    "length": "block",
    "alt_text": "warn",
    "watched_hashtag": "warn",
    "frequency": "warn",
    "content_mix": "warn",
    "duplicate": "warn",
    "broken_link": "warn",
    "network_media": "block",
    "media_count": "block",
    "hashtag_count": "block",
    "post_cap_near": "warn",
    "post_cap": "block",
    "video_details": "block",
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
    # The network_media rule: one message per problem (``key`` in the finding's params).
    "hashtags": {
        "en": "{channel}: {count} hashtags, {network} allows {limit}.",
        "nl": "{channel}: {count} hashtags, {network} staat er {limit} toe.",
    },
    "needs_media": {
        "en": "{channel}: a post on {network} needs an image or a video.",
        "nl": "{channel}: een bericht op {network} heeft een afbeelding of video nodig.",
    },
    "too_many_media": {
        "en": "{channel}: {count} images or videos, {network} allows {limit}.",
        "nl": "{channel}: {count} afbeeldingen of video's, {network} staat er {limit} toe.",
    },
    "carousel_too_small": {
        "en": "{channel}: a carousel on {network} needs at least {limit} images.",
        "nl": "{channel}: een carrousel op {network} heeft minstens {limit} afbeeldingen nodig.",
    },
    "media_type": {
        "en": "{channel}: {network} does not take file {number} ({mime}).",
        "nl": "{channel}: {network} neemt bestand {number} ({mime}) niet aan.",
    },
    "aspect_ratio": {
        "en": "{channel}: image {number} is {ratio} wide per 1 high; {network} takes "
        "{low} to {high}.",
        "nl": "{channel}: afbeelding {number} is {ratio} breed per 1 hoog; {network} neemt "
        "{low} tot {high}.",
    },
    "video_length": {
        "en": "{channel}: video {number} lasts {seconds} seconds, {network} allows {limit}.",
        "nl": "{channel}: video {number} duurt {seconds} seconden, {network} staat er {limit} toe.",
    },
    "video_size": {
        "en": "{channel}: video {number} is {size} MB, {network} allows {limit} MB.",
        "nl": "{channel}: video {number} is {size} MB, {network} staat {limit} MB toe.",
    },
    "unreachable_media": {
        "en": "{channel}: {network} fetches media from koers' address, and {url} is not "
        "reachable from the internet.",
        "nl": "{channel}: {network} haalt media op bij het adres van koers, en {url} is "
        "vanaf internet niet bereikbaar.",
    },
    "media_count": {
        "en": "{channel}: {count} {kind}, {network} allows {limit}.",
        "nl": "{channel}: {count} {kind}, {network} staat er {limit} toe.",
    },
    "hashtag_count": {
        "en": "{channel}: {count} hashtags, {network} allows {limit}.",
        "nl": "{channel}: {count} hashtags, {network} staat er {limit} toe.",
    },
    "post_cap_near": {
        "en": "{channel}: {used} of {cap} posts this month would be used; the cap is near.",
        "nl": "{channel}: {used} van de {cap} berichten van deze maand zouden op zijn; "
        "de limiet komt in zicht.",
    },
    "post_cap": {
        "en": "{channel}: this would be post {used} this month; the network allows {cap}.",
        "nl": "{channel}: dit zou bericht {used} van deze maand zijn; het netwerk staat er "
        "{cap} toe.",
    },
    # The video_details rule: one message per problem (``key`` in the finding's params).
    "video_title_missing": {
        "en": "{channel}: a video on {network} needs a title.",
        "nl": "{channel}: een video op {network} heeft een titel nodig.",
    },
    "video_title_long": {
        "en": "{channel}: the video title is {length} characters, {network} allows {limit}.",
        "nl": "{channel}: de videotitel is {length} tekens, {network} staat er {limit} toe.",
    },
    "video_description_long": {
        "en": "{channel}: the description is {length} bytes, {network} allows {limit} "
        "(letters like é take two).",
        "nl": "{channel}: de beschrijving is {length} bytes, {network} staat er {limit} toe "
        "(letters als é tellen voor twee).",
    },
    "video_tags_long": {
        "en": "{channel}: the tags take {length} characters together, {network} allows {limit}.",
        "nl": "{channel}: de tags zijn samen {length} tekens, {network} staat er {limit} toe.",
    },
    "video_forbidden": {
        "en": "{channel}: {network} refuses {chars} in a title or description.",
        "nl": "{channel}: {network} weigert {chars} in een titel of beschrijving.",
    },
    "video_publish_early": {
        "en": "{channel}: the publish time on {network} is before koers uploads the video; "
        "choose a later publish time or leave it empty.",
        "nl": "{channel}: de publicatietijd op {network} ligt vóór het moment dat koers de "
        "video uploadt; kies een latere tijd of laat hem leeg.",
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
MEDIA_KINDS = {
    "images": {"en": "images", "nl": "afbeeldingen"},
    "videos": {"en": "videos", "nl": "video's"},
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
        kind = params.get("kind")
        if isinstance(kind, str) and kind in MEDIA_KINDS:
            params["kind"] = MEDIA_KINDS[kind][lang]
        reason = params.get("reason")
        if isinstance(reason, str) and reason in LINK_REASONS:
            params["reason"] = LINK_REASONS[reason][lang]
        key = str(params.pop("key", self.rule))
        for name, value in params.items():  # ratios: one decimal style per language
            if isinstance(value, float):
                params[name] = f"{value:.2f}".replace(".", "," if lang == "nl" else ".")
        return MESSAGES[key][lang].format(**params)

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
    #: The network's own limits for media and hashtags (``None`` = not checked).
    max_images: int | None = None
    max_videos: int | None = None
    max_hashtags: int | None = None
    label: str = ""  # the network's name as shown; empty = the network key, capitalised

    @property
    def network_label(self) -> str:
        return self.label or self.network.capitalize()


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
                        "network": item.network_label,
                        "length": length,
                        "limit": item.max_chars,
                    },
                )
            )
    return found


def check_media(texts: Iterable[ChannelText], images: int, videos: int) -> list[Finding]:
    """Images and videos of the item against each channel's network limits."""
    found = []
    for item in texts:
        for kind, count, limit in (
            ("images", images, item.max_images),
            ("videos", videos, item.max_videos),
        ):
            if limit is not None and count > limit:
                params = {"channel": item.channel, "network": item.network_label}
                params |= {"count": count, "kind": kind, "limit": limit}
                found.append(Finding("media_count", "block", params))
    return found


def check_hashtag_count(texts: Iterable[ChannelText]) -> list[Finding]:
    """Hashtags in each channel's text against its network's maximum (Instagram: 30)."""
    found = []
    for item in texts:
        if item.max_hashtags is None:
            continue
        count = len({_fold(tag) for _s, _e, tag in find_hashtags(item.text)})
        if count > item.max_hashtags:
            params = {"channel": item.channel, "network": item.network_label}
            params |= {"count": count, "limit": item.max_hashtags}
            found.append(Finding("hashtag_count", "block", params))
    return found


def check_post_cap(channel: str, used: int, adding: int, cap: int | None) -> list[Finding]:
    """``used`` posts this month plus ``adding`` against the network's monthly ``cap``:
    past the cap blocks, from 90% on it warns (so the team sees it coming)."""
    if not cap:
        return []
    total = used + adding
    if total > cap:
        return [Finding("post_cap", "block", {"channel": channel, "used": total, "cap": cap})]
    if total * 10 >= cap * 9:
        return [Finding("post_cap_near", "warn", {"channel": channel, "used": total, "cap": cap})]
    return []


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


@dataclass(frozen=True)
class MediaFacts:
    """One attached file as the network rules need it (``seconds`` for videos, when known;
    ``size`` in bytes)."""

    mime_type: str
    width: int | None = None
    height: int | None = None
    seconds: float | None = None
    size: int | None = None


@dataclass(frozen=True)
class NetworkLimits:
    """The part of a network's declared limits these checks use (from the adapter catalog)."""

    network: str
    max_media: int
    max_hashtags: int | None = None
    min_carousel_items: int = 0
    min_aspect_ratio: float | None = None
    max_aspect_ratio: float | None = None
    media_types: tuple[str, ...] = ()
    max_video_seconds: int | None = None
    max_video_bytes: int | None = None
    needs_media: bool = False
    needs_public_media_url: bool = False


def check_network_media(
    channel: str,
    text: str,
    media: Sequence[MediaFacts],
    limits: NetworkLimits,
    *,
    unreachable_base_url: str = "",
) -> list[Finding]:
    """What one network refuses about a post's media and hashtags (rule ``network_media``).

    ``unreachable_base_url``: koers' own address when the network must fetch media from it
    and it is a local or private address.
    """
    found: list[Finding] = []
    base = {"channel": channel, "network": limits.network}

    def add(key: str, **params: object) -> None:
        found.append(Finding("network_media", "block", {"key": key, **base, **params}))

    tags = len(find_hashtags(text))
    if limits.max_hashtags is not None and tags > limits.max_hashtags:
        add("hashtags", count=tags, limit=limits.max_hashtags)
    if limits.needs_media and not media:
        add("needs_media")
    if len(media) > limits.max_media:
        add("too_many_media", count=len(media), limit=limits.max_media)
    if len(media) > 1 and limits.min_carousel_items and len(media) < limits.min_carousel_items:
        add("carousel_too_small", limit=limits.min_carousel_items)
    for number, item in enumerate(media, start=1):
        if limits.media_types and item.mime_type not in limits.media_types:
            add("media_type", number=number, mime=item.mime_type)
        if item.mime_type.startswith("image/") and item.width and item.height:
            ratio = item.width / item.height
            low, high = limits.min_aspect_ratio, limits.max_aspect_ratio
            if (low is not None and ratio < low - 0.005) or (
                high is not None and ratio > high + 0.005
            ):
                add(
                    "aspect_ratio",
                    number=number,
                    ratio=round(ratio, 2),
                    low=round(low or 0, 2),
                    high=round(high or 0, 2),
                )
        if (
            item.seconds is not None
            and limits.max_video_seconds is not None
            and item.seconds > limits.max_video_seconds
        ):
            add(
                "video_length",
                number=number,
                seconds=int(item.seconds),
                limit=limits.max_video_seconds,
            )
        if (
            item.mime_type.startswith("video/")
            and item.size is not None
            and limits.max_video_bytes is not None
            and item.size > limits.max_video_bytes
        ):
            add(
                "video_size",
                number=number,
                size=_megabytes(item.size),
                limit=_megabytes(limits.max_video_bytes),
            )
    if media and limits.needs_public_media_url and unreachable_base_url:
        add("unreachable_media", url=unreachable_base_url)
    return found


def _megabytes(size: int) -> str:
    """Whole megabytes, rounded up: a file 1 byte over the limit never shows the limit."""
    return str(-(-size // (1024 * 1024)))


@dataclass(frozen=True)
class VideoDetails:
    """A video as one network will get it, with the limits that network declares."""

    channel: str
    network: str
    title: str
    description: str
    tags: tuple[str, ...] = ()
    max_title_chars: int | None = None
    max_description_bytes: int | None = None
    max_tags_chars: int | None = None
    forbidden_chars: str = ""
    #: Seconds between koers' upload and the network's own publish time (negative = before).
    publish_lead: float | None = None


def check_video(video: VideoDetails) -> list[Finding]:
    """What a network refuses about a video's title, description and tags (``video_details``)."""
    found: list[Finding] = []
    base = {"channel": video.channel, "network": video.network}

    def add(key: str, **params: object) -> None:
        found.append(Finding("video_details", "block", {"key": key, **base, **params}))

    title = video.title.strip()
    if video.max_title_chars is not None:
        if not title:
            add("video_title_missing")
        elif len(title) > video.max_title_chars:
            add("video_title_long", length=len(title), limit=video.max_title_chars)
    size = len(video.description.encode("utf-8"))
    if video.max_description_bytes is not None and size > video.max_description_bytes:
        add("video_description_long", length=size, limit=video.max_description_bytes)
    used = tags_length(video.tags)
    if video.max_tags_chars is not None and used > video.max_tags_chars:
        add("video_tags_long", length=used, limit=video.max_tags_chars)
    refused = [c for c in video.forbidden_chars if c in title + video.description]
    if refused:
        add("video_forbidden", chars=" ".join(refused))
    if video.publish_lead is not None and video.publish_lead < 0:
        add("video_publish_early")
    return found


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
