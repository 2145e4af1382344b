"""What each event says on a card, in a language, with the absolute link back into koers
(``KOERS_BASE_URL``). The wire format is ``koers.networks.chat``'s business."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from koers.core.models import Workspace
from koers.core.neterrors import translate as translate_error
from koers.networks.chat import Card
from koers.notify.models import Event, EventKind


def absolute(name: str, *args: object) -> str:
    return settings.BASE_URL + reverse(name, args=args)


def event_link(event: Event, slug: str) -> str:
    if event.kind == EventKind.ALERT:
        return absolute("alerts:event", slug, int(event.object_id))
    if event.kind in (EventKind.APPROVAL, EventKind.FAILED_POST):
        return absolute("publishing:item", slug, int(event.object_id))
    if event.kind == EventKind.OVERDUE:
        return absolute("engagement:item", slug, int(event.object_id))
    return absolute("publishing:channels", slug)


def _content(event: Event) -> Card:
    d = event.data
    if event.kind == EventKind.ALERT:
        return Card(
            title=_("Alert: %(headline)s") % {"headline": d.get("headline", "")},
            text=_("Rule “%(rule)s” fired.") % {"rule": d.get("rule", "")},
            link_url="",
            link_label=_("Open the alert"),
            tone="warning",
        )
    if event.kind == EventKind.APPROVAL:
        by = d.get("by") or _("Someone")
        return Card(
            title=_("“%(title)s” waits for approval") % {"title": d.get("title", "")},
            text=_("%(who)s asks for approval. Read it, then approve or reject it.") % {"who": by},
            link_url="",
            link_label=_("Review the post"),
        )
    if event.kind == EventKind.FAILED_POST:
        errors = d.get("errors", [])
        return Card(
            title=_("“%(title)s” was not published") % {"title": d.get("title", "")},
            text=_("Publishing failed. Check the reason, then try again or change the post."),
            link_url="",
            link_label=_("Open the post"),
            facts=tuple((e["channel"], translate_error(e["error"])) for e in errors),
            tone="danger",
        )
    if event.kind == EventKind.OVERDUE:
        return Card(
            title=_("A message is waiting too long"),
            text=d.get("text", ""),
            link_url="",
            link_label=_("Answer in the inbox"),
            facts=((_("From"), d.get("author", "")),),
            tone="warning",
        )
    reason = translate_error(d.get("reason", ""))
    return Card(
        title=_("Channel %(name)s is broken") % {"name": d.get("channel", "")},
        text=_("Scheduled posts for this channel will not go out until it is reconnected."),
        link_url="",
        link_label=_("Reconnect the channel"),
        facts=((_("Reason"), reason),) if reason else (),
        tone="danger",
    )


def card_for(event: Event, workspace: Workspace, language: str) -> Card:
    with translation.override(language):
        content = _content(event)
        return Card(
            title=content.title,
            text=content.text,
            link_url=event_link(event, workspace.slug),
            link_label=content.link_label,
            facts=content.facts,
            tone=content.tone,
            context=_("koers · %(workspace)s") % {"workspace": workspace.name},
        )


def trial_card(workspace: Workspace, language: str) -> Card:
    with translation.override(language):
        return Card(
            title=_("Test message from koers"),
            text=_("If you can read this, koers can post notifications to this channel."),
            link_url=absolute("notify:destinations", workspace.slug),
            link_label=_("Open the notification settings"),
            context=_("koers · %(workspace)s") % {"workspace": workspace.name},
        )
