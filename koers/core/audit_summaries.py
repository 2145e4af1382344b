"""Audit summaries in the reader's language, also for rows written long ago.

Actions record their summary once, as an English sentence (``koers.core.actions.audit``): the
log is a record and is never rewritten. To show it in Dutch, each sentence an action writes is
listed here once, as its msgid (the English sentence, its parts as ``%(name)s``);
:func:`translated` matches a stored summary against its action's patterns and gives the msgid's
translation with the parts filled in. Parts that are stored values (a role, a source
kind, a sentiment, a close reason …) are shown with their choice's translated label; names,
titles and numbers stay as recorded. A summary that matches nothing (an action added after
this list, a row cut at 300 characters) is None: the caller shows it as recorded, in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from django.db.models import TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_


@dataclass(frozen=True)
class Summary:
    action: str
    """The action, or a prefix ending in "." or "_" for a family (``alerts.rule_``)."""
    msgid: str
    """The sentence as the action writes it, as a msgid: its parts as ``%(name)s``."""

    @property
    def english(self) -> str:
        """The sentence as the action writes it, its parts as ``{name}``."""
        return re.sub(r"%\((\w+)\)s", r"{\1}", self.msgid).replace("%%", "%")


S = Summary
SUMMARIES: tuple[Summary, ...] = (
    # core: workspaces and members
    S("workspace.create", N_("created workspace %(name)s")),
    S("workspace.update", N_("changed workspace settings")),
    S("member.invite", N_("invited anyone with the link as %(role)s")),
    S("member.invite", N_("invited %(who)s (anyone with the link) as %(role)s")),
    S("member.invite", N_("invited %(who)s as %(role)s")),
    S("member.join", N_("%(user)s joined as %(role)s by single sign-on")),
    S("member.join", N_("%(user)s joined as %(role)s")),
    S("member.revoke_invite", N_("revoked an invitation")),
    S("member.role", N_("%(user)s: %(old_role)s → %(role)s")),
    S("member.remove", N_("removed %(user)s")),
    S("member.add", N_("added %(user)s as %(role)s (CLI)")),
    S("account.unlock", N_("lifted the login lockout of %(user)s")),
    S("account.locked", N_("login locked after %(count)s failed attempts")),
    # listening
    S("listening.topic.create", N_("created topic %(name)s")),
    S("listening.topic.update", N_("changed topic %(name)s")),
    S("listening.topic.delete", N_("deleted topic %(name)s")),
    S("listening.source.create", N_("added source %(name)s (%(source_kind)s)")),
    S("listening.source.update", N_("changed source %(name)s")),
    S("listening.source.paused", N_("paused source %(name)s")),
    S("listening.source.resumed", N_("resumed source %(name)s")),
    S("listening.source.delete", N_("deleted source %(name)s")),
    S(
        "listening.sentiment.correct",
        N_("sentiment of a mention: %(old_sentiment)s → %(sentiment)s"),
    ),
    S("listening.sentiment_backend", N_("sentiment backend: %(backend)s")),
    S("listening.import", N_("imported %(stored)s of %(received)s rows into %(name)s")),
    S(
        "listening.sentiment_train",
        N_("trained on %(count)s corrections: macro-F1 %(score)s (in use)"),
    ),
    S(
        "listening.sentiment_train",
        N_("trained on %(count)s corrections: macro-F1 %(score)s (not better than the default)"),
    ),
    # publishing
    S("delivery.published", N_("published %(title)s on %(channel)s")),
    S("delivery.failed", N_("%(title)s on %(channel)s failed")),
    S("item.overdue", N_("%(title)s: time passed")),
    S("channel.connect", N_("connected %(network)s channel %(name)s")),
    S("channel.reconnect", N_("new credentials for %(name)s")),
    S("channel.remove", N_("removed channel %(name)s")),
    S("channel.check", N_("%(name)s: ok")),
    S("channel.check", N_("%(name)s: broken")),
    S("channel.expiry_warning", N_("%(name)s expires soon")),
    S("campaign.create", N_("created campaign %(name)s")),
    S("publishing.settings", N_("changed publishing policy")),
    S("publishing.ics_rotate", N_("new calendar feed address")),
    S("publishing.ics_revoke", N_("calendar feed switched off")),
    S("item.", N_("saved %(title)s")),
    S("item.media", N_("added an image to %(title)s")),
    S("item.alt_text", N_("changed alt text")),
    S("item.media_remove", N_("removed an image")),
    S("item.submit", N_("submitted %(title)s")),
    S("item.approve", N_("approved %(title)s")),
    S("item.reject", N_("rejected %(title)s")),
    S("item.schedule", N_("scheduled %(title)s")),
    S("item.unschedule", N_("unscheduled %(title)s")),
    S("item.reschedule", N_("moved %(title)s")),
    S("item.retry", N_("retry %(title)s")),
    S("item.delete", N_("deleted %(title)s")),
    S("channel.rotate_keys", N_("re-encrypted %(count)s channel credentials")),
    # engagement (the inbox)
    S("inbox.add", N_("added a mention to the inbox by hand")),
    S("inbox.assign", N_("assigned to %(user)s")),
    S("inbox.close", N_("closed: %(close_reason)s")),
    S("inbox.reopen", N_("reopened (was %(status)s)")),
    S("inbox.answered", N_("answered elsewhere")),
    S("inbox.note", N_("added a note")),
    S("inbox.settings", N_("response-time target %(count)s min")),
    S("inbox.overdue", N_("response-time target passed")),
    S("inbox.triage", N_("%(count)s mention(s) added to the inbox")),
    S("inbox.reply_retry", N_("reply queued again")),
    S("inbox.replied", N_("reply sent on %(channel)s")),
    S("inbox.reply_failed", N_("reply on %(channel)s failed")),
    S("inbox.reply", N_("reply queued on %(channel)s")),
    S("inbox.hide", N_("comment hidden on %(network)s")),
    S("inbox.delete", N_("comment deleted on %(network)s")),
    S("inbox.moderate", N_("asked to hide the comment on %(network)s")),
    S("inbox.moderate", N_("asked to delete the comment on %(network)s")),
    S("inbox.moderate_retry", N_("asked again to hide the comment")),
    S("inbox.moderate_retry", N_("asked again to delete the comment")),
    S("inbox.moderate_failed", N_("could not hide the comment")),
    S("inbox.moderate_failed", N_("could not delete the comment")),
    # strategy
    S("strategy.cycle_create", N_("started strategy cycle %(name)s")),
    S("strategy.people", N_("updated the audience description")),
    S("strategy.influencer_add", N_("added influencer %(name)s")),
    S("strategy.influencer_remove", N_("removed influencer %(name)s")),
    S("strategy.technographics_survey", N_("uploaded survey %(name)s (%(count)s respondents)")),
    S("strategy.technographics_benchmark", N_("used benchmark %(name)s as the audience profile")),
    S("strategy.technographics_compare", N_("compare the profile with nothing")),
    S("strategy.technographics_compare", N_("compare the profile with %(name)s")),
    S("strategy.tactics", N_("set own tactics for %(rung)s")),
    S("strategy.tactics", N_("restored default tactics for %(rung)s")),
    S("strategy.groundswell", N_("chose Groundswell objectives")),
    S("strategy.objective", N_("added objective %(title)s")),
    S("strategy.objective", N_("changed objective %(title)s")),
    S("strategy.objective", N_("added example objective %(count)s")),
    S("strategy.objective_delete", N_("deleted objective %(title)s")),
    S("strategy.strategy", N_("updated the strategy")),
    S("strategy.channel_add", N_("added channel %(name)s")),
    S("strategy.channel_remove", N_("removed channel %(name)s")),
    S("strategy.kerkhofs_step", N_("updated Kerkhofs step %(step)s")),
    S("strategy.kerkhofs_step", N_("updated Kerkhofs steps %(step)s")),
    S("strategy.go_no_go", N_("decided %(decision)s for %(name)s")),
    S("strategy.funnel", N_("updated the funnel targets")),
    S("strategy.roos_organiseren", N_("updated Organiseren")),
    S("strategy.roos", N_("updated the Communicatieroos")),
    S("strategy.roos_petal", N_("updated petal %(name)s")),
    S("strategy.maturity", N_("listening maturity assessed at stage %(count)s")),
    S("strategy.objective_result", N_("evaluated objective %(title)s: %(result)s")),
    # alerts
    S("alerts.rule_create", N_("created alert rule %(name)s")),
    S("alerts.rule_update", N_("changed alert rule %(name)s")),
    S("alerts.rule_delete", N_("deleted alert rule %(name)s")),
    S("alerts.rule_enabled", N_("enabled alert rule %(name)s")),
    S("alerts.rule_disabled", N_("disabled alert rule %(name)s")),
    S("alerts.acknowledge", N_("acknowledged alert %(count)s")),
    # privacy
    S(
        "privacy.retention_run",
        N_(
            "retention: %(count)s mentions deleted, %(emptied)s inbox messages emptied, author "
            "data removed from %(stripped)s mentions"
        ),
    ),
    S("privacy.retention_set", N_("changed retention periods")),
    S("privacy.", N_("%(request_kind)s request %(number)s: %(count)s items")),
    # measurement
    S("measurement.import", N_("imported %(count)s metric rows from %(name)s")),
    S("measurement.manual_delete", N_("deleted %(metric)s %(day)s")),
    S("measurement.manual", N_("%(metric)s %(day)s: %(value)s")),
    S("measurement.account_metrics", N_("%(name)s: %(count)s followers")),
    S("measurement.schedule", N_("report monthly to %(count)s recipients")),
    S("measurement.schedule", N_("report weekly to %(count)s recipients")),
    S("measurement.schedule_delete", N_("schedule removed")),
    S("measurement.report_sent", N_("report %(period)s sent to %(count)s recipients")),
    S("measurement.evaluate", N_("objective %(name)s: reached")),
    S("measurement.evaluate", N_("objective %(name)s: not reached")),
    S("measurement.track", N_("following %(count)s new posts")),
    S("measurement.post_metrics", N_("%(count)s post snapshots from %(network)s")),
    S("strategy.channel_update", N_("changed channel %(name)s")),
    S("strategy.policy", N_("updated the social media policy")),
    S(
        "strategy.policy_template",
        N_("filled the social media policy from the public-body template"),
    ),
    S("strategy.audience_add", N_("added audience %(name)s")),
    S("strategy.audience_remove", N_("removed audience %(name)s")),
    S("strategy.costs", N_("updated the costs and the value of results")),
    S("api.token_create", N_("created API token %(name)s")),
    S("api.token_revoke", N_("revoked API token %(name)s")),
    # notify: chat destinations and personal choices
    S("notify.destination_create", N_("added %(kind)s destination %(name)s (%(host)s)")),
    S("notify.destination_update", N_("changed destination %(name)s")),
    S("notify.destination_delete", N_("removed destination %(name)s")),
    S("notify.destination_test", N_("test message to %(name)s: %(state)s")),
    S("notify.preference", N_("notification choices: e-mail %(events)s, digest %(digest)s")),
)


def _choices() -> dict[str, type[TextChoices]]:
    """Parts that are a stored choice value → the choices that name it (imported late: the
    apps' models load after this module)."""
    from koers.core.models import Role
    from koers.engagement.models import CloseReason, Status
    from koers.listening.models import Sentiment, SourceKind
    from koers.privacy.models import RequestKind
    from koers.strategy.models import Decision

    return {
        "role": Role,
        "old_role": Role,
        "source_kind": SourceKind,
        "sentiment": Sentiment,
        "old_sentiment": Sentiment,
        "close_reason": CloseReason,
        "status": Status,
        "decision": Decision,
        "request_kind": RequestKind,
    }


def _label(choices: type[TextChoices]) -> Callable[[str], str]:
    """A stored value → its label, lower-cased inside the sentence ("als redacteur")."""
    labels = dict(choices.choices)

    def label(value: str) -> str:
        if value not in labels:
            return value
        text = str(labels[value])
        return text if text[:2].isupper() else text[:1].lower() + text[1:]

    return label


@cache
def _patterns() -> dict[str, list[tuple[re.Pattern[str], Summary]]]:
    """Action (or family prefix) → its sentences as anchored patterns, in list order."""
    found: dict[str, list[tuple[re.Pattern[str], Summary]]] = {}
    for summary in SUMMARIES:
        parts = re.split(r"\{(\w+)\}", summary.english)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        found.setdefault(summary.action, []).append((re.compile(f"^{regex}$", re.S), summary))
    return found


def _candidates(action: str | None) -> list[tuple[re.Pattern[str], Summary]]:
    patterns = _patterns()
    if action is None:
        return [p for group in patterns.values() for p in group]
    own = list(patterns.get(action, []))
    for key, group in patterns.items():
        if key.endswith((".", "_")) and action.startswith(key) and key != action:
            own += group
    return own


def translated(summary: str, action: str | None = None) -> str | None:
    """``summary`` (as an action of ``action`` wrote it) in the active language, or None when
    no sentence of this list matches it."""
    for pattern, known in _candidates(action):
        match = pattern.match(summary)
        if match is None:
            continue
        params: Mapping[str, str] = match.groupdict()
        if params:
            labels = _choices()
            params = {k: _label(labels[k])(v) if k in labels else v for k, v in params.items()}
            return gettext(known.msgid) % params
        return gettext(known.msgid)
    return None
