"""Gather what the pure rules in :mod:`koers.publishing.rules` need for one content item.

Called before scheduling (shown inline) and again by the dispatcher right before sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from PIL import Image, UnidentifiedImageError

from koers.networks.text import find_urls
from koers.publishing import media_urls, rules
from koers.publishing.links import compose
from koers.publishing.models import (
    ContentItem,
    Delivery,
    DeliveryState,
    LinkCheck,
    PublishingSettings,
    State,
)
from koers.publishing.timing import local_day_bounds
from koers.publishing.videofacts import video_seconds

PLANNED = (State.SCHEDULED, State.PUBLISHING, State.PUBLISHED)


def outgoing_text(delivery: Delivery) -> str:
    """The exact text a delivery sends: its own or the shared text, link tagged with UTM."""
    item = delivery.item
    campaign = item.campaign.slug if item.campaign else ""
    return compose(delivery.text(), item.link, source=delivery.channel.network, campaign=campaign)


def thread_parts(delivery: Delivery) -> list[str]:
    """The texts after the first that this delivery sends: the item's thread, where the
    channel's network can post threads (elsewhere only the first post goes out)."""
    parts = [str(text) for text in delivery.item.thread or [] if str(text).strip()]
    if not parts or not delivery.channel.can("thread"):
        return []
    return parts


@dataclass(frozen=True)
class VideoChoice:
    """What a delivery's network gets as the video's own details (its declared options)."""

    title: str | None = None
    tags: tuple[str, ...] = ()
    privacy: str | None = None
    publish_at: datetime | None = None


def video_choice(delivery: Delivery) -> VideoChoice:
    """The item's video details as far as the delivery's network takes them: the title is the
    item's own video title, else its idea; empty for networks that declare no video options."""
    declared = delivery.channel.capabilities()
    offered = declared.video_options if declared else frozenset()
    if not offered:
        return VideoChoice()
    options = delivery.item.options or {}
    stamp = str(options.get("publish_at") or "") if "publish_at" in offered else ""
    return VideoChoice(
        title=(str(options.get("title") or "").strip() or delivery.item.title)
        if "title" in offered
        else None,
        tags=tuple(str(t) for t in options.get("tags") or ()) if "tags" in offered else (),
        privacy=str(options.get("privacy") or "") or None if "privacy" in offered else None,
        publish_at=datetime.fromisoformat(stamp) if stamp else None,
    )


def _videos(item: ContentItem, deliveries: list[Delivery]) -> list[rules.Finding]:
    found: list[rules.Finding] = []
    for delivery in deliveries:
        declared = delivery.channel.capabilities()
        if declared is None or not declared.video_options:
            continue
        choice = video_choice(delivery)
        limits = declared.limits
        lead = None
        if choice.publish_at is not None and item.scheduled_at is not None:
            lead = (choice.publish_at - item.scheduled_at).total_seconds()
        found += rules.check_video(
            rules.VideoDetails(
                channel=delivery.channel.name,
                network=declared.label,
                title=choice.title or "",
                description=outgoing_text(delivery),
                tags=choice.tags,
                max_title_chars=limits.max_title_chars,
                max_description_bytes=limits.max_description_bytes,
                max_tags_chars=limits.max_tags_chars,
                forbidden_chars=limits.forbidden_chars,
                publish_lead=lead,
            )
        )
    return found


def channel_texts(deliveries: list[Delivery]) -> list[rules.ChannelText]:
    """Each delivery's text with the limits its network declares (``Channel.limits``)."""
    texts = []
    for delivery in deliveries:
        channel = delivery.channel
        limits = channel.limits()
        declared = channel.capabilities()
        texts.append(
            rules.ChannelText(
                channel=channel.name,
                network=channel.network,
                text=outgoing_text(delivery),
                max_chars=limits.max_chars,
                url_length=limits.url_length,
                max_images=limits.max_images if declared else None,
                max_videos=limits.max_videos if declared else None,
                max_hashtags=limits.max_hashtags,
                label=declared.label if declared else "",
            )
        )
        parts = thread_parts(delivery)
        for number, part in enumerate(parts, start=2):
            texts.append(
                rules.ChannelText(
                    channel=f"{channel.name} ({number}/{len(parts) + 1})",
                    network=channel.network,
                    text=part,
                    max_chars=limits.max_chars,
                    url_length=limits.url_length,
                    max_hashtags=limits.max_hashtags,
                    label=declared.label if declared else "",
                )
            )
    return texts


def _month(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) around ``moment``: X counts its caps per month too."""
    start = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def posts_this_month(delivery: Delivery, moment: datetime) -> int:
    """Posts koers sent or plans on the delivery's channel in ``moment``'s month (UTC), this
    delivery's item left out; a thread counts each of its parts."""
    start, end = _month(moment)
    others = Delivery.objects.filter(channel_id=delivery.channel_id).exclude(
        item_id=delivery.item_id
    )
    sent = others.filter(
        state=DeliveryState.PUBLISHED, published_at__gte=start, published_at__lt=end
    )
    used = sum(max(1, len(d.parts or [])) for d in sent.only("parts"))
    planned = others.filter(
        state__in=[
            DeliveryState.PENDING,
            DeliveryState.QUEUED,
            DeliveryState.SENDING,
            DeliveryState.RETRY,
            DeliveryState.UNKNOWN,
        ],
        item__state__in=PLANNED,
        item__scheduled_at__gte=start,
        item__scheduled_at__lt=end,
    )
    threads = delivery.channel.can("thread")
    for other in planned.select_related("item").only("item__thread", "parts"):
        whole = 1 + (len(other.item.thread or []) if threads else 0)
        used += max(whole, len(other.parts or []))
    return used


def _post_caps(item: ContentItem, deliveries: list[Delivery]) -> list[rules.Finding]:
    moment = item.scheduled_at or timezone.now()
    found: list[rules.Finding] = []
    for delivery in deliveries:
        cap = delivery.channel.monthly_post_cap()
        if cap:
            adding = 1 + len(thread_parts(delivery))
            used = posts_this_month(delivery, moment)
            found += rules.check_post_cap(delivery.channel.name, used, adding, cap)
    return found


def _media(item: ContentItem, texts: list[rules.ChannelText]) -> list[rules.Finding]:
    kinds = [m.mime_type for m in item.media.all()]
    videos = sum(1 for kind in kinds if kind.startswith("video/"))
    return rules.check_media(texts, len(kinds) - videos, videos)


def _frequency(item: ContentItem, deliveries: list[Delivery]) -> list[rules.Finding]:
    policy = PublishingSettings.for_workspace(item.workspace)
    start, end = local_day_bounds(item.local_date, item.zone)  # type: ignore[arg-type]
    counts = {}
    for delivery in deliveries:
        counts[delivery.channel.name] = (
            Delivery.objects.filter(
                channel=delivery.channel,
                item__state__in=PLANNED,
                item__scheduled_at__gte=start,
                item__scheduled_at__lt=end,
            )
            .exclude(item=item)
            .count()
        )
    return rules.check_frequency(counts, policy.max_per_day, item.local_date.isoformat())  # type: ignore[union-attr]


def _mix(item: ContentItem, policy: PublishingSettings) -> list[rules.Finding]:
    monday = item.local_date - timedelta(days=item.local_date.weekday())  # type: ignore[operator]
    start, _ = local_day_bounds(monday, item.zone)
    _, end = local_day_bounds(monday + timedelta(days=6), item.zone)
    week = ContentItem.objects.filter(
        workspace=item.workspace,
        state__in=PLANNED,
        scheduled_at__gte=start,
        scheduled_at__lt=end,
    ).exclude(pk=item.pk)
    counts: dict[str, int] = {}
    for category in week.values_list("category", flat=True):
        counts[category] = counts.get(category, 0) + 1
    return rules.check_content_mix(counts, item.category, policy.mix_targets)


def _duplicates(item: ContentItem, policy: PublishingSettings) -> list[rules.Finding]:
    since = item.scheduled_at - timedelta(days=policy.duplicate_days)  # type: ignore[operator]
    others = (
        ContentItem.objects.filter(workspace=item.workspace, state__in=PLANNED)
        .filter(scheduled_at__gte=since, scheduled_at__lte=item.scheduled_at)
        .exclude(pk=item.pk)
        .values_list("scheduled_at", "text")
    )
    recent = [(when.date().isoformat(), text) for when, text in others]
    return rules.check_duplicate(item.text, recent, policy.duplicate_days)


def _links(item: ContentItem, texts: list[rules.ChannelText]) -> list[rules.Finding]:
    urls = set(item_urls(item))
    checks = LinkCheck.objects.filter(workspace=item.workspace, url__in=urls)
    return rules.check_links((c.url, c.ok, c.reason) for c in checks)


def item_urls(item: ContentItem) -> list[str]:
    """The links to check: the item's link and every URL typed in a text (untagged)."""
    found = [item.link] if item.link else []
    texts = [item.text] + [d.text_override for d in item.deliveries.all()]
    for text in texts:
        found += [url for _s, _e, url in find_urls(text) if url not in found]
    return found


def _media_facts(item: ContentItem) -> list[rules.MediaFacts]:
    facts = []
    for media in item.media.all():
        width = height = None
        seconds = size = None
        if media.mime_type.startswith("image/"):
            try:
                with media.file.open("rb") as handle, Image.open(handle) as image:
                    width, height = image.size
            except (OSError, UnidentifiedImageError):
                pass  # the upload form checked it; a vanished file is reported elsewhere
        elif media.mime_type.startswith("video/"):
            try:
                with media.file.open("rb") as handle:
                    seconds = video_seconds(handle)
                size = media.file.size
            except OSError:
                pass  # a vanished file is reported elsewhere
        facts.append(rules.MediaFacts(media.mime_type, width, height, seconds, size))
    return facts


def _network_media(
    item: ContentItem, deliveries: list[Delivery], texts: list[rules.ChannelText]
) -> list[rules.Finding]:
    """The limits each channel's network declares (koers.networks.catalog), never a name."""
    facts = _media_facts(item) if deliveries else []
    # A local fake Graph API (KOERS_META_URL, demos and tests) reaches local addresses.
    unreachable = settings.BASE_URL if media_urls.fetch_problem() == "local" else ""
    found: list[rules.Finding] = []
    # ``texts`` also holds a thread's later parts; the media go with each delivery's first post.
    del texts
    for delivery in deliveries:
        declared = delivery.channel.capabilities()
        if declared is None:
            continue
        limits = declared.limits
        found += rules.check_network_media(
            delivery.channel.name,
            outgoing_text(delivery),
            facts,
            rules.NetworkLimits(
                network=declared.label,
                # Counts of media and hashtags are the media_count and hashtag_count rules'.
                max_media=10**6,
                max_hashtags=None,
                min_carousel_items=limits.min_carousel_items,
                min_aspect_ratio=limits.min_aspect_ratio,
                max_aspect_ratio=limits.max_aspect_ratio,
                media_types=limits.media_types,
                max_video_seconds=limits.max_video_seconds,
                max_video_bytes=limits.max_video_bytes,
                needs_media=bool(declared.publish) and not declared.can_publish("text"),
                needs_public_media_url=declared.needs_public_media_url,
            ),
            unreachable_base_url=unreachable,
        )
    return found


def findings(item: ContentItem, deliveries: list[Delivery] | None = None) -> list[rules.Finding]:
    """All findings for ``item``, weighed by the workspace's rule modes (``off`` dropped)."""
    policy = PublishingSettings.for_workspace(item.workspace)
    if deliveries is None:
        deliveries = list(item.deliveries.select_related("channel", "item__campaign"))
    modes = {rule: policy.mode(rule) for rule in rules.RULES}
    texts = channel_texts(deliveries)
    found: list[rules.Finding] = []
    on = {rule for rule, mode in modes.items() if mode != "off"}
    if "length" in on:
        found += rules.check_length(texts)
    if "media_count" in on:
        found += _media(item, texts)
    if "hashtag_count" in on:
        found += rules.check_hashtag_count(texts)
    if "alt_text" in on:
        found += rules.check_alt_text([m.alt_text for m in item.media.all()])
    if "watched_hashtag" in on:
        watch = rules.parse_watch_list(policy.watch_hashtags)
        found += rules.check_hashtags([t.text for t in texts] or [item.text], watch)
    if item.scheduled_at is not None:
        if "frequency" in on:
            found += _frequency(item, deliveries)
        if "content_mix" in on:
            found += _mix(item, policy)
        if "duplicate" in on:
            found += _duplicates(item, policy)
    if "broken_link" in on:
        found += _links(item, texts)
    if "network_media" in on:
        found += _network_media(item, deliveries, texts)
    if "video_details" in on:
        found += _videos(item, deliveries)
    if "post_cap" in on or "post_cap_near" in on:
        found += _post_caps(item, deliveries)
    return rules.apply_modes(found, modes)


def messages(found: list[rules.Finding]) -> list[dict[str, object]]:
    """Findings ready for a template: message in the active language, severity, rule."""
    language = get_language() or "nl"
    return [
        {
            "rule": f.rule,
            "blocks": f.blocks,
            "message": f.message(language),
            "tag": f.params.get("tag", ""),
        }
        for f in found
    ]
