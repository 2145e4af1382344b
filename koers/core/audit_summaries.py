"""Audit summaries in the reader's language, also for rows written long ago.

Actions record their summary once, as an English sentence (``koers.core.actions.audit``): the
log is a record and is never rewritten. To show it in Dutch, each sentence an action writes is
listed here once, as the English pattern it was written with and a msgid with the same named
parts; :func:`translated` matches a stored summary against its action's patterns and gives the
msgid's translation with the parts filled in. Parts that are stored values (a role, a source
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
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Summary:
    action: str
    """The action, or a prefix ending in "." or "_" for a family (``alerts.rule_``)."""
    english: str
    """The sentence as the action writes it, its parts as ``{name}``."""
    msgid: Promise
    """The same sentence as a msgid, its parts as ``%(name)s``."""


S = Summary
SUMMARIES: tuple[Summary, ...] = (
    # core: workspaces and members
    S("workspace.create", "created workspace {name}", _("created workspace %(name)s")),
    S("workspace.update", "changed workspace settings", _("changed workspace settings")),
    S(
        "member.invite",
        "invited anyone with the link as {role}",
        _("invited anyone with the link as %(role)s"),
    ),
    S(
        "member.invite",
        "invited {who} (anyone with the link) as {role}",
        _("invited %(who)s (anyone with the link) as %(role)s"),
    ),
    S("member.invite", "invited {who} as {role}", _("invited %(who)s as %(role)s")),
    S(
        "member.join",
        "{user} joined as {role} by single sign-on",
        _("%(user)s joined as %(role)s by single sign-on"),
    ),
    S("member.join", "{user} joined as {role}", _("%(user)s joined as %(role)s")),
    S("member.revoke_invite", "revoked an invitation", _("revoked an invitation")),
    S("member.role", "{user}: {old_role} → {role}", _("%(user)s: %(old_role)s → %(role)s")),
    S("member.remove", "removed {user}", _("removed %(user)s")),
    S("member.add", "added {user} as {role} (CLI)", _("added %(user)s as %(role)s (CLI)")),
    S(
        "account.unlock",
        "lifted the login lockout of {user}",
        _("lifted the login lockout of %(user)s"),
    ),
    S(
        "account.locked",
        "login locked after {count} failed attempts",
        _("login locked after %(count)s failed attempts"),
    ),
    # listening
    S("listening.topic.create", "created topic {name}", _("created topic %(name)s")),
    S("listening.topic.update", "changed topic {name}", _("changed topic %(name)s")),
    S("listening.topic.delete", "deleted topic {name}", _("deleted topic %(name)s")),
    S(
        "listening.source.create",
        "added source {name} ({source_kind})",
        _("added source %(name)s (%(source_kind)s)"),
    ),
    S("listening.source.update", "changed source {name}", _("changed source %(name)s")),
    S("listening.source.paused", "paused source {name}", _("paused source %(name)s")),
    S("listening.source.resumed", "resumed source {name}", _("resumed source %(name)s")),
    S("listening.source.delete", "deleted source {name}", _("deleted source %(name)s")),
    S(
        "listening.sentiment.correct",
        "sentiment of a mention: {old_sentiment} → {sentiment}",
        _("sentiment of a mention: %(old_sentiment)s → %(sentiment)s"),
    ),
    S(
        "listening.sentiment_backend",
        "sentiment backend: {backend}",
        _("sentiment backend: %(backend)s"),
    ),
    S(
        "listening.import",
        "imported {stored} of {received} rows into {name}",
        _("imported %(stored)s of %(received)s rows into %(name)s"),
    ),
    S(
        "listening.sentiment_train",
        "trained on {count} corrections: macro-F1 {score} (in use)",
        _("trained on %(count)s corrections: macro-F1 %(score)s (in use)"),
    ),
    S(
        "listening.sentiment_train",
        "trained on {count} corrections: macro-F1 {score} (not better than the default)",
        _("trained on %(count)s corrections: macro-F1 %(score)s (not better than the default)"),
    ),
    # publishing
    S(
        "delivery.published",
        "published {title} on {channel}",
        _("published %(title)s on %(channel)s"),
    ),
    S("delivery.failed", "{title} on {channel} failed", _("%(title)s on %(channel)s failed")),
    S("item.overdue", "{title}: time passed", _("%(title)s: time passed")),
    S(
        "channel.connect",
        "connected {network} channel {name}",
        _("connected %(network)s channel %(name)s"),
    ),
    S("channel.reconnect", "new credentials for {name}", _("new credentials for %(name)s")),
    S("channel.remove", "removed channel {name}", _("removed channel %(name)s")),
    S("channel.check", "{name}: ok", _("%(name)s: ok")),
    S("channel.check", "{name}: broken", _("%(name)s: broken")),
    S("channel.expiry_warning", "{name} expires soon", _("%(name)s expires soon")),
    S("campaign.create", "created campaign {name}", _("created campaign %(name)s")),
    S("publishing.settings", "changed publishing policy", _("changed publishing policy")),
    S("publishing.ics_rotate", "new calendar feed address", _("new calendar feed address")),
    S("publishing.ics_revoke", "calendar feed switched off", _("calendar feed switched off")),
    S("item.", "saved {title}", _("saved %(title)s")),
    S("item.media", "added an image to {title}", _("added an image to %(title)s")),
    S("item.alt_text", "changed alt text", _("changed alt text")),
    S("item.media_remove", "removed an image", _("removed an image")),
    S("item.submit", "submitted {title}", _("submitted %(title)s")),
    S("item.approve", "approved {title}", _("approved %(title)s")),
    S("item.reject", "rejected {title}", _("rejected %(title)s")),
    S("item.schedule", "scheduled {title}", _("scheduled %(title)s")),
    S("item.unschedule", "unscheduled {title}", _("unscheduled %(title)s")),
    S("item.reschedule", "moved {title}", _("moved %(title)s")),
    S("item.retry", "retry {title}", _("retry %(title)s")),
    S("item.delete", "deleted {title}", _("deleted %(title)s")),
    S(
        "channel.rotate_keys",
        "re-encrypted {count} channel credentials",
        _("re-encrypted %(count)s channel credentials"),
    ),
    # engagement (the inbox)
    S(
        "inbox.add",
        "added a mention to the inbox by hand",
        _("added a mention to the inbox by hand"),
    ),
    S("inbox.assign", "assigned to {user}", _("assigned to %(user)s")),
    S("inbox.close", "closed: {close_reason}", _("closed: %(close_reason)s")),
    S("inbox.reopen", "reopened (was {status})", _("reopened (was %(status)s)")),
    S("inbox.answered", "answered elsewhere", _("answered elsewhere")),
    S("inbox.note", "added a note", _("added a note")),
    S(
        "inbox.settings",
        "response-time target {count} min",
        _("response-time target %(count)s min"),
    ),
    S("inbox.overdue", "response-time target passed", _("response-time target passed")),
    S(
        "inbox.triage",
        "{count} mention(s) added to the inbox",
        _("%(count)s mention(s) added to the inbox"),
    ),
    S("inbox.reply_retry", "reply queued again", _("reply queued again")),
    S("inbox.replied", "reply sent on {channel}", _("reply sent on %(channel)s")),
    S("inbox.reply_failed", "reply on {channel} failed", _("reply on %(channel)s failed")),
    S("inbox.reply", "reply queued on {channel}", _("reply queued on %(channel)s")),
    S("inbox.hide", "comment hidden on {network}", _("comment hidden on %(network)s")),
    S("inbox.delete", "comment deleted on {network}", _("comment deleted on %(network)s")),
    S(
        "inbox.moderate",
        "asked to hide the comment on {network}",
        _("asked to hide the comment on %(network)s"),
    ),
    S(
        "inbox.moderate",
        "asked to delete the comment on {network}",
        _("asked to delete the comment on %(network)s"),
    ),
    S(
        "inbox.moderate_retry",
        "asked again to hide the comment",
        _("asked again to hide the comment"),
    ),
    S(
        "inbox.moderate_retry",
        "asked again to delete the comment",
        _("asked again to delete the comment"),
    ),
    S("inbox.moderate_failed", "could not hide the comment", _("could not hide the comment")),
    S("inbox.moderate_failed", "could not delete the comment", _("could not delete the comment")),
    # strategy
    S(
        "strategy.cycle_create",
        "started strategy cycle {name}",
        _("started strategy cycle %(name)s"),
    ),
    S("strategy.people", "updated the audience description", _("updated the audience description")),
    S("strategy.influencer_add", "added influencer {name}", _("added influencer %(name)s")),
    S("strategy.influencer_remove", "removed influencer {name}", _("removed influencer %(name)s")),
    S(
        "strategy.technographics_survey",
        "uploaded survey {name} ({count} respondents)",
        _("uploaded survey %(name)s (%(count)s respondents)"),
    ),
    S(
        "strategy.technographics_benchmark",
        "used benchmark {name} as the audience profile",
        _("used benchmark %(name)s as the audience profile"),
    ),
    S(
        "strategy.technographics_compare",
        "compare the profile with nothing",
        _("compare the profile with nothing"),
    ),
    S(
        "strategy.technographics_compare",
        "compare the profile with {name}",
        _("compare the profile with %(name)s"),
    ),
    S("strategy.tactics", "set own tactics for {rung}", _("set own tactics for %(rung)s")),
    S(
        "strategy.tactics",
        "restored default tactics for {rung}",
        _("restored default tactics for %(rung)s"),
    ),
    S("strategy.groundswell", "chose Groundswell objectives", _("chose Groundswell objectives")),
    S("strategy.objective", "added objective {title}", _("added objective %(title)s")),
    S("strategy.objective", "changed objective {title}", _("changed objective %(title)s")),
    S(
        "strategy.objective",
        "added example objective {count}",
        _("added example objective %(count)s"),
    ),
    S("strategy.objective_delete", "deleted objective {title}", _("deleted objective %(title)s")),
    S("strategy.strategy", "updated the strategy", _("updated the strategy")),
    S("strategy.channel_add", "added channel {name}", _("added channel %(name)s")),
    S("strategy.channel_remove", "removed channel {name}", _("removed channel %(name)s")),
    S(
        "strategy.kerkhofs_step",
        "updated Kerkhofs step {step}",
        _("updated Kerkhofs step %(step)s"),
    ),
    S(
        "strategy.kerkhofs_step",
        "updated Kerkhofs steps {step}",
        _("updated Kerkhofs steps %(step)s"),
    ),
    S("strategy.go_no_go", "decided {decision} for {name}", _("decided %(decision)s for %(name)s")),
    S("strategy.funnel", "updated the funnel targets", _("updated the funnel targets")),
    S("strategy.roos_organiseren", "updated Organiseren", _("updated Organiseren")),
    S("strategy.roos", "updated the Communicatieroos", _("updated the Communicatieroos")),
    S("strategy.roos_petal", "updated petal {name}", _("updated petal %(name)s")),
    S(
        "strategy.maturity",
        "listening maturity assessed at stage {count}",
        _("listening maturity assessed at stage %(count)s"),
    ),
    S(
        "strategy.objective_result",
        "evaluated objective {title}: {result}",
        _("evaluated objective %(title)s: %(result)s"),
    ),
    # alerts
    S("alerts.rule_create", "created alert rule {name}", _("created alert rule %(name)s")),
    S("alerts.rule_update", "changed alert rule {name}", _("changed alert rule %(name)s")),
    S("alerts.rule_delete", "deleted alert rule {name}", _("deleted alert rule %(name)s")),
    S("alerts.rule_enabled", "enabled alert rule {name}", _("enabled alert rule %(name)s")),
    S("alerts.rule_disabled", "disabled alert rule {name}", _("disabled alert rule %(name)s")),
    S("alerts.acknowledge", "acknowledged alert {count}", _("acknowledged alert %(count)s")),
    # privacy
    S(
        "privacy.retention_run",
        "retention: {count} mentions deleted, {emptied} inbox messages emptied, author data "
        "removed from {stripped} mentions",
        _(
            "retention: %(count)s mentions deleted, %(emptied)s inbox messages emptied, author "
            "data removed from %(stripped)s mentions"
        ),
    ),
    S("privacy.retention_set", "changed retention periods", _("changed retention periods")),
    S(
        "privacy.",
        "{request_kind} request {number}: {count} items",
        _("%(request_kind)s request %(number)s: %(count)s items"),
    ),
    # measurement
    S(
        "measurement.import",
        "imported {count} metric rows from {name}",
        _("imported %(count)s metric rows from %(name)s"),
    ),
    S("measurement.manual_delete", "deleted {metric} {day}", _("deleted %(metric)s %(day)s")),
    S("measurement.manual", "{metric} {day}: {value}", _("%(metric)s %(day)s: %(value)s")),
    S(
        "measurement.account_metrics",
        "{name}: {count} followers",
        _("%(name)s: %(count)s followers"),
    ),
    S(
        "measurement.schedule",
        "report monthly to {count} recipients",
        _("report monthly to %(count)s recipients"),
    ),
    S(
        "measurement.schedule",
        "report weekly to {count} recipients",
        _("report weekly to %(count)s recipients"),
    ),
    S("measurement.schedule_delete", "schedule removed", _("schedule removed")),
    S(
        "measurement.report_sent",
        "report {period} sent to {count} recipients",
        _("report %(period)s sent to %(count)s recipients"),
    ),
    S("measurement.evaluate", "objective {name}: reached", _("objective %(name)s: reached")),
    S(
        "measurement.evaluate",
        "objective {name}: not reached",
        _("objective %(name)s: not reached"),
    ),
    S("measurement.track", "following {count} new posts", _("following %(count)s new posts")),
    S(
        "measurement.post_metrics",
        "{count} post snapshots from {network}",
        _("%(count)s post snapshots from %(network)s"),
    ),
    S("strategy.channel_update", "changed channel {name}", _("changed channel %(name)s")),
    S("strategy.policy", "updated the social media policy", _("updated the social media policy")),
    S(
        "strategy.policy_template",
        "filled the social media policy from the public-body template",
        _("filled the social media policy from the public-body template"),
    ),
    S("strategy.audience_add", "added audience {name}", _("added audience %(name)s")),
    S("strategy.audience_remove", "removed audience {name}", _("removed audience %(name)s")),
    S(
        "strategy.costs",
        "updated the costs and the value of results",
        _("updated the costs and the value of results"),
    ),
    S("api.token_create", "created API token {name}", _("created API token %(name)s")),
    S("api.token_revoke", "revoked API token {name}", _("revoked API token %(name)s")),
    # notify: chat destinations and personal choices
    S(
        "notify.destination_create",
        "added {kind} destination {name} ({host})",
        _("added %(kind)s destination %(name)s (%(host)s)"),
    ),
    S("notify.destination_update", "changed destination {name}", _("changed destination %(name)s")),
    S("notify.destination_delete", "removed destination {name}", _("removed destination %(name)s")),
    S(
        "notify.destination_test",
        "test message to {name}: {state}",
        _("test message to %(name)s: %(state)s"),
    ),
    S(
        "notify.preference",
        "notification choices: e-mail {events}, digest {digest}",
        _("notification choices: e-mail %(events)s, digest %(digest)s"),
    ),
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
            return str(known.msgid) % params
        return str(known.msgid)
    return None
