"""Find one person's data in a workspace, by handle or name, across listening, the inbox,
alerts and the strategy's People step (influencers, used by Measure).

Read-only: ``actions.erase_subject`` changes what ``find`` returns. A handle matches with or
without its leading ``@`` and in any case; a name matches exactly (any case). Posts by others
that mention the handle are found too ("mentioned in").
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from koers.alerts.models import AlertEvent
from koers.core.models import Workspace
from koers.engagement.models import InboxItem
from koers.listening.models import Mention
from koers.strategy.models import Influencer

#: Redacted mentions get this remote id prefix (the original id can name the author, e.g. a DID).
ERASED_PREFIX = "erased:"
PLACEHOLDER = "[…]"


@dataclass(frozen=True)
class Subject:
    """What the owner typed, in the forms we match it in."""

    raw: str
    handle: str  # lower case, without a leading "@"

    @classmethod
    def parse(cls, who: str) -> Subject:
        raw = " ".join(who.split())
        return cls(raw=raw, handle=raw.lstrip("@").lower())

    def digest(self, workspace: Workspace) -> str:
        """A keyed hash (per workspace) that recognises a repeat request but reveals nobody."""
        key = f"{settings.SECRET_KEY}:privacy:{workspace.pk}".encode()
        return hmac.new(key, self.raw.lower().encode(), hashlib.sha256).hexdigest()

    def authored(self) -> Q:
        q = Q(author_handle__iexact=self.handle) | Q(author_handle__iexact="@" + self.handle)
        return q | Q(author_name__iexact=self.raw)

    def named_in(self, mention: Mention) -> bool:
        """Does this post by someone else mention the handle?"""
        listed = {str(m).lstrip("@").lower() for m in mention.mentioned or []}
        return self.handle in listed or self.pattern().search(mention.text) is not None

    def pattern(self) -> re.Pattern[str]:
        return re.compile(r"@" + re.escape(self.handle) + r"(?![\w.@-]*\w)", re.IGNORECASE)


@dataclass
class Found:
    """Everything stored about one person in one workspace."""

    authored: list[Mention] = field(default_factory=list)
    mentioned_in: list[Mention] = field(default_factory=list)
    inbox: list[InboxItem] = field(default_factory=list)
    alert_events: list[AlertEvent] = field(default_factory=list)
    influencers: list[Influencer] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "mentions": len(self.authored),
            "mentioned_in": len(self.mentioned_in),
            "inbox": len(self.inbox),
            "alerts": len(self.alert_events),
            "influencers": len(self.influencers),
        }

    @property
    def total(self) -> int:
        return sum(self.counts().values())


def _mentions(workspace: Workspace) -> QuerySet[Mention]:
    return Mention.objects.filter(workspace=workspace).exclude(remote_id__startswith=ERASED_PREFIX)


def find(workspace: Workspace, subject: Subject) -> Found:
    authored = list(_mentions(workspace).filter(subject.authored()).prefetch_related("topics"))
    own = {m.pk for m in authored}
    candidates = _mentions(workspace).filter(text__icontains=subject.handle).exclude(pk__in=own)
    mentioned_in = [m for m in candidates if subject.named_in(m)]
    inbox = list(
        InboxItem.objects.filter(workspace=workspace, mention_id__in=own)
        .select_related("mention")
        .prefetch_related("notes", "replies")
    )
    # Keyword alerts keep the ids of the mentions they quote; the figures hold no text.
    events = (
        [
            e
            for e in AlertEvent.objects.filter(workspace=workspace)
            .exclude(mention_ids=[])
            .select_related("rule")
            if own.intersection(e.mention_ids)
        ]
        if own
        else []
    )
    influencers = list(
        Influencer.objects.filter(workspace=workspace).filter(
            Q(handle__iexact=subject.handle)
            | Q(handle__iexact="@" + subject.handle)
            | Q(name__iexact=subject.raw)
        )
    )
    return Found(authored, mentioned_in, inbox, events, influencers)


def _when(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def as_dict(found: Found) -> dict[str, Any]:
    """The export: every stored field that concerns the person, for the JSON download."""
    return {
        "mentions": [
            {
                "network": m.network,
                "url": m.url,
                "author_handle": m.author_handle,
                "author_name": m.author_name,
                "text": m.text,
                "published_at": _when(m.published_at),
                "language": m.lang,
                "sentiment": m.sentiment,
                "topics": [t.name for t in m.topics.all()],
            }
            for m in found.authored
        ],
        "mentioned_in": [
            {
                "network": m.network,
                "url": m.url,
                "text": m.text,
                "published_at": _when(m.published_at),
            }
            for m in found.mentioned_in
        ],
        "inbox": [
            {
                "message_url": i.mention.url,
                "received_at": _when(i.received_at),
                "status": i.status,
                "answered_at": _when(i.answered_at),
                "notes": [{"text": n.text, "at": _when(n.created_at)} for n in i.notes.all()],
                "replies": [
                    {"text": r.text, "state": r.state, "at": _when(r.published_at)}
                    for r in i.replies.all()
                ],
            }
            for i in found.inbox
        ],
        "alerts": [
            {"rule": e.rule.name, "kind": e.kind, "created_at": _when(e.created_at)}
            for e in found.alert_events
        ],
        "influencers": [
            {
                "name": p.name,
                "handle": p.handle,
                "network": p.network,
                "reach": p.reach,
                "notes": p.notes,
            }
            for p in found.influencers
        ],
    }


CSV_COLUMNS = ["category", "when", "network", "handle", "name", "text", "url", "detail"]


def as_csv(found: Found) -> str:
    """The same export as one flat table (one row per stored item)."""
    data = as_dict(found)
    rows: list[list[Any]] = []
    for m in data["mentions"]:
        rows.append(
            [
                "mention",
                m["published_at"],
                m["network"],
                m["author_handle"],
                m["author_name"],
                m["text"],
                m["url"],
                ", ".join(m["topics"]),
            ]
        )
    for m in data["mentioned_in"]:
        rows.append(
            ["mentioned_in", m["published_at"], m["network"], "", "", m["text"], m["url"], ""]
        )
    for i in data["inbox"]:
        rows.append(["inbox", i["received_at"], "", "", "", "", i["message_url"], i["status"]])
        rows.extend(["inbox_note", n["at"], "", "", "", n["text"], "", ""] for n in i["notes"])
        rows.extend(
            ["inbox_reply", r["at"], "", "", "", r["text"], "", r["state"]] for r in i["replies"]
        )
    for e in data["alerts"]:
        rows.append(["alert", e["created_at"], "", "", "", "", "", f"{e['rule']} ({e['kind']})"])
    for p in data["influencers"]:
        rows.append(
            [
                "influencer",
                "",
                p["network"],
                p["handle"],
                p["name"],
                p["notes"],
                "",
                "" if p["reach"] is None else str(p["reach"]),
            ]
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    # Cells starting with = + - @ would run as formulas in a spreadsheet.
    writer.writerows([_cell(c) for c in row] for row in rows)
    return out.getvalue()


def _cell(value: Any) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
